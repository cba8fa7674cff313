#!/usr/bin/env bash
# Side-by-side HTTP/1.1 keep-alive proxying: direct vs Weft vs nginx (1 worker, upstream keepalive), same upstream,
# same run. The proxy under test is pinned to CPU 0; wrk and the upstream share CPU 1.
# Usage: bench/scripts/h1-compare.sh [DURATION_SECONDS] [CONNECTIONS]
# Needs: nginx, wrk, taskset (util-linux), a built weft jar (./weft build).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DUR="${1:-10}"; CONNS="${2:-50}"
for t in nginx wrk taskset; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 3; }; done
JAR="$ROOT/core/target/weft.jar"; [[ -f "$JAR" ]] || "$ROOT/weft" build >/dev/null
JAVA="$(ls -d /usr/lib/jvm/temurin-*/bin/java 2>/dev/null | sort -rV | head -1)"; JAVA="${JAVA:-java}"
WORK="$(mktemp -d)"; trap 'kill $(jobs -p) 2>/dev/null; sleep 0.3; rm -rf "$WORK"' EXIT
UP=18080; WEFT=18081; NGX=18082

cat >"$WORK/upstream.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UP; keepalive_requests 1000000;
  location / { return 200 "hello from upstream\n"; } } }
CONF
cat >"$WORK/proxy.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/px.pid; error_log $WORK/px.err;
events { worker_connections 4096; }
http { access_log off;
  upstream backend { server 127.0.0.1:$UP; keepalive 128; }
  server { listen 127.0.0.1:$NGX; keepalive_requests 1000000;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
cat >"$WORK/weft.yaml" <<CONF
listeners:
  - name: bench
    address: 127.0.0.1
    port: $WEFT
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: / }
            route: { cluster: backend }
clusters:
  - name: backend
    endpoints: [{ address: 127.0.0.1, port: $UP }]
CONF

taskset -c 1 nginx -c "$WORK/upstream.conf" &
taskset -c 0 nginx -c "$WORK/proxy.conf" &
NGX_PID=$!
# shellcheck disable=SC2086
taskset -c 0 "$JAVA" ${WEFT_JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx64m -Xss256k -XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=32m -XX:-UsePerfData} \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$JAR" run -c "$WORK/weft.yaml" >"$WORK/weft.out" 2>&1 &
WEFT_PID=$!
sleep 2
TCK="$(getconf CLK_TCK)"
# CPU ticks (user+system) of a process and its children threads/processes
ticks() { local t=0 p; for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
  t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }

run() { # name port [pid of the proxy]
  taskset -c 1 wrk -t1 -c"$CONNS" -d3s "http://127.0.0.1:$2/" >/dev/null 2>&1 # warm-up (JIT, pools)
  local t0=0; [[ -n "${3:-}" ]] && t0="$(ticks "$3")"
  local out; out="$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "http://127.0.0.1:$2/" 2>&1)"
  local cpu="-"; [[ -n "${3:-}" ]] && cpu="$(awk -v a="$t0" -v b="$(ticks "$3")" -v k="$TCK" -v d="$DUR" 'BEGIN {printf "%.2f", (b-a)/k/d}')"
  local rps p50 p99; rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"; p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  local errs; errs="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
  local per="-"; [[ "$cpu" != "-" ]] && per="$(awk -v r="$rps" -v c="$cpu" 'BEGIN {printf "%.0f", r/c}')"
  printf '%-8s %12s %10s %10s %10s %14s  %s\n' "$1" "$rps" "$p50" "$p99" "$cpu" "$per" "$errs"
  echo "$1 $rps $per" >>"$WORK/rps"
}
printf '%-8s %12s %10s %10s %10s %14s\n' target req/s p50 p99 proxy-cpu req/s/core
run direct $UP
run weft $WEFT $WEFT_PID
run nginx $NGX $NGX_PID
awk '{r[$1]=$2; c[$1]=$3} END {printf "ratios: req/s weft/nginx = %.2f; req/s per proxy core weft/nginx = %.2f; weft/direct = %.2f, nginx/direct = %.2f\n", r["weft"]/r["nginx"], c["weft"]/c["nginx"], r["weft"]/r["direct"], r["nginx"]/r["direct"]}' "$WORK/rps"
