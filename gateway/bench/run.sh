#!/usr/bin/env bash
# WebSocket relay benchmark: a backend streaming 200-byte binary messages on loopback, measured
# direct, through the gateway, through nginx and through HAProxy (Debian packages, installed if
# missing), in one run with interleaved rounds. Everything binds 127.0.0.1; every process started
# here is stopped on exit.
#
#   gateway/bench/run.sh [--seconds=5] [--rounds=3] [--handshakes=1000] [--mixed-warmup-handshakes=20000] [--warmup-handshakes=20000]
#                        [--saturation-seconds=10] [--saturation-clients=16] [--storm=5000] [--no-streams]
#                        [--only=gateway,haproxy,...]
#
# --mixed-warmup-handshakes: per target, made while both streams flow, before the rounds;
# --warmup-handshakes: sequential, before the saturation of a target the rounds did not warm up.
# --only measures just the named targets (direct, gateway, nginx, haproxy, and the two-loop
# gateway-2, nginx-2, haproxy-2; with streams, direct must be among them). A quick look at
# connection setup, 1-2 minutes:
#   gateway/bench/run.sh --no-streams --only=gateway,haproxy,gateway-2,haproxy-2 --saturation-seconds=5
#
# Connection setup is measured on one-event-loop instances (as the streams) and on two-loop
# instances (gateway threads: 2, HAProxy nbthread 2, nginx 2 workers) routing to two backends,
# which also take the reconnect storm.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  # The packages start system services on port 80; this benchmark runs its own instances only.
  (systemctl stop nginx haproxy || service nginx stop || service haproxy stop) >/dev/null 2>&1 || true
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# GATEWAY_JAR measures another build (e.g. a copy of the jar before a change, for side-by-side runs).
# The benchmark's own client and backend run on BENCH_JAR (default: this worktree's build), so that
# only the gateway differs between side-by-side runs (the jars may hold different Netty versions).
JAR=${GATEWAY_JAR:-gateway/target/gateway.jar}
BENCH_JAR=${BENCH_JAR:-gateway/target/gateway.jar}
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || ./mvnw -B -q -pl gateway -am package -DskipTests
source gateway/bench/lib.sh
build_bench_classes

BACKEND=$(free_port); GATEWAY=$(free_port); ADMIN=$(free_port); NGINX_PORT=$(free_port); HAPROXY_PORT=$(free_port)
BACKEND2=$(free_port); GATEWAY2=$(free_port); ADMIN2=$(free_port); NGINX2_PORT=$(free_port); HAPROXY2_PORT=$(free_port)

for port in "$BACKEND" "$BACKEND2"; do
  start_backend "$port" "$WORK/backend-$port.log"
done

# One event loop, as nginx (worker_processes 1) and HAProxy (nbthread 1) get one worker each;
# GATEWAY_THREADS=2 measures the default on this machine (threads = cores); GATEWAY_TRANSPORT=
# sets gateway.transport (auto, epoll, nio).
cat >"$WORK/manifest.yml" <<YAML
properties:
  logger_endpoint: {port: $GATEWAY}
traffic_controller: {auth: {disable_access_control: true}}
gateway:
  enabled: true
  transport: ${GATEWAY_TRANSPORT:-auto}
  admin_port: $ADMIN
  threads: ${GATEWAY_THREADS:-1}
  limits: {max_connections_per_address: 10000}
  routes:
    - {hosts: ['*'], backends: ["127.0.0.1:$BACKEND"]}
YAML
cat >"$WORK/manifest2.yml" <<YAML
properties:
  logger_endpoint: {port: $GATEWAY2}
traffic_controller: {auth: {disable_access_control: true}}
gateway:
  enabled: true
  transport: ${GATEWAY_TRANSPORT:-auto}
  admin_port: $ADMIN2
  threads: 2
  limits: {max_connections_per_address: 10000}
  routes:
    - {hosts: ['*'], balance: least_connections, backends: ["127.0.0.1:$BACKEND", "127.0.0.1:$BACKEND2"]}
YAML
# Every client here is 127.0.0.1: the per-address limit (256 by default) would refuse most of the
# storm, where HAProxy and nginx are limited only by maxconn/worker_connections.
# The heap pre-touched so the run does not measure first-touch page faults; GATEWAY_JAVA_OPTS overrides.
java ${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch} -jar "$JAR" --manifest "$WORK/manifest.yml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)
java ${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch} -jar "$JAR" --manifest "$WORK/manifest2.yml" >"$WORK/gateway2.log" 2>&1 &
GATEWAY2_PID=$!
PIDS+=($GATEWAY2_PID)

# nginx as its docs say for WebSockets: HTTP/1.1 upstream, Upgrade/Connection passed, no buffering;
# the listen backlog as the kernel's somaxconn (the others take that by default).
start_nginx() { # dir workers port least_conn-upstream-servers...
  local dir=$1 workers=$2 port=$3; shift 3
  mkdir -p "$dir"
  local servers=""
  for backend in "$@"; do servers="$servers server 127.0.0.1:$backend;"; done
  cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
worker_rlimit_nofile 20000;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16000; }
http {
  access_log off;
  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream stream { least_conn; $servers }
  server {
    listen 127.0.0.1:$port backlog=$(cat /proc/sys/net/core/somaxconn);
    location / {
      proxy_pass http://stream;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_read_timeout 3600s;
    }
  }
}
CONF
  "$NGINX" -c "$dir/nginx.conf" -p "$dir" >"$dir.log" 2>&1 &
  PIDS+=($!)
}
start_nginx "$WORK/nginx" 1 "$NGINX_PORT" "$BACKEND"
start_nginx "$WORK/nginx2" 2 "$NGINX2_PORT" "$BACKEND" "$BACKEND2"

start_haproxy "$WORK/haproxy.cfg" 1 "$HAPROXY_PORT" "$BACKEND"; HAPROXY_PID=$LAST_PID
start_haproxy "$WORK/haproxy2.cfg" 2 "$HAPROXY2_PORT" "$BACKEND" "$BACKEND2"; HAPROXY2_PID=$LAST_PID

for port in "$BACKEND" "$BACKEND2" "$GATEWAY" "$GATEWAY2" "$NGINX_PORT" "$NGINX2_PORT" "$HAPROXY_PORT" "$HAPROXY2_PORT"; do
  wait_port "$port"
done
NGINX_WORKERS=$(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | paste -sd, -)
NGINX2_WORKERS=$(pgrep -P "$(cat "$WORK/nginx2/nginx.pid")" | paste -sd, -)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //'), haproxy: $("$HAPROXY" -v | head -1 | awk '{print $3}')"
java -Xms512m -Xmx512m -cp "$CP" dev.loggregator.gateway.bench.BenchClient "$@" \
  "direct=$BACKEND" "gateway=$GATEWAY:$GATEWAY_PID" "nginx=$NGINX_PORT:$NGINX_WORKERS" "haproxy=$HAPROXY_PORT:$HAPROXY_PID" \
  "+gateway-2=$GATEWAY2:$GATEWAY2_PID" "+nginx-2=$NGINX2_PORT:$NGINX2_WORKERS" "+haproxy-2=$HAPROXY2_PORT:$HAPROXY2_PID" \
  --storm-targets=direct,gateway-2,nginx-2,haproxy-2
