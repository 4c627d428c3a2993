#!/usr/bin/env bash
# Backup benchmark: `dsops backup` against `tar czf` on the same generated
# output folder (about 1 GB), timed in the same run, fastest of REPEAT
# (default 3) runs each, interleaved so both see the same machine load.
#
#   scripts/bench/backup.sh [ENTRIES]     # default 1,200,000 entries (~1 GB)
#
# Prints the time and size of each and the two ratios the issue sets:
# speed (tar time / dsops time, target >= 3) and size (dsops archive /
# tar archive, target <= 1.10).
#
# Data and archives go to BENCH_DIR (default /dev/shm, a tmpfs), so that the
# figures measure compression and hashing rather than the disk. dsops also
# hashes every file twice (once to build the manifest, once while archiving)
# and fsyncs the archive; tar does neither.
#
# Needs GNU time (/usr/bin/time, Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
entries=${1:-1200000}
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/dsbackup.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }

mkdir -p bin
(cd engine && go build -trimpath -o ../bin/datasynth-data ./cmd/datasynth-data)
(cd ops && go build -trimpath -o ../bin/dsops ./cmd/dsops)

bench_config "$work/bench.yaml" "$entries"
bin/datasynth-data generate --config "$work/bench.yaml" --output "$work/output" -q --threads 2
input=$(du -sb "$work/output" | cut -f1)

# Warm the page cache for both.
cat "$work"/output/*.csv >/dev/null

timeit() { /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null 2>&1; cat "$work/time"; }
min() { python3 -c "import sys; print(min(float(a) for a in sys.argv[1:]))" "$@"; }

tar_times=() ds_times=()
for _ in $(seq "${REPEAT:-3}"); do
  rm -f "$work/output.tar.gz"
  tar_times+=("$(timeit tar czf "$work/output.tar.gz" -C "$work" output)")
  rm -rf "$work/dest"
  ds_times+=("$(timeit bin/dsops backup --output-mode archive --output-dir "$work/output" --env-file none --dest "$work/dest")")
done
tar_s=$(min "${tar_times[@]}")
ds_s=$(min "${ds_times[@]}")
tar_b=$(stat -c %s "$work/output.tar.gz")
ds_b=$(stat -c %s "$work"/dest/output-*.tar.gz)

python3 - "$input" "$tar_s" "$tar_b" "$ds_s" "$ds_b" <<'PY'
import sys
inp, tar_s, tar_b, ds_s, ds_b = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
mb = lambda b: b / 1e6
print(f"input folder:  {mb(inp):8.1f} MB")
print(f"tar czf:       {tar_s:8.2f} s  {mb(tar_b):8.1f} MB  ({mb(inp)/tar_s:6.1f} MB/s)")
print(f"dsops backup:  {ds_s:8.2f} s  {mb(ds_b):8.1f} MB  ({mb(inp)/ds_s:6.1f} MB/s)")
print(f"speed ratio (tar time / dsops time): {tar_s/ds_s:.2f}x   (target >= 3)")
print(f"size ratio (dsops / tar):            {ds_b/tar_b:.3f}    (target <= 1.10)")
PY
