#!/usr/bin/env bash
# Runs the built app (build/bin/yizhan) in a virtual X display, waits for it
# to draw, saves a screenshot of the whole screen, and stops the app.
#
#   scripts/screenshot-app.sh [OUT.png]        default /tmp/yizhan-shot.png
#
# Environment: APP (binary), WAIT (seconds before the shot, default 8;
# with UNTIL_DRAWN=1 the most to wait for the window to draw, polled every 2 s),
# YIZHAN_STATION_DIR (data directory; default a fresh temporary one, so a
# screenshot never touches real data; SCREENSHOT_DEFAULT_DIR=1 leaves it unset
# so the app uses its per-user default under $HOME, as scripts/check-deb.sh
# does with a throwaway HOME). The app's output goes to OUT.log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-/tmp/yizhan-shot.png}")"
app="$(realpath -m "${APP:-$root/build/bin/yizhan}")"
wait_s="${WAIT:-8}"

if [[ ! -x "$app" ]]; then
	echo "screenshot-app: $app not found; run make app first" >&2
	exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ "${SCREENSHOT_DEFAULT_DIR:-}" == 1 ]]; then
	unset YIZHAN_STATION_DIR
else
	export YIZHAN_STATION_DIR="${YIZHAN_STATION_DIR:-$tmp/station}"
fi
# WebKitGTK's GPU compositing has no GPU to use under Xvfb.
export WEBKIT_DISABLE_COMPOSITING_MODE=1

# Everything that needs the display runs inside one xvfb-run session.
xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
	set -u
	"$1" >"$2.log" 2>&1 &
	pid=$!
	if [[ "$4" == 1 ]]; then
		# Poll until the screen is no longer one flat colour, at most $3 s.
		for ((t = 2; t <= $3; t += 2)); do
			sleep 2
			kill -0 "$pid" 2>/dev/null || break
			import -window root "$2"
			sd="$(convert "$2" -format "%[fx:standard_deviation]" info:)"
			awk -v sd="$sd" "BEGIN { exit !(sd > 0.02) }" && { sleep 2; import -window root "$2"; break; }
		done
	else
		sleep "$3"
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "screenshot-app: the app exited early; see $2.log" >&2
		exit 1
	fi
	import -window root "$2"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
' screenshot "$app" "$out" "$wait_s" "${UNTIL_DRAWN:-0}"

echo "screenshot-app: wrote $out ($(identify -format '%wx%h' "$out"))"
