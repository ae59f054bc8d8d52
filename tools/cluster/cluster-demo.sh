#!/usr/bin/env bash
# FieldSync cluster demo: a throwaway PostgreSQL, three fieldsync-server processes on it and
# nginx in front as the one address phones use. The demo's reps sync through different
# servers; an edit made through one server arrives live on a phone connected to another.
#
#   tools/cluster/cluster-demo.sh BUILD_DIR
#
# Every expectation is checked (non-zero exit on the first that fails). Everything it
# started is stopped at the end; FIELDSYNC_CLUSTER_KEEP=1 leaves the cluster running and
# says how to stop it. Environment: FIELDSYNC_CLUSTER_DIR (default ./cluster-demo-data).
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD="$(cd "$1" && pwd)"
FIELDSYNC="$BUILD/tools/fieldsync/fieldsync"
SERVER="$BUILD/server/fieldsync-server"
for binary in "$FIELDSYNC" "$SERVER"; do
  [[ -x "$binary" ]] || { echo "error: $binary not found; build fieldsync and fieldsync-server first" >&2; exit 1; }
done
command -v nginx >/dev/null || { echo "error: nginx is not installed (tools/bootstrap installs it)" >&2; exit 1; }

# shellcheck source=../demo/demo-lib.sh
source "$REPO/tools/demo/demo-lib.sh"
# shellcheck source=cluster-lib.sh
source "$HERE/cluster-lib.sh"

