#!/usr/bin/env bash
# Builds the desktop app (make app: wails build for linux/amd64) and checks
# that it starts: runs it under Xvfb on a fresh data directory
# (scripts/screenshot-app.sh), takes a screenshot of its first screen and
# fails unless the screenshot is not one flat colour (ImageMagick's standard
# deviation above a threshold), the app process stayed up until the shot and
# a few seconds after its window drew, and the app's log says the station
# opened (and nothing panicked).
#
#   scripts/check-app.sh [OUT.png]       default /tmp/yizhan-check-app.png
#
# The screenshot is copied to OUT.png (stripped of metadata, and quantised
# with pngquant when it is installed, so it can go to docs/screenshots); the
# app's output is kept beside the original shot in a temp directory and
# printed when a check fails.
#
# Environment: TAGS (passed to make app, e.g. webkit2_41), APP (default
# build/bin/yizhan), CHECK_APP_BUILD=0
# (use the build/bin/yizhan already built), CHECK_APP_MIN_SD (threshold,
# default 0.02), WAIT (the most seconds to wait for the window, default 90).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(realpath -m "${1:-/tmp/yizhan-check-app.png}")"
min_sd="${CHECK_APP_MIN_SD:-0.02}"
fail() { echo "check-app: FAIL: $*" >&2; exit 1; }
step() { echo; echo "==> [${SECONDS}s] $*"; }

if [[ "${CHECK_APP_BUILD:-1}" != 0 ]]; then
	step "make app${TAGS:+ TAGS=$TAGS} (log: /tmp/yizhan-make-app.log)"
	if ! make --no-print-directory app TAGS="${TAGS:-}" >/tmp/yizhan-make-app.log 2>&1; then
		tail -n 40 /tmp/yizhan-make-app.log >&2
		fail "make app"
	fi
	grep -E "^Built '" /tmp/yizhan-make-app.log || true
fi
app="${APP:-build/bin/yizhan}"
[[ -x "$app" ]] || fail "$app not built"
file "$app" | grep -q 'ELF 64-bit.*x86-64' || fail "$app is not a linux/amd64 executable: $(file -b "$app")"

step "start the app under Xvfb and take a screenshot of its first screen"
data="$(mktemp -d /tmp/yizhan-check-app.XXXXXX)"
trap 'rm -rf "$data"' EXIT
shot="$data/shot.png"
applog() { echo "--- the app's output ($shot.log):" >&2; sed -n 1,40p "$shot.log" >&2 || true; }
# screenshot-app.sh fails when the app exits before the shot; UNTIL_DRAWN
# polls until the screen is not flat, then waits 2 s more and shoots again.
if ! YIZHAN_STATION_DIR="$data/station" APP="$app" UNTIL_DRAWN=1 WAIT="${WAIT:-90}" scripts/screenshot-app.sh "$shot"; then
	applog
	fail "the app did not stay up"
fi
[[ -s "$shot" ]] || fail "no screenshot"

sd="$(convert "$shot" -format '%[fx:standard_deviation]' info:)"
echo "screenshot $(identify -format '%wx%h' "$shot"): standard deviation $sd (threshold $min_sd)"
awk -v sd="$sd" -v min="$min_sd" 'BEGIN { exit !(sd > min) }' || { applog; fail "the screenshot is blank (one flat colour): no window drew"; }
# More than a couple of colours: a drawn UI, not a single rectangle.
colours="$(convert "$shot" -format '%k' info:)"
echo "distinct colours: $colours"
((colours > 64)) || { applog; fail "the screenshot has only $colours colours: the window drew no UI"; }
if grep -Eiq 'panic|fatal|segmentation fault' "$shot.log"; then
	applog
	fail "the app's output reports a crash"
fi
log="$data/station/logs/yizhan.log"
[[ -f "$data/station/station.db" ]] || fail "the app created no database in its data directory"
grep -q '"msg":"station open"' "$log" || fail "the app's log does not say the station opened: $(cat "$log" 2>/dev/null)"
mkdir -p "$(dirname "$out")"
convert "$shot" -strip "$out"
if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --quality 75-95 --strip --output "$out" "$out" || true; fi
echo; echo "check-app: PASS in ${SECONDS}s (screenshot $out, $(stat -c %s "$out") bytes)"
