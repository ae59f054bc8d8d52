# Shared by the demo scripts (sourced, not run): output helpers and expectations.

# Colour only on a terminal, so CI logs stay plain.
if [[ -t 1 ]]; then
  BOLD=$'\e[1m' DIM=$'\e[2m' GREEN=$'\e[32m' RED=$'\e[31m' RESET=$'\e[0m'
else
  BOLD='' DIM='' GREEN='' RED='' RESET=''
fi

section() { printf '\n%s=== %s ===%s\n' "$BOLD" "$*" "$RESET"; }
say() { printf '  %s\n' "$*"; }
ok() { printf '%s  ok: %s%s\n' "$GREEN" "$*" "$RESET"; }
fail() {
  printf '%sFAILED: %s%s\n' "$RED" "$*" "$RESET" >&2
  exit 1
}
expect_eq() {  # DESCRIPTION ACTUAL EXPECTED
  if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: expected '$3', got '$2'"; fi
}
expect_contains() {  # DESCRIPTION TEXT NEEDLE
  if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1: '$3' not found in:"$'\n'"$2"; fi
}

# The command line as one would type it: arguments with spaces in quotes.
typed() {
  local arg out=''
  for arg in "$@"; do
    if [[ "$arg" == *[[:space:]]* ]]; then out+=" \"$arg\""; else out+=" $arg"; fi
  done
  printf '%s' "${out# }"
}
