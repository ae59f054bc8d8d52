#!/usr/bin/env bash
# FieldSync server demo: a real fieldsync-server on 127.0.0.1, a supervisor and three reps
# in two territories, each with a replica of their own ("phone") synced with the real
# `fieldsync sync`. The reps edit the same customer and order offline, one of them writes
# outside her territory, then everybody syncs and the supervisor reviews the result: the
# merged customer, the open conflict, the order, the audit trail and the refused record.
#
#   tools/demo/server-demo.sh BUILD_DIR   run it (BUILD_DIR/tools/fieldsync/fieldsync and
#                                         BUILD_DIR/server/fieldsync-server)
#   tools/demo/server-demo.sh --stop      stop the server it left running
#
# Every expectation is checked: the script exits non-zero as soon as one fails (and then
# stops the server). On success it leaves the server running for you to connect more
# replicas, and says how.
#
# Environment:
#   FIELDSYNC_DEMO_DIR          where the server's data, the replicas and the tokens go
#                               (wiped at start; default ./demo-data)
#   FIELDSYNC_DEMO_PORT         first port to try (default 8787; the next free one is used if
#                               it is taken; 0 lets the system pick one)
#   FIELDSYNC_DEMO_STOP_SERVER  1: stop the server at the end (the ctest run does)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEMO="${FIELDSYNC_DEMO_DIR:-$PWD/demo-data}"
PID_FILE="$DEMO/server.pid"

# Stops the server a previous run left in $DEMO, if it is still running. Only a process
# that is a fieldsync-server serving $DEMO is signalled: a recycled pid is left alone.
stop_demo_server() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  local cmdline=''
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]]; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  fi
  if [[ "$cmdline" == *fieldsync-server*"--data-dir $DEMO/server"* ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "server $pid did not stop within 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped the demo server (pid $pid)"
  fi
  rm -f "$PID_FILE"
}

if [[ "${1:-}" == "--stop" ]]; then
  if [[ ! -f "$PID_FILE" ]]; then
    echo "no demo server recorded in $PID_FILE"
    exit 0
  fi
  stop_demo_server
  exit 0
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR | $0 --stop" >&2
  exit 2
fi

BUILD="$(cd "$1" && pwd)"
FIELDSYNC="$BUILD/tools/fieldsync/fieldsync"
SERVER="$BUILD/server/fieldsync-server"
for binary in "$FIELDSYNC" "$SERVER"; do
  if [[ ! -x "$binary" ]]; then
    echo "error: $binary not found; build the fieldsync and fieldsync-server targets first" >&2
    exit 1
  fi
done

# shellcheck source=demo-lib.sh
source "$HERE/demo-lib.sh"

# ---- the server ----------------------------------------------------------------------

stop_demo_server  # a server left by an earlier run would hold the port and the data
rm -rf "$DEMO"
mkdir -p "$DEMO/server" "$DEMO/phones" "$DEMO/tokens"
chmod 700 "$DEMO/tokens"
SERVER_LOG="$DEMO/server.log"
SERVER_PID=''
DEMO_DONE=0

# On failure (or Ctrl-C) the server goes too; on success it stays unless asked otherwise.
on_exit() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && { [[ $DEMO_DONE -ne 1 ]] || [[ "${FIELDSYNC_DEMO_STOP_SERVER:-0}" == 1 ]]; }; then
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      # The server died under the demo: its log says why.
      echo "--- the server is gone; last lines of $SERVER_LOG ---" >&2
      tail -n 20 "$SERVER_LOG" >&2
    fi
    stop_demo_server >/dev/null
  fi
  exit $status
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server PORT: starts the server; returns 0 with SERVER_PID and PORT set once it
# listens, 1 if the port is taken, exits on any other failure.
start_server() {
  local want=$1
  # Detached from this shell's stdin/stdout, so that nothing (a ctest run, a pipe) waits
  # for the server that stays behind.
  "$SERVER" --listen "127.0.0.1:$want" --data-dir "$DEMO/server" --log-level info \
    </dev/null >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$PID_FILE"
  for _ in $(seq 1 200); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" || true
      SERVER_PID=''
      rm -f "$PID_FILE"
      if grep -qi "in use" "$SERVER_LOG"; then
        : >"$SERVER_LOG"
        return 1
      fi
      cat "$SERVER_LOG" >&2
      fail "fieldsync-server did not start"
    fi
    local started
    started=$(grep -o 'event=server_started .*' "$SERVER_LOG" | sed -n 's/.* port=\([0-9][0-9]*\).*/\1/p' | head -n 1 || true)
    if [[ -n "$started" ]]; then
      PORT=$started
      return 0
    fi
    sleep 0.05
  done
  fail "fieldsync-server did not report that it listens within 10 s (see $SERVER_LOG)"
}

section "1. The office starts the sync server"
PORT=''
first_port=${FIELDSYNC_DEMO_PORT:-8787}
if [[ "$first_port" == 0 ]]; then
  start_server 0 || fail "could not start the server on a free port"
else
  for try in $(seq "$first_port" $((first_port + 20))); do
    if start_server "$try"; then break; fi
    say "port $try is taken, trying the next one"
  done
  [[ -n "$SERVER_PID" ]] || fail "no free port in $first_port-$((first_port + 20))"
fi
URL="ws://127.0.0.1:$PORT/sync"
HTTP="http://127.0.0.1:$PORT"
say "fieldsync-server (pid $SERVER_PID) listens on $URL"
say "data in $DEMO/server, log in $SERVER_LOG"

section "2. An admin, a supervisor and three reps in two territories, each with an access token"
admin() { "$SERVER" --data-dir "$DEMO/server" "$@"; }
admin user add ada --role admin --display-name "Ada Lindqvist" | sed 's/^./  &/'
admin user add sue --role supervisor --display-name "Susanne Berg" | sed 's/^./  &/'
admin user add anna --role rep --territory north --display-name "Anna Weber" | sed 's/^./  &/'
admin user add ben --role rep --territory north --display-name "Ben Okafor" | sed 's/^./  &/'
admin user add carla --role rep --territory south --display-name "Carla Ruiz" | sed 's/^./  &/'
for user in ada sue anna ben carla; do
  # Tokens go to files only readable by us, and from there to --token-file: a token given
  # with --token shows in the process list.
  (umask 077 && admin token issue "$user" --ttl-days 7 2>/dev/null >"$DEMO/tokens/$user")
  [[ -s "$DEMO/tokens/$user" ]] || fail "no token issued for $user"
done
say "tokens for ada, sue, anna, ben and carla are in $DEMO/tokens/"

# ---- the replicas ----------------------------------------------------------------------

# fs WHO ARGS...: fieldsync on WHO's replica (office is the supervisor's).
fs() {
  local who=$1
  shift
  "$FIELDSYNC" --db "$DEMO/phones/$who.db" "$@"
}
token_of() {
  case "$1" in
    office) echo sue ;;
    catalogue) echo ada ;;
    *) echo "$1" ;;
  esac
}
# sync WHO [ARGS...]: WHO's replica syncs with the server, as its user.
sync() {
  local who=$1
  shift
  fs "$who" sync --server "$URL" --token-file "$DEMO/tokens/$(token_of "$who")" "$@"
}

