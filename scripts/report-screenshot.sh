#!/usr/bin/env bash
# A screenshot of an HTML report (training, evaluation or find-anomalies) by headless Chromium, to look
# at a report without a desktop or to attach to an issue. Installs nothing: it needs /usr/bin/chromium
# (Debian: apt-get install -y chromium).
#   scripts/report-screenshot.sh runs/models/mnist-deep-ae/v1/report/index.html report.png [WIDTHxHEIGHT]
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT (default 1400x4000)]" >&2
  exit 2
fi
report="$(realpath "$1")"
out="$(realpath -m "$2")"
size="${3:-1400x4000}"
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "no $chromium: install the Debian package 'chromium' first" >&2
  exit 1
fi
[ -f "$report" ] || { echo "no such report: $report" >&2; exit 1; }
# A throw-away profile, so a screenshot never touches (or waits on) a browser profile in use.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$out" --window-size="${size/x/,}" "file://$report" 2>&1 | grep -v -E 'dbus|Fontconfig|sandbox|unexpected operator|bytes written' >&2 || true
[ -s "$out" ] || { echo "chromium wrote no screenshot to $out" >&2; exit 1; }
echo "$out"
