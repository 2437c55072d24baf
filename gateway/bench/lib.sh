# Shared by the gateway benchmarks (run.sh, syscall-profile.sh); sourced. Callers keep the PIDs
# they start in PIDS and stop them on exit, and set WORK (their scratch folder), BENCH_JAR and
# HAPROXY (the haproxy binary).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up" >&2; exit 1; }

# The benchmark's client and backend, compiled against BENCH_JAR into $WORK/classes; sets CP for java -cp.
build_bench_classes() {
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" -cp "$BENCH_JAR" $(find gateway/bench/src -name '*.java')
  CP="$WORK/classes:$BENCH_JAR"
}

# A backend streaming WebSocket messages on 127.0.0.1:PORT, its output in LOG.
start_backend() { # port log
  java -Xms256m -Xmx256m -cp "$CP" dev.loggregator.gateway.bench.StreamBackend "$1" >"$2" 2>&1 &
  PIDS+=($!)
}

# HAProxy in http mode (it tunnels after the 101 itself), forwardfor like the gateway; HAPROXY_MODE=tcp
# makes it a byte pass-through instead (as a gateway listener in tcp mode).
start_haproxy() { # cfg threads port backends...
  local cfg=$1 threads=$2 port=$3 mode=${HAPROXY_MODE:-http}; shift 3
  local servers="" n=0
  for backend in "$@"; do n=$((n + 1)); servers="$servers  server s$n 127.0.0.1:$backend
"; done
  cat >"$cfg" <<CONF
global
  nbthread $threads
  maxconn 9000
defaults
  mode $mode
  maxconn 9000
$([ "$mode" = http ] && echo "  option forwardfor")
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
frontend ws
  bind 127.0.0.1:$port
  default_backend stream
backend stream
  balance leastconn
$servers
CONF
  "$HAPROXY" -f "$cfg" >"$cfg.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
}