# Replica ids are long: in what we show a person, name their owners instead.
declare -A REPLICA_OF=()
named() {
  local args=() who
  for who in "${!REPLICA_OF[@]}"; do args+=(-e "s/${REPLICA_OF[$who]}/$who/g"); done
  sed "${args[@]}"
}
# The same for tables: names padded to the width of an id, so that columns stay aligned.
named_table() {
  local args=() who padded
  for who in "${!REPLICA_OF[@]}"; do
    padded=$(printf '%-36s' "$who's phone")
    [[ "$who" == office ]] && padded=$(printf '%-36s' "office")
    args+=(-e "s/${REPLICA_OF[$who]}/$padded/g")
  done
  sed "${args[@]}"
}

# show WHO ARGS...: prints the command, then its output (ids named, indented).
show() {
  local who=$1
  shift
  printf '%s[%s]$ fieldsync %s%s\n' "$DIM" "$who" "$(typed "$@")" "$RESET"
  fs "$who" "$@" | named_table | sed 's/^./    &/'
}
# show_sync WHO: syncs and shows the summary. A sync with refused records exits 1: only
# carla's may (and must, see below); anyone else's is a failure.
show_sync() {
  local who=$1 out status=0
  printf '%s[%s]$ fieldsync sync --server %s --token-file tokens/%s%s\n' "$DIM" "$who" "$URL" "$(token_of "$who")" "$RESET"
  out=$(sync "$who" 2>&1) || status=$?
  printf '%s\n' "$out" | named | sed 's/^./    &/'
  LAST_SYNC_STATUS=$status
  LAST_SYNC_OUT=$out
  if [[ $status -ne 0 && "$who" != carla ]]; then fail "$who's sync failed"; fi
}
field() { fs "$1" get "$2" "$3" --field "$4"; }  # WHO COLLECTION ID FIELD
count() { fs "$1" export "$2" --csv | tail -n +2 | wc -l; }  # WHO COLLECTION: live records

