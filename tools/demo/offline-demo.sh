#!/usr/bin/env bash
# FieldSync offline demo: three replicas (the office, Anna's phone, Ben's phone) sync by
# change files, edit the same customer and order while offline, exchange their changes in
# different orders, and still end up byte-identical, with the one real conflict shown to
# a supervisor and settled everywhere.
#
#   tools/demo/offline-demo.sh BUILD_DIR      (uses BUILD_DIR/tools/fieldsync/fieldsync)
#
# Exits non-zero as soon as an expectation fails, so CI runs it as a test.
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
FIELDSYNC="$(cd "$1" && pwd)/tools/fieldsync/fieldsync"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -x "$FIELDSYNC" ]]; then
  echo "error: $FIELDSYNC not found; build the fieldsync target first" >&2
  exit 1
fi

WORK="$(mktemp -d -t fieldsync-demo.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# shellcheck source=demo-lib.sh
source "$HERE/demo-lib.sh"


# fs WHO ARGS...: fieldsync on WHO's replica (office, anna or ben).
fs() {
  local who=$1
  shift
  "$FIELDSYNC" --db "$who.db" "$@"
}

# Replica ids are long; in what we show a human, name their owners instead.
OFFICE_ID='' ANNA_ID='' BEN_ID=''
named() { sed -e "s/$OFFICE_ID/office/g" -e "s/$ANNA_ID/anna/g" -e "s/$BEN_ID/ben/g"; }


# show WHO ARGS...: prints the command, then its output (ids named, indented).
show() {
  local who=$1
  shift
  printf '%s[%s]$ fieldsync %s%s\n' "$DIM" "$who" "$(typed "$@")" "$RESET"
  fs "$who" "$@" | named | sed 's/^./    &/'
}

# send FROM TO: FROM exports what changed since its last file for TO; TO merges it.
send() {
  local from=$1 to=$2
  local file="$from-to-$to.changes" checkpoint="checkpoint.$from.$to"
  local since=0
  [[ -f "$checkpoint" ]] && since=$(<"$checkpoint")
  local exported
  exported=$(fs "$from" export-changes --out "$file" --since "$since")
  sed -n 's/.*--since \([0-9][0-9]*\).*/\1/p' <<<"$exported" >"$checkpoint"
  local merged
  merged=$(fs "$to" merge-changes "$file" | named)
  printf '  %-6s -> %-6s %s\n' "$from" "$to" "${merged#merged }"
}

field() { fs "$1" get "$2" "$3" --field "$4"; }  # WHO COLLECTION ID FIELD
# count_conflicts WHO [FIELD]: open conflicts (on FIELD). A failing command prints
# nothing, which no expectation accepts.
count_conflicts() {
  local json
  json=$(fs "$1" conflicts --json)
  grep -c "\"field\": \"${2:-}" <<<"$json" || true
}

section "1. Three replicas: the office server, Anna's phone, Ben's phone"
OFFICE_ID=$(fs office init)
ANNA_ID=$(fs anna init)
BEN_ID=$(fs ben init)
printf '  office  %s\n  anna    %s\n  ben     %s\n' "$OFFICE_ID" "$ANNA_ID" "$BEN_ID"

section "2. The office imports its customers and enters two orders"
show office import customers "$HERE/customers.csv"
BAKERY=0190a6f2-0001-7000-8000-00000000c001  # Hoffmann Bäckerei, in customers.csv
HOTEL=0190a6f2-0006-7000-8000-00000000c006   # Alpenblick Hotel
ORDER=$(fs office put orders order_number=HH-2026-0042 customer_id=$BAKERY status=received \
  amount=1840.00 currency=EUR due_date=2026-04-15 territory=north notes="Weekly bread flour")
fs office put orders order_number=BY-2026-0107 customer_id=$HOTEL status=reviewed \
  amount=12500.00 currency=EUR due_date=2026-05-02 territory=south >/dev/null
show office list orders
expect_eq "the office holds 10 customers" "$(fs office export customers --csv | tail -n +2 | wc -l)" 10

section "3. Everybody syncs (change files through the office)"
send office anna
send office ben
expect_eq "Anna's phone has the bakery" "$(field anna customers $BAKERY name)" "Hoffmann Bäckerei"
expect_eq "Ben's phone has the bakery order" "$(field ben orders "$ORDER" status)" "received"

section "4. Everybody goes offline and edits the same customer and order"
echo "  Anna updates the bakery's phone and e-mail, and schedules the order."
show anna put customers $BAKERY "phone=+49 40 5550 9999"
show anna put customers $BAKERY email=bestellung@hoffmann-baeckerei.de
show anna put orders "$ORDER" status=scheduled
echo "  Ben, covering Anna's route, also changes the phone, the address and the order notes."
show ben put customers $BAKERY "phone=+49 40 5550 7777"
show ben put customers $BAKERY "address=Elbchaussee 14, 22763 Hamburg"
show ben put orders "$ORDER" "notes=Weekly bread flour; deliver to the back door before 7:00"

section "5. Back online: the change files travel in different orders"
send anna office   # the office hears from Anna first,
send ben office    # then from Ben;
send ben anna      # Anna gets Ben's file directly first,
send office anna   # then the office's;
send office ben    # Ben gets everything from the office.

section "6. The merged customer and order, as each replica sees them"
for who in office anna ben; do
  echo "  --- $who ---"
  show $who get customers $BAKERY
  show $who get orders "$ORDER"
done
for who in office anna ben; do
  expect_eq "$who: Anna's e-mail survived" "$(field $who customers $BAKERY email)" "bestellung@hoffmann-baeckerei.de"
  expect_eq "$who: Ben's address survived" "$(field $who customers $BAKERY address)" "Elbchaussee 14, 22763 Hamburg"
  expect_eq "$who: Anna's order status survived" "$(field $who orders "$ORDER" status)" "scheduled"
  expect_eq "$who: Ben's order notes survived" "$(field $who orders "$ORDER" notes)" \
    "Weekly bread flour; deliver to the back door before 7:00"
  expect_eq "$who: the phone is an open conflict" "$(count_conflicts $who phone)" 1
  expect_eq "$who: and the only one" "$(count_conflicts $who)" 1
done

section "7. All three replicas hold byte-identical data"
for who in office anna ben; do fs $who dump >"$who.json"; done
sha256sum office.json anna.json ben.json | sed 's/^/  /'
cmp office.json anna.json || fail "office and anna dumps differ"
cmp office.json ben.json || fail "office and ben dumps differ"
ok "dump output is identical on all three replicas ($(wc -c <office.json) bytes)"

section "8. The supervisor reviews the open conflicts at the office"
show office conflicts

section "9. The supervisor settles it (the customer confirmed Anna's number)"
show office resolve customers $BAKERY phone "+49 40 5550 9999"
send office anna
send office ben
for who in office anna ben; do
  expect_eq "$who: no open conflicts" "$(count_conflicts $who)" 0
  expect_eq "$who: shows the chosen phone" "$(field $who customers $BAKERY phone)" "+49 40 5550 9999"
done
show ben conflicts
for who in office anna ben; do fs $who dump >"$who.json"; done
cmp office.json anna.json || fail "office and anna dumps differ after the resolution"
cmp office.json ben.json || fail "office and ben dumps differ after the resolution"
ok "dump output is identical on all three replicas again"

printf '\n%sDemo finished: every expectation held.%s\n' "$BOLD" "$RESET"
