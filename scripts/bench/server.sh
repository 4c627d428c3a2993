#!/usr/bin/env bash
# datasynth-server benchmark, side by side in one run, loopback only:
#   1. GET /health under wrk, datasynth-server beside barehttp (net/http
#      with nothing added, server/internal/cmd/barehttp), interleaved,
#      3 rounds of 2 load shapes (wrk -t2 -c64 and wrk -t1 -c16, 5 s each):
#      median requests/s, p99 and server CPU per request, and their ratios;
#      and a second datasynth-server limited to one core (GOMAXPROCS=1, as
#      a container with a CPU limit of 1 gets), wrk then on the other;
#   2. bulk generation over HTTP (text/csv, read by curl into /dev/null)
#      against datasynth-data writing the same entries to /dev/shm:
#      entries/s of each and their ratio;
#   3. slow WebSocket consumers for DURATION: the server's resident memory
#      sampled every second from its /metrics (first, min, max).
#
#   scripts/bench/server.sh [ENTRIES] [DURATION]   # defaults 1000000 and 60s
#
# The machine's 2 cores are shared by wrk, curl, the load generator and
# the servers (and anything else running): the CPU figures show what each
# server itself spends per request.
#
# Needs wrk and curl (apt-get install -y wrk curl). Every
# request goes to 127.0.0.1; each phase is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-1000000}
duration=${2:-60s}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "install curl: apt-get install -y curl" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dsserverbench.XXXXXX")
server_pid=""
bare_pid=""
one_pid=""
cleanup() {
  for pid in $server_pid $bare_pid $one_pid; do { kill "$pid" && wait "$pid"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd server && go build -trimpath -o "$work/datasynth-server" ./cmd/datasynth-server &&
  go build -o "$work/dsload" ./internal/cmd/dsload && go build -trimpath -o "$work/barehttp" ./internal/cmd/barehttp)
(cd engine && go build -trimpath -o "$work/datasynth-data" ./cmd/datasynth-data)

bench_config "$work/bench.yaml" "$entries"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
url=http://127.0.0.1:$port
"$work/datasynth-server" --listen "127.0.0.1:$port" --config "$work/bench.yaml" --rate-limit 0 \
  --log-level warn --work-dir "$work" --max-events-per-second 5000 --max-bulk-entries 1000000000 \
  2>"$work/server.log" &
server_pid=$!
for _ in $(seq 200); do curl -sf "$url/ready" >/dev/null && break; sleep 0.05; done
curl -sf "$url/ready" >/dev/null || { echo "server not ready:"; cat "$work/server.log"; exit 1; }

bare_port=$(free_port)
bare_url=http://127.0.0.1:$bare_port
"$work/barehttp" "127.0.0.1:$bare_port" 2>"$work/bare.log" &
bare_pid=$!
one_port=$(free_port)
one_url=http://127.0.0.1:$one_port
GOMAXPROCS=1 "$work/datasynth-server" --listen "127.0.0.1:$one_port" --rate-limit 0 --log-level warn --work-dir "$work" \
  2>"$work/one.log" &
one_pid=$!
for u in "$bare_url" "$one_url"; do
  for _ in $(seq 100); do curl -sf "$u/health" >/dev/null && break; sleep 0.05; done
done

hz=$(getconf CLK_TCK)
# wrk_run PID URL WRK-ARGS...: one wrk run against the server PID; prints
# requests/s, p99 in ms, and server CPU microseconds per request.
wrk_run() {
  local pid=$1 target=$2 t0 t1
  shift 2
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  wrk "$@" --latency "$target/health" >"$work/wrk.txt"
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  python3 - "$work/wrk.txt" "$t0" "$t1" "$hz" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
t0, t1, hz = (float(x) for x in sys.argv[2:5])
reqs = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
v, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", text, re.M).groups()
p99 = float(v) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]
print(f"{rps:.0f} {p99:.2f} {(t1 - t0) / hz / reqs * 1e6:.1f}")
PY
}

echo "== 1. GET /health: datasynth-server, barehttp and datasynth-server on one core, interleaved, 3 rounds of wrk -t2 -c64 and wrk -t1 -c16 (5 s each)"
: >"$work/probe.txt"
for round in 1 2 3; do
  for shape in "t2c64:-t2 -c64" "t1c16:-t1 -c16"; do
    name=${shape%%:*}
    read -r -a args <<<"${shape#*:}"
    echo "ds $name $(wrk_run "$server_pid" "$url" "${args[@]}" -d5s)" | tee -a "$work/probe.txt"
    echo "bare $name $(wrk_run "$bare_pid" "$bare_url" "${args[@]}" -d5s)" | tee -a "$work/probe.txt"
    echo "one $name $(wrk_run "$one_pid" "$one_url" "${args[@]}" -d5s)" | tee -a "$work/probe.txt"
  done
done
# probe_table: one row per load shape: medians of each server and ratios.
probe_rows=$(python3 - "$work/probe.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, shape, rps, p99, us = line.split()
    runs.setdefault((who, shape), []).append((float(rps), float(p99), float(us)))
med = lambda who, shape, i: statistics.median(r[i] for r in runs[(who, shape)])
labels = {"t2c64": "wrk -t2 -c64", "t1c16": "wrk -t1 -c16"}
servers = {"ds": "datasynth-server", "one": "datasynth-server, GOMAXPROCS=1", "bare": "barehttp (net/http alone)"}
for shape in ("t2c64", "t1c16"):
    bare = [med("bare", shape, i) for i in range(3)]
    for who in ("ds", "one", "bare"):
        m = [med(who, shape, i) for i in range(3)]
        print(f"| {labels[shape]} | {servers[who]} | {m[0]:,.0f} | {m[1]:.2f} | {m[2]:.1f} | {m[0] / bare[0]:.2f} |")
PY
)

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

GET /health, medians of 3 runs; targets >= 50,000 requests/s and p99 < 5 ms
| load | server | requests/s | p99 ms | server CPU µs/request | requests/s vs barehttp |
| --- | --- | --- | --- | --- | --- |
$probe_rows

| measure | target | result |
| --- | --- | --- |
| bulk CSV over HTTP, entries/s | | $http_eps |
| datasynth-data to /dev/shm, 2 threads, entries/s | | $cli_eps |
| HTTP / CLI throughput | >= 0.80 | $ratio |
| server RSS with slow WebSocket consumers for $duration: min / max MB | flat | $(python3 -c "import json; d=json.load(open('$work/ws.json')); print('%.0f / %.0f' % (d['rss_min_mb'], d['rss_max_mb']))") |
| peak RSS, first half / second half of that time, MB | second half not above the first | $(python3 -c "import json; d=json.load(open('$work/ws.json')); print('%.0f / %.0f' % (d['rss_max_first_half_mb'], d['rss_max_second_half_mb']))") |
| slow clients dropped during that time | | $dropped |
EOF2