for who in catalogue office anna ben carla; do
  REPLICA_OF[$who]=$(fs "$who" init)
done

section "3. The admin (ada) keeps the product catalogue; the office (supervisor sue) imports customers and enters orders"
show catalogue import products "$HERE/products.csv"
show_sync catalogue
show office import customers "$HERE/customers.csv"
BAKERY=0190a6f2-0001-7000-8000-00000000c001  # Hoffmann Bäckerei, Hamburg (north)
PHARMACY=0190a6f2-0002-7000-8000-00000000c002  # Nordlicht Apotheke (north)
HOTEL=0190a6f2-0006-7000-8000-00000000c006   # Alpenblick Hotel (south)
FLOUR=0190a6f2-0101-7000-8000-00000000d001
YEAST=0190a6f2-0103-7000-8000-00000000d003
ORDER=$(fs office put orders order_number=HH-2026-0042 customer_id=$BAKERY status=received \
  amount=1917.00 currency=EUR due_date=2026-04-15 territory=north notes="Weekly bread flour")
fs office put order_lines order_id="$ORDER" product_id=$FLOUR quantity=100 unit_price=18.90 >/dev/null
fs office put order_lines order_id="$ORDER" product_id=$YEAST quantity=20 unit_price=1.35 >/dev/null
HOTEL_ORDER=$(fs office put orders order_number=BY-2026-0107 customer_id=$HOTEL status=reviewed \
  amount=12500.00 currency=EUR due_date=2026-05-02 territory=south)
show office list orders
show_sync office
expect_contains "the office pushed everything" "$LAST_SYNC_OUT" "pushed:     14 records"

section "4. Every rep syncs their phone: each gets the records of their territory"
for who in anna ben carla; do show_sync "$who"; done
expect_eq "anna's phone holds the 5 north customers" "$(count anna customers)" 5
expect_eq "ben's phone holds the 5 north customers" "$(count ben customers)" 5
expect_eq "carla's phone holds the 5 south customers" "$(count carla customers)" 5
expect_eq "every phone holds the 5 products" "$(count carla products)" 5
expect_eq "ben's phone has the bakery's order" "$(field ben orders "$ORDER" status)" "received"
expect_eq "carla's phone does not have the north order" "$(count carla orders)" 1

section "5. The sales rules: a rep may not review an order; the supervisor does"
say "anna tries to mark the bakery's new order reviewed. Her phone knows the rules (the"
say "same declarations the server judges by) and refuses before anything is queued:"
printf '%s[anna]$ fieldsync put orders %s status=reviewed%s\n' "$DIM" "$ORDER" "$RESET"
refusal=$(fs anna put orders "$ORDER" status=reviewed 2>&1) && fail "anna's phone let a rep review an order"
printf '%s\n' "$refusal" | sed 's/^./    &/'
expect_contains "the rule is named in words" "$refusal" \
  "a rep may not move status of orders from 'received' to 'reviewed': only a supervisor may"
say "what anna may do with the order, as her role and the rules say:"
show anna moves orders "$ORDER"
say "sue reviews it at the office and syncs; anna's phone gets the reviewed order."
fs office put orders "$ORDER" status=reviewed >/dev/null
show_sync office
show_sync anna
expect_eq "anna's phone shows the order reviewed" "$(field anna orders "$ORDER" status)" "reviewed"

section "6. Everybody goes offline and edits"
say "anna changes the bakery's phone and e-mail, and schedules its order."
fs anna put customers $BAKERY "phone=+49 40 5550 7777" email=bestellung@hoffmann-baeckerei.de >/dev/null
fs anna put orders "$ORDER" status=scheduled >/dev/null
say "ben changes the same phone to another number, and the bakery's address;"
say "he adds a note to the same order."
fs ben put customers $BAKERY "phone=+49 40 5550 9999" "address=Elbchaussee 14, 22763 Hamburg" >/dev/null
fs ben put orders "$ORDER" "notes=Deliver before 7:00, side entrance" >/dev/null
say "carla updates her hotel and logs a visit there; she also types in the id of a"
say "north customer she heard about and logs a visit for it: she may not."
fs carla put customers $HOTEL "phone=+49 8821 5550 101" "industry=Hotel and restaurant" >/dev/null
fs carla put orders "$HOTEL_ORDER" status=scheduled >/dev/null
HOTEL_VISIT=$(fs carla put visits customer_id=$HOTEL channel=visit visited_on=2026-03-02 \
  "summary=Walked the new kitchen with the chef" "outcome=Wants a quote for the spring menu")
