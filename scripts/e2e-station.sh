#!/usr/bin/env bash
# End-to-end test of the station app: a real hall and a real station on
# 127.0.0.1 in a temp directory, and headless Chromium walking one clerk's
# full day in the station UI (frontend/e2e/day.spec.mjs) against
# `station serve-ui`, which serves the same API the desktop window calls:
# sign in, issue a ticket, open a case with a missing material, print the
# correction notice, complete the materials, accept, forward, sync, the hall
# approves (`hall case approve`), sync, see it approved, deliver by EMS,
# rate, and see the dashboard change.
#
# Needs Go, Node with frontend/node_modules and /usr/bin/chromium (or
# $CHROMIUM); never downloads a browser. Builds cmd/station, cmd/hall and the
# frontend (npm run build: typecheck + vite) into the temp directory, leaving
# frontend/dist alone. YIZHAN_E2E_ASSETS=DIR uses an already built frontend
# instead; YIZHAN_E2E_KEEP=1 keeps the temp directory (logs, the failure
# screenshot).
#
# With YIZHAN_E2E_SCREENS=DIR (e.g. docs/screenshots; `make station-screens`)
# it then fills the station with demo data (scripts/seed-station.sh) and
# saves every main screen in Chinese and English as
# DIR/station-<screen>-<zh|en>.png (frontend/e2e/screens.mjs --docs), stripped
# and, with pngquant installed, quantised; each must stay under 300 KB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
work="$(mktemp -d /tmp/yizhan-e2e-station.XXXXXX)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	if [[ "${YIZHAN_E2E_KEEP:-}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
	echo "e2e-station: FAIL: $*" >&2
	for f in hall.log ui.log; do [[ -f "$work/$f" ]] && { echo "--- $f" >&2; tail -n 15 "$work/$f" >&2; }; done
	exit 1
}
step() { echo; echo "==> [${SECONDS}s] $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 150); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

step "building cmd/station, cmd/hall and the frontend"
mkdir -p "$work/bin"
go build -o "$work/bin/hall" ./cmd/hall & b1=$!
go build -o "$work/bin/station" ./cmd/station & b2=$!
assets="${YIZHAN_E2E_ASSETS:-}"
if [[ -z "$assets" ]]; then
	assets="$work/dist"
	# npm appends the flags to the script's last command, `vite build`.
	if ! (cd frontend && npm run --silent build -- --outDir "$assets" --emptyOutDir --logLevel warn); then
		echo "e2e-station: NOTE: npm run build failed (vue-tsc); building the station app with vite alone" >&2
		(cd frontend && npx vite build --outDir "$assets" --emptyOutDir --logLevel warn) || fail "vite build"
	fi
fi
[[ -f "$assets/index.html" ]] || fail "no built frontend in $assets"
wait "$b1" || fail "go build hall"
wait "$b2" || fail "go build station"
hall="$work/bin/hall"
station="$work/bin/station"

hall_port=$(free_port)
hall_url="http://127.0.0.1:$hall_port"
export YIZHAN_HALL_DIR="$work/hall" YIZHAN_HALL_DB=""
step "hall on $hall_url: sample catalog, station 370112001"
"$hall" catalog publish hall/testdata/township-sample.json
code=$("$hall" station add 370112001 示例镇便民服务中心 --region 370112 | tail -n1)
"$hall" serve --listen "127.0.0.1:$hall_port" --log-dir - >"$work/hall.log" 2>&1 &
pids+=($!)
wait_http "$hall_url/healthz" || fail "the hall did not start"

step "station: enrol, set up with a station head, first sync"
pw=station-e2e-pw
st() { "$station" --dir "$work/station" "$@"; }
st enroll --hall "$hall_url" --code "$code"
st init --code 370112001 --name 示例镇便民服务中心 --region 370112 --admin head --admin-name 王站长 --admin-password "$pw"
YIZHAN_STATION_USER=head YIZHAN_STATION_PASSWORD="$pw" st sync

ui_port=$(free_port)
ui_url="http://127.0.0.1:$ui_port"
step "station UI on $ui_url"
serve_ui() {
	# Not through st: $! must be the station itself for cleanup to stop it.
	"$station" --dir "$work/station" serve-ui --listen "127.0.0.1:$ui_port" --assets "$assets" >>"$work/ui.log" 2>&1 &
	ui_pid=$!
	pids+=("$ui_pid")
	wait_http "$ui_url/" || fail "serve-ui did not start"
}
serve_ui

step "the day, in Chromium (frontend/e2e/day.spec.mjs)"
(cd frontend && node e2e/day.spec.mjs --url "$ui_url" --user head --password "$pw" \
	--hall-bin "$hall" --hall-dir "$work/hall" --artifacts "$work/artifacts") || {
	if [[ "${YIZHAN_E2E_KEEP:-}" != 1 && -d "$work/artifacts" ]]; then
		mkdir -p /tmp/yizhan-e2e-station-failed && cp "$work"/artifacts/* /tmp/yizhan-e2e-station-failed/ 2>/dev/null || true
		echo "failure screenshot copied to /tmp/yizhan-e2e-station-failed/" >&2
	fi
	fail "the day in the station UI"
}

shots="${YIZHAN_E2E_SCREENS:-}"
if [[ -n "$shots" ]]; then
	[[ "$shots" = /* ]] || shots="$root/$shots"
	step "demo data for the screenshots (scripts/seed-station.sh)"
	kill "$ui_pid"; wait "$ui_pid" 2>/dev/null || true
	STATION="$station" HALL="$hall" YIZHAN_STATION_DIR="$work/station" YIZHAN_STATION_USER=head YIZHAN_STATION_PASSWORD="$pw" \
		scripts/seed-station.sh || fail "seed-station"
	serve_ui
	step "screenshots of every main screen, zh-CN and en-US, into $shots"
	mkdir -p "$shots"
	(cd frontend && node e2e/screens.mjs --docs --url "$ui_url" --user head --password "$pw" --out "$shots") || fail "screens.mjs --docs"
	for f in "$shots"/station-*-zh.png "$shots"/station-*-en.png "$shots"/station-*-1024.png; do
		convert "$f" -strip "$f"
		if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --quality 75-95 --strip --output "$f" "$f" || true; fi
		size=$(stat -c %s "$f")
		printf '%-60s %7d bytes\n' "${f#"$root"/}" "$size"
		((size < 300 * 1024)) || fail "$f is $size bytes, more than 300 KB"
	done
fi
echo; echo "e2e-station: PASS in ${SECONDS}s"
