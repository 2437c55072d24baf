#!/usr/bin/env bash
# Time from launch to the first line a command prints (stdout or stderr), over N runs:
#   log-cli/bench/first-line.sh 20 bin/logs recent <app>
#   log-cli/bench/first-line.sh 20 java -jar log-cli/target/logs.jar recent <app>
# Prints the median, minimum and maximum in milliseconds. The command should end on its own
# (use --max-lines 1 for tail/firehose).
set -uo pipefail
runs="$1"
shift
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$@" 2>&1 | { IFS= read -r _; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); cat >/dev/null; }
done | sort -n | awk '{ t[NR] = $1 } END { printf "median %d ms, min %d ms, max %d ms (%d runs)\n", t[int((NR + 1) / 2)], t[1], t[NR], NR }'
