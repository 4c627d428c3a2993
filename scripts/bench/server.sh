#!/usr/bin/env bash
# datasynth-server benchmark, side by side in one run, loopback only:
#   1. probes while busy: GET /live and /ready, alternately every 20 ms on
#      a new connection each with a 1 s timeout (as a kubelet probes),
#      first on the idle server, then while two curl loops keep a bulk
#      generation each running (NDJSON, read and discarded), which keeps
#      both cores busy; p50/p99/max and failures of each, the busy/idle
#      ratio of the p99, and the share of probes the server's own handlers
#      finished within 1 ms; and, for scale, the idle server probed while
#      datasynth-data generates (2 threads) beside it. Target: p99 under
#      50 ms and no failure while busy.
#   2. bulk over HTTP (text/csv, read by curl into /dev/null) against
#      datasynth-data writing the same entries to /dev/shm, best of 3 of
#      each: entries/s and their ratio. Target: HTTP >= 0.8 x the CLI.
#   3. time to ready: process start to the first 200 of /ready, 5 starts
#      (median and best). Target: under 200 ms.
#   4. idle streams: 300 /ws/events clients at the highest rate (10,000
#      events/s) that never read, held for DURATION, against the server
#      with its default --stream-buffer (64) and, side by side, with 1024
#      (the default before the cap); peak resident memory (VmHWM) of each
#      and /health answered every 100 ms meanwhile. Target: peak RSS under
#      300 MB and no /health failure.
#
#   scripts/bench/server.sh [ENTRIES] [DURATION]   # defaults 1000000 and 40s
#
# The machine's 2 cores are shared by the load generators and the server
# (and anything else running): the figures say what a client of a busy
# server sees. Needs curl and GNU time (apt-get install -y curl time).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-1000000}
duration=${2:-40s}
command -v curl >/dev/null || { echo "install curl: apt-get install -y curl" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dsserverbench.XXXXXX")
pids=()
cleanup() {
  touch "$work/stop" 2>/dev/null || true # ends the datasynth-data loop of phase 1
  for pid in "${pids[@]}"; do { kill "$pid" && wait "$pid"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd server && go build -trimpath -o "$work/datasynth-server" ./cmd/datasynth-server && go build -o "$work/dsload" ./internal/cmd/dsload)
(cd engine && go build -trimpath -o "$work/datasynth-data" ./cmd/datasynth-data)
bench_config "$work/bench.yaml" "$entries"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_server NAME FLAGS...: starts a server on a free port; sets url and pid.
start_server() {
  local name=$1 port
  shift
  port=$(free_port)
  url=http://127.0.0.1:$port
  "$work/datasynth-server" --listen "127.0.0.1:$port" --rate-limit 0 --log-level warn --work-dir "$work" "$@" 2>"$work/$name.log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do curl -sf "$url/ready" >/dev/null && return; sleep 0.05; done
  echo "server $name not ready:"; cat "$work/$name.log"; exit 1
}
# field JSON KEY: one figure from a dsload line.
field() { python3 -c "import json,sys; print(round(json.loads(sys.argv[1])[sys.argv[2]], 2))" "$1" "$2"; }

echo "== 1. /live and /ready, idle and while two bulk generations run"
start_server probes --config "$work/bench.yaml" --max-bulk-entries 1000000000
idle=$("$work/dsload" probes -url "$url" -duration 15s -pid "$pid")
echo "idle: $idle"
# Two curl loops (processes of their own, so that the prober is not
# delayed by its own load) keep a bulk generation each running.
loads=()
for _ in 1 2; do
  (while curl -sf -o /dev/null -X POST -H 'Accept: application/x-ndjson' -d "{\"entry_count\": $entries}" "$url/api/generate/bulk"; do :; done) &
  loads+=("$!")
done
sleep 1
busy=$("$work/dsload" probes -url "$url" -duration 30s -pid "$pid")
echo "busy: $busy"
kill "$pid"; wait "$pid" 2>/dev/null || true
for l in "${loads[@]}"; do wait "$l" 2>/dev/null || true; done
# The same CPU work in another process: datasynth-data generating with two
# threads beside an idle server. What the probes lose here is the
# machine's, not the server's.
start_server probes2 --config "$work/bench.yaml"
(while [ ! -e "$work/stop" ]; do rm -rf "$work/cli-load"; "$work/datasynth-data" generate --config "$work/bench.yaml" --output "$work/cli-load" -q --threads 2 || break; done) &
cli_load=$!
pids+=("$cli_load")
sleep 1
beside=$("$work/dsload" probes -url "$url" -duration 30s -pid "$pid")
echo "idle server beside datasynth-data: $beside"
touch "$work/stop"; wait "$cli_load" || true
rm -rf "$work/cli-load"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "== 2. bulk over HTTP vs datasynth-data, $entries entries (best of 3)"
start_server bulk --config "$work/bench.yaml" --max-bulk-entries 1000000000
best() { sort -g | head -1; }
cli=$(for _ in 1 2 3; do
  rm -rf "$work/out"
  /usr/bin/time -f %e -o "$work/t" "$work/datasynth-data" generate --config "$work/bench.yaml" --output "$work/out" -q --threads 2 && cat "$work/t"
done | best)
rm -rf "$work/out"
http=$(for _ in 1 2 3; do
  curl -sf -o /dev/null -w '%{time_total}\n' -X POST -H 'Accept: text/csv' -d "{\"entry_count\": $entries}" "$url/api/generate/bulk"
done | best)
kill "$pid"; wait "$pid" 2>/dev/null || true
read -r cli_eps http_eps ratio < <(python3 -c "e=$entries; c=$cli; h=$http; print(round(e/c), round(e/h), round((e/h)/(e/c), 2))")
echo "datasynth-data: ${cli}s ($cli_eps entries/s)  HTTP: ${http}s ($http_eps entries/s)  ratio: $ratio"

echo "== 3. time to ready, 5 starts"
ready=$("$work/dsload" ready -runs 5 -- "$work/datasynth-server" --rate-limit 0 --log-level warn --work-dir "$work")
echo "$ready"

echo "== 4. 300 streams that never read, at 10000 events/s, for $duration"
start_server idle64 --max-streams 400 --max-streams-per-key 400
idle64=$("$work/dsload" idle -url "$url" -streams 300 -rate 10000 -duration "$duration" -pid "$pid")
echo "--stream-buffer 64: $idle64"
kill "$pid"; wait "$pid" 2>/dev/null || true
start_server idle1024 --max-streams 400 --max-streams-per-key 400 --stream-buffer 1024
idle1024=$("$work/dsload" idle -url "$url" -streams 300 -rate 10000 -duration "$duration" -pid "$pid")
echo "--stream-buffer 1024: $idle1024"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

ratio_p99() { python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(round(b[sys.argv[3]]/a[sys.argv[3]], 1))" "$1" "$2" "$3"; }
# row NAME JSON PREFIX: one line of the probe table.
row() {
  echo "| $1 | $(field "$2" "$3"p50_ms) / $(field "$2" "$3"p99_ms) / $(field "$2" "$3"max_ms) | $(ratio_p99 "$idle" "$2" "$3"p99_ms) | $(field "$2" "$3"failures) | $(field "$2" server_cores_busy) |"
}
cat <<EOF2

| probe, server | p50 / p99 / max ms | p99 / idle p99 | failures | server CPU, cores |
| --- | --- | --- | --- | --- |
$(row "/live, idle" "$idle" live_)
$(row "/live, two bulk generations" "$busy" live_)
$(row "/live, idle beside datasynth-data" "$beside" live_)
$(row "/ready, idle" "$idle" ready_)
$(row "/ready, two bulk generations" "$busy" ready_)
$(row "/ready, idle beside datasynth-data" "$beside" ready_)

Probes the server's handlers finished within 1 ms during the bulk generations: /live
$(field "$busy" live_handled_within_1ms), /ready $(field "$busy" ready_handled_within_1ms).

| measure | target | result |
| --- | --- | --- |
| bulk CSV over HTTP / datasynth-data, entries/s | >= 0.80 | $ratio ($http_eps / $cli_eps) |
| process start to /ready 200, median (best) of 5 | < 200 ms | $(field "$ready" ready_ms_median) ms ($(field "$ready" ready_ms_min) ms) |
| peak RSS, 300 never-reading streams, --stream-buffer 64 (default) | < 300 MB | $(field "$idle64" peak_rss_mb) MB, $(field "$idle64" streams_open) open, /health p99 $(field "$idle64" health_p99_ms) ms, $(field "$idle64" health_failures) failures |
| the same with --stream-buffer 1024 | | $(field "$idle1024" peak_rss_mb) MB, $(field "$idle1024" streams_open) open, /health p99 $(field "$idle1024" health_p99_ms) ms, $(field "$idle1024" health_failures) failures |
EOF2
