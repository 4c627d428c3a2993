#!/usr/bin/env bash
# datasynth-server benchmark, side by side in one run, loopback only:
#   1. GET /health under wrk (2 threads, 64 connections): requests/s, p99;
#   2. bulk generation over HTTP (text/csv, read by curl into /dev/null)
#      against datasynth-data writing the same entries to /dev/shm:
#      entries/s of each and their ratio;
#   3. slow WebSocket consumers for DURATION: the server's resident memory
#      sampled every second from its /metrics (first, min, max).
#
#   scripts/bench/server.sh [ENTRIES] [DURATION]   # defaults 1000000 and 60s
#
# The machine's 2 cores are shared by wrk, curl, the load generator and
# the server (and anything else running): the CPU figure shows what the
# server itself spends per request.
#
# Needs wrk and curl (apt-get install -y wrk curl). Every request goes to
# 127.0.0.1; each phase is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-1000000}
duration=${2:-60s}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "install curl: apt-get install -y curl" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dsserverbench.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

(cd server && go build -trimpath -o "$work/datasynth-server" ./cmd/datasynth-server && go build -o "$work/dsload" ./internal/cmd/dsload)
(cd engine && go build -trimpath -o "$work/datasynth-data" ./cmd/datasynth-data)

bench_config "$work/bench.yaml" "$entries"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$work/datasynth-server" --listen "127.0.0.1:$port" --config "$work/bench.yaml" --rate-limit 0 \
  --log-level warn --work-dir "$work" --max-events-per-second 5000 --max-bulk-entries 1000000000 \
  2>"$work/server.log" &
server_pid=$!
for _ in $(seq 200); do curl -sf "$url/ready" >/dev/null && break; sleep 0.05; done
curl -sf "$url/ready" >/dev/null || { echo "server not ready:"; cat "$work/server.log"; exit 1; }

# cpu_ticks: user+system CPU ticks the server has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)

echo "== 1. GET /health, wrk -t2 -c64 -d10s (throughput) and wrk -t1 -c16 -d10s (latency)"
t0=$(cpu_ticks)
wrk -t2 -c64 -d10s --latency "$url/health" >"$work/wrk.txt"
t1=$(cpu_ticks)
rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
reqs=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
# Requests per second of server CPU: what the server would answer with
# the machine's 2 cores to itself (wrk takes a share of them here).
per_core=$(python3 -c "print(round($reqs / (($t1 - $t0) / $hz)))")
wrk -t1 -c16 -d10s --latency "$url/health" >"$work/wrk16.txt"
rps16=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk16.txt")
p99_16=$(awk '$1 == "99%" {print $2}' "$work/wrk16.txt")
echo "64 connections: $rps requests/s, p99 $p99; server CPU: $per_core requests per CPU-second"
echo "16 connections: $rps16 requests/s, p99 $p99_16"

echo "== 2. bulk over HTTP vs datasynth-data, $entries entries (best of 3)"
best() { sort -g | head -1; }
cli=$(for _ in 1 2 3; do
  rm -rf "$work/out"
  /usr/bin/env time -f %e -o "$work/t" "$work/datasynth-data" generate --config "$work/bench.yaml" --output "$work/out" -q --threads 2 && cat "$work/t"
done | best)
rm -rf "$work/out"
http=$(for _ in 1 2 3; do
  curl -sf -o /dev/null -w '%{time_total}\n' -X POST -H 'Accept: text/csv' -d "{\"entry_count\": $entries}" "$url/api/generate/bulk"
done | best)
read -r cli_eps http_eps ratio < <(python3 -c "e=$entries; c=$cli; h=$http; print(round(e/c), round(e/h), round((e/h)/(e/c), 2))")
echo "datasynth-data: ${cli}s ($cli_eps entries/s)  HTTP: ${http}s ($http_eps entries/s)  ratio: $ratio"

echo "== 3. slow WebSocket consumers for $duration (4 clients, 5000 events/s asked, 100 read/s)"
"$work/dsload" -url "$url" -duration "$duration" -clients 4 -rate 5000 -read-every 10ms | tee "$work/ws.json"
dropped=$(curl -s "$url/metrics" | awk '$1 == "synth_stream_slow_clients_dropped_total" {print $2}')

cat <<EOF2

| measure | target | result |
| --- | --- | --- |
| GET /health requests/s (wrk -t2 -c64, wrk on the same 2 cores) | >= 50,000 | $rps |
| GET /health p99 latency at 64 connections | < 5 ms | $p99 |
| GET /health requests per server CPU-second | | $per_core |
| GET /health requests/s and p99 at 16 connections (wrk -t1) | < 5 ms | $rps16, $p99_16 |
| bulk CSV over HTTP, entries/s | | $http_eps |
| datasynth-data to /dev/shm, 2 threads, entries/s | | $cli_eps |
| HTTP / CLI throughput | >= 0.80 | $ratio |
| server RSS with slow WebSocket consumers for $duration: min / max MB | flat | $(python3 -c "import json; d=json.load(open('$work/ws.json')); print('%.0f / %.0f' % (d['rss_min_mb'], d['rss_max_mb']))") |
| peak RSS, first half / second half of that time, MB | second half not above the first | $(python3 -c "import json; d=json.load(open('$work/ws.json')); print('%.0f / %.0f' % (d['rss_max_first_half_mb'], d['rss_max_second_half_mb']))") |
| slow clients dropped during that time | | $dropped |
EOF2