REFUSED_VISIT=$(fs carla put visits customer_id=$PHARMACY channel=phone visited_on=2026-03-02 \
  "summary=Asked about their winter order")
expect_eq "anna's phone shows her phone number (not synced yet)" "$(field anna customers $BAKERY phone)" "+49 40 5550 7777"
expect_eq "ben's phone shows his" "$(field ben customers $BAKERY phone)" "+49 40 5550 9999"

section "7. Back online: anna syncs first, then ben, then carla, then anna again"
show_sync anna
show_sync ben
expect_contains "ben's sync brings him anna's edits" "$LAST_SYNC_OUT" "pulled:     2 records"
expect_eq "ben's phone now holds both phone numbers: a conflict" \
  "$(fs ben conflicts --json | grep -c '"field": "phone"')" 1
show_sync carla
expect_eq "carla's sync reports the refusal (exit status 1)" "$LAST_SYNC_STATUS" 1
expect_contains "the refused record is named with the reason" "$LAST_SYNC_OUT" \
  "visits $REFUSED_VISIT  forbidden: field 'customer_id': the customers record it names is outside your scope"
expect_contains "carla's own edits went through" "$LAST_SYNC_OUT" "pushed:     3 records"
show_sync anna

section "8. The supervisor syncs and reviews"
show_sync office

printf '\n%s--- The merged customer: both phone numbers kept, anna'"'"'s e-mail and ben'"'"'s address both survive ---%s\n' "$BOLD" "$RESET"
show office get customers $BAKERY
expect_eq "the e-mail is anna's" "$(field office customers $BAKERY email)" "bestellung@hoffmann-baeckerei.de"
expect_eq "the address is ben's" "$(field office customers $BAKERY address)" "Elbchaussee 14, 22763 Hamburg"

printf '\n%s--- The open conflict: the same field, two values, two authors ---%s\n' "$BOLD" "$RESET"
# The office's last sync fetched the user directory: the CLI names the people itself.
conflicts=$(fs office conflicts)
printf '%s[office]$ fieldsync conflicts%s\n' "$DIM" "$RESET"
printf '%s\n' "$conflicts" | sed 's/^./    &/'
expect_eq "exactly one open conflict" "$(fs office conflicts --json | grep -c '"field": ')" 1
expect_contains "anna's value, by anna's phone" "$conflicts" '"+49 40 5550 7777"  by Anna Weber (anna), device'
expect_contains "ben's value, by ben's phone" "$conflicts" '"+49 40 5550 9999"  by Ben Okafor (ben), device'

printf '\n%s--- The order: anna'"'"'s status and ben'"'"'s notes ---%s\n' "$BOLD" "$RESET"
show office get orders "$ORDER"
expect_eq "the status anna advanced" "$(field office orders "$ORDER" status)" "scheduled"
expect_eq "the notes ben wrote" "$(field office orders "$ORDER" notes)" "Deliver before 7:00, side entrance"
expect_eq "carla's south order advanced too" "$(field office orders "$HOTEL_ORDER" status)" "scheduled"
expect_eq "carla's visit arrived" "$(field office visits "$HOTEL_VISIT" outcome)" "Wants a quote for the spring menu"

printf '\n%s--- The audit trail on the server: who changed what, when ---%s\n' "$BOLD" "$RESET"
show_history() {  # COLLECTION ID: the server's history, as the supervisor
  printf '%s[sue]$ fieldsync history %s %s --server %s --token-file tokens/sue%s\n' "$DIM" "$1" "$2" "$HTTP" "$RESET"
  "$FIELDSYNC" history "$1" "$2" --server "$HTTP" --token-file "$DEMO/tokens/sue" | named_table | sed 's/^./    &/'
}
show_history customers $BAKERY
show_history orders "$ORDER"
bakery_history=$("$FIELDSYNC" history customers $BAKERY --server "$HTTP" --token-file "$DEMO/tokens/sue" --json)
expect_eq "three accepted changes of the bakery (import, anna, ben)" \
  "$(grep -c '"action": "accepted"' <<<"$bakery_history")" 3
