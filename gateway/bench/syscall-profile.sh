#!/usr/bin/env bash
# Where a proxied WebSocket handshake's CPU goes, side by side: the gateway with one event loop and
# HAProxy with one thread (same backend, same client), each under saturation (16 clients connecting,
# upgrading and closing as fast as they can) after 40,000 warm-up handshakes, sampled with `perf`
# (Debian package linux-perf, installed if missing) for 5 s. Prints handshakes/s and CPU per
# handshake as the client measured them, then microseconds of CPU per handshake by system call
# (kernel time, the syscall's own and what it does for the peer, e.g. loopback TCP in `connect`)
# and in user space. Then the same for both in TCP mode (a gateway listener with `mode: tcp`, HAProxy
# `mode tcp`: the handshake passes through as bytes), the floor of what each costs per connection without
# any HTTP work. About 3 minutes; run as root (kernel stacks), nothing else heavy at the time.
#
#   gateway/bench/syscall-profile.sh [OUTDIR]
#
# GATEWAY_JAR measures another gateway build; BENCH_JAR runs the client and backend (default: this
# worktree's gateway.jar), as in gateway/bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d /tmp/syscall-profile.XXXXXX)}
mkdir -p "$OUT"
JAR=${GATEWAY_JAR:-gateway/target/gateway.jar}
BENCH_JAR=${BENCH_JAR:-gateway/target/gateway.jar}
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || ./mvnw -B -q -pl gateway -am package -DskipTests
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need_haproxy=haproxy
command -v perf >/dev/null 2>&1 || need_perf=linux-perf
if [ -n "${need_haproxy:-}${need_perf:-}" ]; then
  echo "installing ${need_haproxy:-} ${need_perf:-} from Debian" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${need_haproxy:-} ${need_perf:-} >/dev/null
  (systemctl stop haproxy || service haproxy stop) >/dev/null 2>&1 || true
fi
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
WORK=$(mktemp -d /tmp/syscall-profile-run.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
source gateway/bench/lib.sh
build_bench_classes
BACKEND=$(free_port); GATEWAY=$(free_port); ADMIN=$(free_port); HAPROXY_PORT=$(free_port); GATEWAY_TCP=$(free_port); HAPROXY_TCP_PORT=$(free_port)
start_backend "$BACKEND" "$WORK/backend.log"
cat >"$WORK/manifest.yml" <<YAML
properties:
  logger_endpoint: {port: $GATEWAY}
traffic_controller: {auth: {disable_access_control: true}}
gateway:
  enabled: true
  admin_port: $ADMIN
  threads: 1
  limits: {max_connections_per_address: 10000}
  listeners:
    - {port: $GATEWAY_TCP, mode: tcp, backends: ["127.0.0.1:$BACKEND"]}
  routes:
    - {hosts: ['*'], backends: ["127.0.0.1:$BACKEND"]}
YAML
java ${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch} -jar "$JAR" --manifest "$WORK/manifest.yml" >/dev/null 2>"$WORK/gateway.err" &
GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)
start_haproxy "$WORK/haproxy.cfg" 1 "$HAPROXY_PORT" "$BACKEND"
HAPROXY_PID=$LAST_PID
HAPROXY_MODE=tcp start_haproxy "$WORK/haproxy-tcp.cfg" 1 "$HAPROXY_TCP_PORT" "$BACKEND"
HAPROXY_TCP_PID=$LAST_PID
for port in "$BACKEND" "$GATEWAY" "$HAPROXY_PORT" "$GATEWAY_TCP" "$HAPROXY_TCP_PORT"; do wait_port "$port"; done
client() { java -Xms512m -Xmx512m -cp "$CP" dev.loggregator.gateway.bench.BenchClient --no-streams "$@"; }
client --warmup-handshakes=40000 --saturation-seconds=5 "direct=$BACKEND" "gateway=$GATEWAY:$GATEWAY_PID" "haproxy=$HAPROXY_PORT:$HAPROXY_PID" \
  "gateway-tcp=$GATEWAY_TCP:$GATEWAY_PID" "haproxy-tcp=$HAPROXY_TCP_PORT:$HAPROXY_TCP_PID" >"$OUT/warm-up.txt" 2>&1
args=()
for target in gateway haproxy gateway-tcp haproxy-tcp; do
  case $target in
    gateway) pid=$GATEWAY_PID; port=$GATEWAY ;;
    haproxy) pid=$HAPROXY_PID; port=$HAPROXY_PORT ;;
    gateway-tcp) pid=$GATEWAY_PID; port=$GATEWAY_TCP ;;
    haproxy-tcp) pid=$HAPROXY_TCP_PID; port=$HAPROXY_TCP_PORT ;;
  esac
  client --warmup-handshakes=4 --saturation-seconds=10 "$target=$port:$pid" >"$OUT/saturation-$target.txt" 2>&1 &
  client_pid=$!
  sleep 3 # the client's JVM started and the saturation under way
  perf record -q -F 1999 -g -p "$pid" -o "$WORK/perf-$target.data" -- sleep 5 >/dev/null 2>&1
  wait "$client_pid"
  perf script -i "$WORK/perf-$target.data" 2>/dev/null >"$WORK/perf-$target.txt"
  grep -E "^$target " "$OUT/saturation-$target.txt"
  cpu_ms=$(awk -F'|' -v t="$target" '$1 ~ "^"t" " { gsub(/ ms| /, "", $3); print $3 }' "$OUT/saturation-$target.txt")
  args+=("$target" "$WORK/perf-$target.txt" "$cpu_ms")
done
python3 gateway/bench/syscall-table.py "${args[@]}" | tee "$OUT/syscalls.txt"
