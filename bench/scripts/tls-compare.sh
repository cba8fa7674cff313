#!/usr/bin/env bash
# Side-by-side TLS termination: Weft vs nginx (1 worker, ssl, upstream keepalive), same plaintext nginx upstream,
# same certificate (EC P-256, made here with openssl), same run. The proxy under test is pinned to CPU 0; wrk and
# the upstream share CPU 1.
#   handshake: wrk -t1 -c50 -H 'Connection: close' .../small  -> every request is a new TLS connection (wrk does not
#              resume sessions), so req/s = full handshakes/s
#   big:       wrk -t1 -c10 .../big over keep-alive TLS        -> a 1 MiB response per request, reported in MB/s
# Usage: bench/scripts/tls-compare.sh [DURATION_SECONDS]
# Needs: nginx, wrk (with TLS), openssl, curl, taskset (util-linux), maven + a JDK (the jar is built with ./weft build).
# With 2 CPUs the handshake test can be limited by wrk's own handshake work on CPU 1 (the proxy then stays below
# 1.0 CPU): compare proxy-cpu and req/s/core, not only req/s.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DUR="${1:-10}"
for t in nginx wrk openssl taskset curl; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 3; }; done
JAR="$("$ROOT/weft" build | tail -1)"; [[ -f "$JAR" ]] || { echo "weft build did not produce a jar" >&2; exit 3; }
JAVA="$(ls -d /usr/lib/jvm/temurin-*/bin/java 2>/dev/null | sort -rV | head -1)"; JAVA="${JAVA:-java}"
WORK="$(mktemp -d)"; trap 'kill $(jobs -p) 2>/dev/null; sleep 0.3; rm -rf "$WORK"' EXIT
UP=18190; WEFT=18191; NGX=18192

# throwaway PKI: a CA and a server certificate for 127.0.0.1 / localhost
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.crt" \
  -days 2 -subj /CN=bench-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
  2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/srv.key" -out "$WORK/srv.csr" \
  -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$WORK/srv.ext"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
  -extfile "$WORK/srv.ext" -out "$WORK/srv.crt" 2>/dev/null
mkdir -p "$WORK/www"; head -c 1048576 /dev/urandom >"$WORK/www/big"
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/www/big" # nginx workers may run as nobody

cat >"$WORK/upstream.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; sendfile on; server { listen 127.0.0.1:$UP; keepalive_requests 1000000; root $WORK/www;
  location = /small { return 200 "hello from upstream\n"; }
  location = /big { default_type application/octet-stream; } } }
CONF
cat >"$WORK/proxy.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/px.pid; error_log $WORK/px.err;
events { worker_connections 4096; }
http { access_log off;
  upstream backend { server 127.0.0.1:$UP; keepalive 128; }
  server { listen 127.0.0.1:$NGX ssl; keepalive_requests 1000000;
    ssl_certificate $WORK/srv.crt; ssl_certificate_key $WORK/srv.key; ssl_protocols TLSv1.2 TLSv1.3;
    # proxy_max_temp_file_size 0: stream what exceeds the buffers instead of spooling it to a temp file
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_max_temp_file_size 0;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
cat >"$WORK/weft.yaml" <<CONF
listeners:
  - name: bench
    address: 127.0.0.1
    port: $WEFT
    tls:
      certificates: [{ cert_file: $WORK/srv.crt, key_file: $WORK/srv.key }]
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

taskset -c 1 nginx -p "$WORK" -e "$WORK/up.err" -c "$WORK/upstream.conf" &
taskset -c 0 nginx -p "$WORK" -e "$WORK/px.err" -c "$WORK/proxy.conf" &
NGX_PID=$!
# shellcheck disable=SC2086
taskset -c 0 "$JAVA" ${WEFT_JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx64m -Xss256k -XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=32m -XX:-UsePerfData} \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$JAR" run -c "$WORK/weft.yaml" >"$WORK/weft.out" 2>&1 &
WEFT_PID=$!
for p in $UP $WEFT $NGX; do # wait for the three listeners
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
for p in $WEFT $NGX; do # what each terminator negotiates with a default client (wrk uses OpenSSL defaults too)
  printf 'port %s: %s\n' "$p" "$(openssl s_client -connect 127.0.0.1:$p -CAfile "$WORK/ca.crt" </dev/null 2>/dev/null \
    | awk '/^New, / && !n {n = substr($0, 6)} /^Server Temp Key/ && !k {k = substr($0, 18)}
           /Verify return code/ && !v {v = $4} END {printf "%s, key exchange %s (verify: %s)", n, k, v}')"
done
for p in $WEFT $NGX; do for path in small big; do # both terminators answer 200 before anything is measured
  code="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/ca.crt" "https://localhost:$p/$path" || true)"
  [[ "$code" == 200 ]] || { echo "https://localhost:$p/$path answered '$code', not 200" >&2; exit 1; }
done; done
TCK="$(getconf CLK_TCK)"
# CPU ticks (user+system) of a process and its children threads/processes
ticks() { local t=0 p; for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
  t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }

run() { # test name port pid -- wrk args...
  local test="$1" name="$2" pid="$4"; shift 5 # $3: port (in the wrk args)
  taskset -c 1 wrk -t1 -d3s "$@" >/dev/null 2>&1 || true # warm-up (JIT, pools)
  local t0; t0="$(ticks "$pid")"
  local out; out="$(taskset -c 1 wrk -t1 -d"${DUR}s" --latency "$@" 2>&1)"
  local cpu; cpu="$(awk -v a="$t0" -v b="$(ticks "$pid")" -v k="$TCK" -v d="$DUR" 'BEGIN {printf "%.2f", (b-a)/k/d}')"
  local rps p50 p99; rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"; p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  local errs; errs="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
  local mbs="-"; [[ "$test" == big ]] && mbs="$(awk -v r="$rps" 'BEGIN {printf "%.1f", r*1048576/1e6}')"
  local per; per="$(awk -v r="$rps" -v c="$cpu" 'BEGIN {printf "%.0f", (c > 0 ? r/c : 0)}')"
  printf '%-10s %-6s %12s %9s %10s %10s %10s %14s  %s\n' "$test" "$name" "$rps" "$mbs" "$p50" "$p99" "$cpu" "$per" "$errs"
  echo "$test $name $rps $per" >>"$WORK/res"
}
printf '%-10s %-6s %12s %9s %10s %10s %10s %14s\n' test target req/s MB/s p50 p99 proxy-cpu req/s/core
for target in "weft $WEFT $WEFT_PID" "nginx $NGX $NGX_PID"; do
  set -- $target
  run handshake "$1" "$2" "$3" -- -c50 -H 'Connection: close' "https://127.0.0.1:$2/small"
done
for target in "weft $WEFT $WEFT_PID" "nginx $NGX $NGX_PID"; do
  set -- $target
  run big "$1" "$2" "$3" -- -c10 "https://127.0.0.1:$2/big"
done
awk '{r[$1" "$2]=$3; c[$1" "$2]=$4} END {
  printf "ratios weft/nginx: handshakes/s = %.2f, handshakes/s per proxy core = %.2f; 1 MiB MB/s = %.2f, MB/s per proxy core = %.2f\n",
    r["handshake weft"]/r["handshake nginx"], c["handshake weft"]/c["handshake nginx"],
    r["big weft"]/r["big nginx"], c["big weft"]/c["big nginx"] }' "$WORK/res"
if grep -qiE 'exception|error' "$WORK/weft.out"; then echo "weft log (errors):"; grep -iE 'exception|error' "$WORK/weft.out" | sort | uniq -c | head -10; fi
