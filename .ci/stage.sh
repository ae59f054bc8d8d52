# Sourced by the CI jobs: `stage NAME COMMAND...` runs COMMAND, says how long it took, and
# ends the job with its status if it failed.
stage() {
  local name="$1" start=$SECONDS
  shift
  echo "ci: $name: $*"
  if "$@"; then
    echo "ci: $name: passed in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
  else
    local rc=$?
    echo "ci: $name: FAILED (exit $rc) after $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
    exit "$rc"
  fi
}
