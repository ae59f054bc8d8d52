# Shared by the cluster demo and the cluster test (sourced, not run): a throwaway
# PostgreSQL, several fieldsync-server processes on it, and nginx in front of them as the
# one address phones use. Everything lives in $CLUSTER (a directory the caller chose) and
# is stopped by cluster_stop (the callers trap EXIT).
#
# Needs: SERVER (the fieldsync-server binary), REPO (the repository root), CLUSTER.

PG_PORT=''
STORE_URL=''
NGINX_PORT=''
NGINX_PID=''
declare -a SERVER_PORTS=()
declare -a SERVER_PIDS=()

# A free TCP port on 127.0.0.1 (bash's /dev/tcp: nothing answering means free). A race with
# other processes is possible but harmless: the start that follows fails and says so.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

cluster_start_postgres() {
  PG_PORT=$(free_port)
  "$REPO/tools/pg-cluster" start "$CLUSTER/pg" "$PG_PORT" >"$CLUSTER/pg-start.log" 2>&1 ||
    { cat "$CLUSTER/pg-start.log" >&2; return 1; }
  STORE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/fieldsync"
  "${PG_BIN:-/usr/lib/postgresql/15/bin}/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres fieldsync \
    >>"$CLUSTER/pg-start.log" 2>&1 || { cat "$CLUSTER/pg-start.log" >&2; return 1; }
  write_server_config
}


# The servers' shared config: behind nginx every phone comes from one address.
write_server_config() {
  cat >"$CLUSTER/server.toml" <<TOML
store = "$STORE_URL"
log_level = "info"
trusted_proxies = ["127.0.0.1"]
[limits]
max_connections_per_address = 100000
TOML
}

# cluster_start_server N: starts server N (0-based) on a free port, or on the port it had
# before (a restart), and waits until it listens. Each start logs to a file of its own.
declare -A SERVER_STARTS=()
cluster_start_server() {
  local n=$1
  local port=${SERVER_PORTS[$n]:-}
  [[ -n "$port" ]] || port=$(free_port)
  SERVER_STARTS[$n]=$(( ${SERVER_STARTS[$n]:-0} + 1 ))
  local log="$CLUSTER/server$n.${SERVER_STARTS[$n]}.log"
  mkdir -p "$CLUSTER/server$n"
  "$SERVER" --config "$CLUSTER/server.toml" --listen "127.0.0.1:$port" --data-dir "$CLUSTER/server$n" \
    </dev/null >"$log" 2>&1 &
  SERVER_PIDS[$n]=$!
  SERVER_PORTS[$n]=$port
  for _ in $(seq 1 200); do
    if ! kill -0 "${SERVER_PIDS[$n]}" 2>/dev/null; then
      tail -n 20 "$log" >&2
      return 1
    fi
    if grep -q 'event=server_started' "$log"; then return 0; fi
    sleep 0.05
  done
  echo "server $n did not start within 10 s (see $log)" >&2
  return 1
}

cluster_kill_server() {  # N: SIGKILL, no goodbye
  kill -KILL "${SERVER_PIDS[$1]}" 2>/dev/null || true
  wait "${SERVER_PIDS[$1]}" 2>/dev/null || true
}

cluster_start_nginx() {
  NGINX_PORT=$(free_port)
  mkdir -p "$CLUSTER/nginx"
  local upstreams='' port
  for port in "${SERVER_PORTS[@]}"; do
    upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'
  done
  # The template's placeholders, filled in: listen port, prefix, one line per server.
  awk -v listen="127.0.0.1:$NGINX_PORT" -v prefix="$CLUSTER/nginx" -v upstreams="$upstreams" '
    /^@UPSTREAMS@$/ { printf "%s", upstreams; next }
    { gsub(/@LISTEN@/, listen); gsub(/@PREFIX@/, prefix); print }
  ' "$REPO/server/packaging/nginx/fieldsync-cluster.conf" >"$CLUSTER/nginx/nginx.conf"
  nginx -p "$CLUSTER/nginx" -c "$CLUSTER/nginx/nginx.conf" -e stderr </dev/null >"$CLUSTER/nginx.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    if ! kill -0 "$NGINX_PID" 2>/dev/null; then
      cat "$CLUSTER/nginx.log" >&2
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nginx did not listen within 5 s" >&2
  return 1
}

cluster_stop() {
  local pid
  [[ -n "$NGINX_PID" ]] && kill -TERM "$NGINX_PID" 2>/dev/null
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}" $NGINX_PID; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n "$PG_PORT" ]]; then "$REPO/tools/pg-cluster" stop "$CLUSTER/pg" >/dev/null 2>&1 || true; fi
}
