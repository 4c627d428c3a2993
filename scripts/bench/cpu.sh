#!/usr/bin/env bash
# One-core CPU benchmark of generation (CSV, or FORMAT), alone or against a baseline build:
# journal-entry lines per second of CPU time (user + system) of
# datasynth-data generate --threads 1 with GOMAXPROCS=1, on the config of
# bench_config, every table written (document flows and subledgers
# included). With BASELINE, this build and BASELINE run interleaved,
# REPEAT rounds (default 3), so that the machine's load hits both alike;
# the fastest run of each by CPU time and the median are printed with their
# ratios. CPU time is steadier than elapsed time on a shared machine.
#
#   BASELINE=/path/to/old/datasynth-data scripts/bench/cpu.sh [ENTRIES]   # default 400,000 entries
#   scripts/bench/cpu.sh [ENTRIES]                                       # this build alone
#   FORMAT=parquet scripts/bench/cpu.sh [ENTRIES]                        # another output format
#
# Output goes to BENCH_DIR (default /dev/shm, a tmpfs).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-400000}
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dscpu.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
(cd engine && go build -trimpath -o ../bin/datasynth-data ./cmd/datasynth-data)
bench_config "$work/bench.yaml" "$entries"
case "${FORMAT:-csv}" in
  csv | json | json_lines | parquet) sed -i "s/formats: \[csv\]/formats: [${FORMAT:-csv}]/" "$work/bench.yaml" ;;
  *) echo "FORMAT must be csv, json, json_lines or parquet, not ${FORMAT}" >&2; exit 2 ;;
esac

for _ in $(seq "${REPEAT:-3}"); do
  for b in this:bin/datasynth-data ${BASELINE:+"baseline:$BASELINE"}; do
    rm -rf "$work/out"
    GOMAXPROCS=1 /usr/bin/time -f "${b%%:*} %U %S %e" -a -o "$work/times" \
      "${b#*:}" generate --config "$work/bench.yaml" --output "$work/out" -q --threads 1 >/dev/null
    lines=$(python3 -c "import json;print(json.load(open('$work/out/run_manifest.json'))['statistics']['line_items'])")
    echo "${b%%:*} lines $lines" >>"$work/lines"
  done
done
rm -rf "$work/out"
python3 - "$work/times" "$work/lines" <<'PY'
import statistics, sys
lines, cpu = {}, {}
for l in open(sys.argv[2]):
    who, _, n = l.split()
    lines[who] = int(n)
for l in open(sys.argv[1]):
    who, u, s, e = l.split()
    c = float(u) + float(s)
    print(f"{who:9} user {u}s sys {s}s elapsed {e}s: {lines[who] / c:,.0f} lines/s of CPU")
    cpu.setdefault(who, []).append(c)
for name, pick in ("fastest", min), ("median", statistics.median):
    t = lines["this"] / pick(cpu["this"])
    out = f"{name:9} this build {t:,.0f} lines/s of CPU ({lines['this']:,} lines)"
    if "baseline" in cpu:
        b = lines["baseline"] / pick(cpu["baseline"])
        out += f", baseline {b:,.0f} ({lines['baseline']:,} lines): ratio {t / b:.2f}"
    print(out)
PY