DEMO="${FIELDSYNC_CLUSTER_DIR:-$PWD/cluster-demo-data}"
rm -rf "$DEMO"
mkdir -p "$DEMO/phones" "$DEMO/tokens"
chmod 700 "$DEMO/tokens"
# PostgreSQL runs as the postgres user, which must reach its directory: not under $DEMO,
# which may sit in root's home.
CLUSTER=$(mktemp -d /tmp/fieldsync-cluster-XXXXXX)
chmod 711 "$CLUSTER"  # the postgres user passes through to its own directory, pg/
LIVE_PID=''
on_exit() {
  local status=$?
  [[ -n "$LIVE_PID" ]] && kill -TERM "$LIVE_PID" 2>/dev/null
  if [[ $status -ne 0 || "${FIELDSYNC_CLUSTER_KEEP:-0}" != 1 ]]; then
    cluster_stop
    rm -rf "$CLUSTER"
  fi
  exit $status
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section "1. PostgreSQL, three sync servers on it, nginx in front"
cluster_start_postgres
say "PostgreSQL 15 on 127.0.0.1:$PG_PORT (a throwaway cluster in $CLUSTER/pg)"
for n in 0 1 2; do
  cluster_start_server "$n"
  say "fieldsync-server $((n + 1)) (pid ${SERVER_PIDS[$n]}) on ws://127.0.0.1:${SERVER_PORTS[$n]}/sync, store $STORE_URL"
done
cluster_start_nginx
LB="ws://127.0.0.1:$NGINX_PORT/sync"
say "nginx (server/packaging/nginx/fieldsync-cluster.conf) on $LB: the one address phones use"
server_url() { echo "ws://127.0.0.1:${SERVER_PORTS[$1]}/sync"; }

section "2. Users and tokens: admin commands work on the shared database (--store)"
admin() { "$SERVER" --store "$STORE_URL" "$@"; }
admin user add sue --role supervisor --display-name "Susanne Berg" | sed 's/^./  &/'
admin user add anna --role rep --territory north --display-name "Anna Weber" | sed 's/^./  &/'
admin user add ben --role rep --territory north --display-name "Ben Okafor" | sed 's/^./  &/'
admin user add carla --role rep --territory south --display-name "Carla Ruiz" | sed 's/^./  &/'
for user in sue anna ben; do
  (umask 077 && admin token issue "$user" --ttl-days 7 2>/dev/null >"$DEMO/tokens/$user")
done

fs() {
  local who=$1
  shift
  "$FIELDSYNC" --db "$DEMO/phones/$who.db" "$@"
}
token_of() { if [[ "$1" == office ]]; then echo sue; else echo "$1"; fi; }
sync_via() {  # WHO URL
  fs "$1" sync --server "$2" --token-file "$DEMO/tokens/$(token_of "$1")" | sed 's/^./    &/'
}

section "3. The office imports the customers through nginx; each rep syncs through another server"
for who in office anna ben; do fs "$who" init >/dev/null; done
fs office import customers "$REPO/tools/demo/customers.csv" | sed 's/^./  &/'
sync_via office "$LB"
say "anna syncs through server 1:"
sync_via anna "$(server_url 0)"
say "ben syncs through server 2:"
sync_via ben "$(server_url 1)"
expect_eq "anna's phone holds the north customers" "$(fs anna export customers --csv | tail -n +2 | wc -l)" 5
expect_eq "ben's phone holds the same" "$(fs ben export customers --csv | tail -n +2 | wc -l)" 5

section "4. anna's phone stays connected to server 3; ben edits a customer through server 1"
BAKERY=0190a6f2-0001-7000-8000-00000000c001  # Hoffmann Bäckerei, Hamburg (north)
fs anna sync --live --json --server "$(server_url 2)" --token-file "$DEMO/tokens/anna" \
  >"$DEMO/anna-live.jsonl" 2>&1 </dev/null &
LIVE_PID=$!
for _ in $(seq 1 100); do
  grep -q '"event":"caught_up"' "$DEMO/anna-live.jsonl" && break
  sleep 0.1
done
grep -q '"event":"caught_up"' "$DEMO/anna-live.jsonl" || fail "anna's live sync did not catch up: $(cat "$DEMO/anna-live.jsonl")"
say "anna: live on server 3"
fs ben put customers "$BAKERY" "phone=+49 40 5550 9999" >/dev/null
started=$(date +%s%N)
sync_via ben "$(server_url 0)"
for _ in $(seq 1 200); do
  grep -q "\"event\":\"received\".*$BAKERY" "$DEMO/anna-live.jsonl" && break
  sleep 0.01
done
arrived=$(date +%s%N)
grep -q "\"event\":\"received\".*$BAKERY" "$DEMO/anna-live.jsonl" ||
  fail "ben's edit did not arrive on anna's phone: $(cat "$DEMO/anna-live.jsonl")"
say "anna's phone (server 3) received ben's edit (server 1) $(( (arrived - started) / 1000000 )) ms after ben's sync began"
kill -TERM "$LIVE_PID"
wait "$LIVE_PID" 2>/dev/null || true
LIVE_PID=''
expect_eq "anna's phone shows ben's number" "$(fs anna get customers "$BAKERY" --field phone)" "+49 40 5550 9999"

section "5. Phones through nginx land on any server: each carries on from its checkpoint"
for round in 1 2 3; do
  fs anna put customers "$BAKERY" "address=Elbchaussee $round, 22763 Hamburg" >/dev/null
  sync_via anna "$LB" >/dev/null
  sync_via ben "$LB" >/dev/null
done
expect_eq "ben's phone has anna's last address" "$(fs ben get customers "$BAKERY" --field address)" "Elbchaussee 3, 22763 Hamburg"
for n in 0 1 2; do
  say "server $((n + 1)) greeted $(grep -c 'event=ws_hello' "$CLUSTER"/server$n.*.log) phones"
done
expect_eq "anna's and ben's phones are byte-identical" "$(fs anna dump | sha256sum)" "$(fs ben dump | sha256sum)"

section "Done: every expectation held"
if [[ "${FIELDSYNC_CLUSTER_KEEP:-0}" == 1 ]]; then
  say "the cluster keeps running: phones connect to $LB"
  say "stop it: kill ${SERVER_PIDS[*]} $NGINX_PID; $REPO/tools/pg-cluster stop $CLUSTER/pg"
fi
