#!/usr/bin/env bash
# Recipe backup benchmark: on the same generated output folder (about 1 GB),
# in one run, the time and stored size of
#   - dsops backup --output-mode recipe, first run (with its proof: one
#     regeneration and comparison) and a later run (proof still fresh),
#   - dsops backup --output-mode archive, first run and a later run,
#   - restic (what a user would otherwise pick: deduplicating, compressed),
#     first snapshot and a later one,
# and the time to restore each into an empty folder.
#
#   scripts/bench/recipe.sh [ENTRIES]     # default 1,200,000 entries (~1 GB)
#
# Data, backups and restores go to BENCH_DIR (default /dev/shm). Needs GNU
# time (Debian package "time") and restic (Debian package "restic").
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-1200000}
command -v /usr/bin/time >/dev/null || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
command -v restic >/dev/null || { echo "install restic: apt-get install -y restic" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dsrecipe.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p bin
(cd engine && go build -trimpath -o ../bin/datasynth-data ./cmd/datasynth-data)
(cd ops && go build -trimpath -o ../bin/dsops ./cmd/dsops)
export PATH="$PWD/bin:$PATH"

bench_config "$work/bench.yaml" "$entries"
datasynth-data generate --config "$work/bench.yaml" --output "$work/output" -q --threads 2
input=$(du -sb "$work/output" | cut -f1)
cat "$work"/output/*.csv >/dev/null

timeit() { /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }; cat "$work/time"; }
size() { du -sb "$@" | awk '{s+=$1} END {print s}'; }
common=(--output-dir "$work/output" --env-file none)

r1=$(timeit dsops backup --output-mode recipe --config-file "$work/bench.yaml" "${common[@]}" --dest "$work/recipe")
r2=$(timeit dsops backup --output-mode recipe --config-file "$work/bench.yaml" "${common[@]}" --dest "$work/recipe")
rb=$(size "$work"/recipe/recipe-*.tar.gz "$work"/recipe/recipe-*.sha256)

a1=$(timeit dsops backup --output-mode archive "${common[@]}" --dest "$work/archive")
a2=$(timeit dsops backup --output-mode archive "${common[@]}" --dest "$work/archive")
ab=$(size "$work"/archive/output-*.tar.gz "$work"/archive/output-*.sha256)

export RESTIC_PASSWORD=bench RESTIC_REPOSITORY="$work/restic"
restic init -q >/dev/null
s1=$(timeit restic backup -q "$work/output")
s1b=$(size "$work/restic")
s2=$(timeit restic backup -q "$work/output")
s2b=$(size "$work/restic")

rr=$(timeit dsops restore "$(ls "$work"/recipe/recipe-*.tar.gz)" --to "$work/restored-recipe")
ar=$(timeit dsops restore "$(ls "$work"/archive/output-*.tar.gz)" --to "$work/restored-archive")
sr=$(timeit restic restore latest --target "$work/restored-restic")
dsops verify "$work/output" "$work/restored-recipe" >/dev/null
dsops verify "$work/output" "$work/restored-archive" >/dev/null

python3 - "$input" "$r1" "$r2" "$rb" "$a1" "$a2" "$ab" "$s1" "$s2" "$s1b" "$s2b" "$rr" "$ar" "$sr" <<'PY'
import sys
inp = int(sys.argv[1])
r1, r2, rb, a1, a2, ab, s1, s2, s1b, s2b, rr, ar, sr = (float(x) for x in sys.argv[2:])
mb = lambda b: b / 1e6
print(f"output folder: {mb(inp):.1f} MB")
print(f"{'':28}{'first run':>11}{'later run':>11}{'stored':>14}{'restore':>10}")
print(f"{'dsops backup, recipe':28}{r1:10.2f}s{r2:10.2f}s{rb/1e3:11.1f} kB{rr:9.2f}s")
print(f"{'dsops backup, archive':28}{a1:10.2f}s{a2:10.2f}s{mb(ab):11.1f} MB{ar:9.2f}s")
print(f"{'restic backup':28}{s1:10.2f}s{s2:10.2f}s{mb(s1b):11.1f} MB{sr:9.2f}s   (+{(s2b-s1b)/1e3:.1f} kB for the later snapshot)")
print(f"stored: archive / recipe = {ab/rb:,.0f}x, restic / recipe = {s1b/rb:,.0f}x")
print(f"first run: recipe (with proof) / archive = {r1/a1:.2f}x; later run: recipe / archive = {r2/a2:.2f}x")
print(f"restore: recipe / archive = {rr/ar:.2f}x, recipe / restic = {rr/sr:.2f}x")
PY
