#!/usr/bin/env bash
# dsops verify benchmark: `dsops verify` against the checksum pipeline of the
# classic recipe, on the same two identical trees, timed in the same run
# with the page cache warm, plus Go's single-core SHA-256 speed as the limit.
#
#   scripts/bench/verify.sh [FILES [MIB]]   # default 1200 files, 1200 MiB per tree
#
# Both trees hold FILES files of MIB/FILES MiB of random bytes each, in one
# folder (the pipeline's `folder/*` is not recursive). The pipeline is timed
# as
#
#   diff <(cd a && sha256sum * | sort) <(cd b && sha256sum * | sort)
#
# which hashes exactly what the classic `diff <(sha256sum a/* | sort)
# <(sha256sum b/* | sort)` hashes; entering each folder first keeps the
# folder name out of the lines, so that identical trees compare equal. Its
# two sha256sum processes run in parallel, one per tree.
#
# Each command runs RUNS times (default 5), interleaved so both see the same
# machine load; the median is reported. The limit is the median of
# BenchmarkSHA256 (datasynth.dev/verify, -cpu 1) times the number of cores.
#
# Data goes to BENCH_DIR (default $TMPDIR or /tmp), a disk folder, and is
# read once before timing so that it sits in the page cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-1200}
mib=${2:-1200}
runs=${RUNS:-5}
cores=$(nproc)
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/verifybench.XXXXXX")
trap 'rm -rf "$work"' EXIT

(cd ops && go build -trimpath -o "$work/dsops" ./cmd/dsops)

echo "creating $files files, $mib MiB per tree, in $work" >&2
mkdir "$work/a"
head -c "$((mib << 20))" /dev/urandom >"$work/pool"
split -a 5 -b "$(((mib << 20) / files))" "$work/pool" "$work/a/part-"
rm "$work/pool"
cp -r "$work/a" "$work/b"
count=$(find "$work/a" -type f | wc -l)
bytes=$(($(du -sb "$work/a" | cut -f1) - $(stat -c %s "$work/a")))
cat "$work"/a/* "$work"/b/* >/dev/null

dsops_verify() { "$work/dsops" verify "$work/a" "$work/b" >/dev/null; }
pipeline() { diff <(cd "$work/a" && sha256sum -- * | sort) <(cd "$work/b" && sha256sum -- * | sort) >/dev/null; }

# seconds CMD: runs CMD once and prints its wall time in seconds; a command
# that does not report the trees identical stops the benchmark.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" || { echo "$* did not report identical trees" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_before=$(cut -d' ' -f1 /proc/loadavg)
dsops_verify
pipeline
: >"$work/t-dsops"
: >"$work/t-pipeline"
for _ in $(seq "$runs"); do
  seconds dsops_verify >>"$work/t-dsops"
  seconds pipeline >>"$work/t-pipeline"
done
t_dsops=$(median <"$work/t-dsops")
t_pipe=$(median <"$work/t-pipeline")
hashing=$("$work/dsops" verify --verbose "$work/a" "$work/b" | sed -n 's/^note: hashed .* (\([0-9]*\) MB\/s)$/\1/p')

echo "measuring single-core SHA-256 (BenchmarkSHA256)" >&2
sha_core=$(cd verify && go test -run '^$' -bench '^BenchmarkSHA256$' -cpu 1 -count "$runs" . |
  awk '/^BenchmarkSHA256/ { print $(NF - 1) }' | median)

load_after=$(cut -d' ' -f1 /proc/loadavg)

awk -v files="$count" -v bytes="$bytes" -v cores="$cores" -v runs="$runs" \
  -v td="$t_dsops" -v tp="$t_pipe" -v hashing="$hashing" -v core="$sha_core" \
  -v l0="$load_before" -v l1="$load_after" 'BEGIN {
  total = 2 * bytes / 1e6
  limit = core * cores
  printf "trees:                 2 x %d files, 2 x %.0f MB (%.0f MB hashed per run), page cache warm\n", files, bytes / 1e6, total
  printf "cores:                 %d; median of %d runs each; load average %s before, %s after\n", cores, runs, l0, l1
  printf "dsops verify:          %.3f s  (%.0f MB/s end to end; hashing alone %d MB/s)\n", td, total / td, hashing
  printf "sha256sum | sort | diff: %.3f s  (%.0f MB/s)\n", tp, total / tp
  printf "speed-up:              %.1fx\n", tp / td
  printf "SHA-256, one core:     %.0f MB/s; limit on %d cores %.0f MB/s\n", core, cores, limit
  printf "dsops verify vs limit: %.0f%% end to end, %.0f%% hashing alone\n", 100 * total / td / limit, 100 * hashing / limit
}'