expect_contains "the conflict's opening is logged" "$bakery_history" '"action": "conflict_opened"'
expect_contains "anna's change is logged with her name" "$bakery_history" '"user": "anna"'
expect_contains "ben's change is logged with his name" "$bakery_history" '"user": "ben"'
expect_contains "and with the name people know him by" "$bakery_history" '"display_name": "Ben Okafor"'

printf '\n%s--- The refused record: kept on carla'"'"'s phone with the reason; the server logged the refusal ---%s\n' "$BOLD" "$RESET"
show carla rejections
expect_contains "carla's phone lists the refused visit" "$(fs carla rejections)" "$REFUSED_VISIT"
show_history visits "$REFUSED_VISIT"
refused_history=$("$FIELDSYNC" history visits "$REFUSED_VISIT" --server "$HTTP" --token-file "$DEMO/tokens/sue" --json)
expect_contains "the server's audit log has carla's refused write" "$refused_history" '"action": "refused"'
expect_contains "with her name" "$refused_history" '"user": "carla"'
expect_eq "the server never stored the record: the office does not have it" \
  "$(fs office get visits "$REFUSED_VISIT" 2>&1 || true)" "error: visits $REFUSED_VISIT not found"

section "9. Every phone syncs once more: anna's and ben's phones are byte-identical"
for who in anna ben carla; do sync "$who" >/dev/null 2>&1 || [[ "$who" == carla ]] || fail "$who's sync failed"; done
fs anna dump >"$DEMO/anna.json"
fs ben dump >"$DEMO/ben.json"
if cmp -s "$DEMO/anna.json" "$DEMO/ben.json"; then
  ok "anna.json and ben.json are identical ($(wc -c <"$DEMO/anna.json") bytes)"
else
  fail "anna's and ben's replicas differ (see $DEMO/anna.json and $DEMO/ben.json)"
fi

section "10. The supervisor settles the conflict; it is gone everywhere"
show office resolve customers $BAKERY phone "+49 40 5550 9999"
sync office >/dev/null
sync anna >/dev/null
expect_eq "no open conflict on anna's phone" "$(fs anna conflicts)" "no open conflicts"
expect_eq "anna's phone shows the settled number" "$(field anna customers $BAKERY phone)" "+49 40 5550 9999"
show_history customers $BAKERY
settled_history=$("$FIELDSYNC" history customers $BAKERY --server "$HTTP" --token-file "$DEMO/tokens/sue" --json)
expect_contains "the history has the settlement" "$settled_history" '"action": "conflict_settled"'
expect_contains "with the numbers it replaced" "$settled_history" '"replaced": ['

DEMO_DONE=1
section "Done: every expectation held"
if [[ "${FIELDSYNC_DEMO_STOP_SERVER:-0}" == 1 ]]; then
  say "the server is stopped (FIELDSYNC_DEMO_STOP_SERVER=1)"
  exit 0
fi
stop_command="$0 --stop"
[[ -n "${FIELDSYNC_DEMO_DIR:-}" ]] && stop_command="FIELDSYNC_DEMO_DIR=$DEMO $stop_command"
fs_rel="$FIELDSYNC"
[[ "$fs_rel" == "$PWD/"* ]] && fs_rel="${fs_rel#"$PWD/"}"
cat <<EOF

The server keeps running in the background:
  pid:               $SERVER_PID
  sync URL:          $URL   (HTTP API: $HTTP)
  supervisor token:  $(<"$DEMO/tokens/sue")   (user sue, valid 7 days; also in $DEMO/tokens/sue)
  log:               $SERVER_LOG

Connect a new replica:
  $fs_rel --db my-phone.db init
  $fs_rel --db my-phone.db sync --server $URL --token-file $DEMO/tokens/sue
  $fs_rel --db my-phone.db sync --live --token-file $DEMO/tokens/sue   # stays connected; Ctrl-C stops
  $fs_rel --db my-phone.db history customers $BAKERY --token-file $DEMO/tokens/sue
A rep's view: --token-file $DEMO/tokens/anna (north) or $DEMO/tokens/carla (south).
More users: $SERVER --data-dir $DEMO/server user add NAME --role rep --territory north

Stop the server (from $PWD):
  $stop_command      (or: kill $SERVER_PID)
EOF
