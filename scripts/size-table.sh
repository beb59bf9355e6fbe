#!/usr/bin/env bash
# The README's size table: what conv-ae costs as frames grow from 28x28 grey to 256x256 RGB.
# For each size: synthetic frames (scripts/make-frames.py, needs numpy), a short training, `bench`
# (images/s at batch 1 and 64) and `bench-stream` (events/s at batch 64), with the peak resident
# memory of each command's JVM. Run it alone on the machine: flock /tmp/cpu.lock scripts/size-table.sh
#   SIZES="28 64" FRAMES=500 EPOCHS=2 scripts/size-table.sh
#   STREAM=0 scripts/size-table.sh     bench only (no broker), its stream columns left as "-"
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/size-table
sizes=${SIZES:-28 64 128 256}
frames=${FRAMES:-500}
epochs=${EPOCHS:-2}
mkdir -p "$out"

# Runs a command, keeping its output in $log, and prints the peak resident memory (VmHWM) of its
# process in MiB. `image-anomaly` execs java, so the pid is the JVM's.
peak_rss() {
  local log=$1; shift
  "$@" > "$log" 2>&1 &
  local pid=$! peak=0 now
  while kill -0 "$pid" 2>/dev/null; do
    now=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$now" ] && peak=$now
    sleep 0.5
  done
  wait "$pid"
  echo $((peak / 1024))
}

# Events per bench-stream run: about half a minute of scoring at each size on two cores.
events_for() {
  case $1 in 28) echo 20000 ;; 64) echo 10000 ;; 128) echo 4000 ;; *) echo 1500 ;; esac
}

rows=()
for size in $sizes; do
  dir="$out/frames-$size"
  if [ "$size" = 28 ]; then grey=--grey; shape="28x28 grey"; else grey=; shape="${size}x${size} RGB"; fi
  [ -d "$dir" ] || /usr/bin/python3 scripts/make-frames.py --size "$size" --count "$frames" $grey --out "$dir"
  png_bytes=$(du -cb "$dir"/*.png | tail -1 | awk -v n="$frames" '{printf "%.0f", $1 / n}')
  channels=$([ "$size" = 28 ] && echo 1 || echo 3)
  raw_bytes=$((size * size * channels))

  echo "== $shape: training conv-ae for $epochs epochs on $frames frames" >&2
  OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} ./image-anomaly train --data "$dir" --kind conv-ae --epochs "$epochs" \
      --no-report --out "$out/models" --name "conv-ae-$size" --version v1 > "$out/train-$size.log" 2>&1
  epoch_s=$(awk -F, 'NR > 1 { s += $(NF - 2); n++ } END { printf "%.1f", s / n }' \
      "$out/models/conv-ae-$size/v1/training-metrics.csv")

  echo "== $shape: bench" >&2
  bench_mib=$(peak_rss "$out/bench-$size.md" ./image-anomaly bench --bundle "$out/models/conv-ae-$size/v1" \
      --input "$dir" --batch-sizes 1,64 --seconds 5 --provider cpu)
  b1=$(awk -F'|' '$2 ~ /^ 1 $/ {gsub(/ /, "", $3); print $3}' "$out/bench-$size.md")
  b64=$(awk -F'|' '$2 ~ /^ 64 $/ {gsub(/ /, "", $3); print $3}' "$out/bench-$size.md")

  stream_mib=- pass=- scorer=-
  if [ "${STREAM:-1}" != 0 ]; then
  echo "== $shape: bench-stream" >&2
  stream_mib=$(peak_rss "$out/bench-stream-$size.md" ./image-anomaly bench-stream \
      --bundle "$out/models/conv-ae-$size/v1" --input "$dir" --events "$(events_for "$size")" --batch-sizes 64 \
      --guarantees at_least_once)
  pass=$(awk -F'|' '$2 ~ /pass-through/ {gsub(/ /, "", $5); print $5}' "$out/bench-stream-$size.md" | tail -1)
  scorer=$(awk -F'|' '$2 ~ /scorer/ {gsub(/ /, "", $5); print $5}' "$out/bench-stream-$size.md" | tail -1)
  fi

  rows+=("| $shape | $png_bytes | $raw_bytes | $((raw_bytes * 4)) | $epoch_s | $b1 | $b64 | $bench_mib | $scorer | $pass | $stream_mib |")
done

echo
echo "| frames | PNG bytes per event | pixel bytes | tensor bytes | train s/epoch ($frames frames) | bench images/s, batch 1 | bench images/s, batch 64 | bench peak RSS MiB | bench-stream events/s, batch 64 | pass-through events/s | bench-stream peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
