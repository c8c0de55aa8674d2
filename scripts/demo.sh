#!/usr/bin/env bash
# The main job on embedded defaults: a hall server on SQLite with the sample
# catalog published and its console built in (with a demo account for each
# hall role), and a demo station enrolled with it and opened in the desktop
# app (or, without a display, in the browser UI). Run as root on a fresh
# Debian 12 machine; rerunning reuses the demo data. Every demo login is
# printed at the end (and listed in the README).
#
#   YIZHAN_DEMO_DIR   where the demo data lives (default /var/tmp/yizhan-demo)
#   YIZHAN_DEMO_UI    app (desktop window), web (browser UI) or none
#   YIZHAN_DEMO_HALL_ADDR, YIZHAN_DEMO_UI_ADDR  listen addresses (127.0.0.1:8440, :34115)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
demo="${YIZHAN_DEMO_DIR:-/var/tmp/yizhan-demo}"
hall_addr="${YIZHAN_DEMO_HALL_ADDR:-127.0.0.1:8440}"
ui_addr="${YIZHAN_DEMO_UI_ADDR:-127.0.0.1:34115}"
ui="${YIZHAN_DEMO_UI:-}"
if [[ -z "$ui" ]]; then
	if [[ -n "${DISPLAY:-}" ]]; then ui=app; else ui=web; fi
fi

bash scripts/setup.sh
echo; echo "==> building"
mkdir -p bin
# The hall binary embeds the console's build: build it first.
make console
go build -o bin/hall ./cmd/hall
go build -o bin/station ./cmd/station
if [[ "$ui" == app ]]; then make app; elif [[ "$ui" == web ]]; then make frontend-build; fi

export YIZHAN_HALL_DIR="$demo/hall" YIZHAN_STATION_DIR="$demo/station"
export YIZHAN_STATION_USER=demo YIZHAN_STATION_PASSWORD=yizhan-demo
if [[ ! -f "$demo/hall/hall.db" ]]; then
	echo; echo "==> first run: hall with the sample catalog, station DEMO01"
	mkdir -p "$demo"
	code=$(bin/hall station add 370112001 示例镇便民服务中心 --region 370112 | tail -n1)
	echo "$code" >"$demo/enrol-code"
	bin/hall catalog publish ../shared/catalog/township-sample.json 2>/dev/null \
		|| bin/hall catalog publish hall/testdata/township-sample.json
fi
# A console account for each hall role (created once; rerunning keeps them).
hall_password=yizhan-demo
declare -A hall_names=([clerk]=演示受理员 [approver]=演示审批员 [supervisor]=演示督查 [admin]=演示管理员)
for role in clerk approver supervisor admin; do
	if ! bin/hall staff list 2>/dev/null | awk 'NR > 1 {print $1}' | grep -qx "$role"; then
		YIZHAN_HALL_STAFF_PASSWORD=$hall_password bin/hall staff add "$role" "${hall_names[$role]}" "$role" >/dev/null
	fi
done

bin/hall serve --listen "$hall_addr" >"$demo/hall.log" 2>&1 &
hall_pid=$!
trap 'kill $hall_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://$hall_addr/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

if [[ ! -f "$demo/station/keys/hall.json" ]]; then
	bin/station enroll --hall "http://$hall_addr" --code "$(cat "$demo/enrol-code")"
	bin/station init --code 370112001 --name 示例镇便民服务中心 --region 370112 \
		--admin demo --admin-name 演示站长 --admin-password yizhan-demo
	bin/station staff add clerk 窗口人员 clerk --new-password yizhan-demo
fi
bin/station sync || true

cat <<MSG

驿站 Yizhan demo is running.
  hall:          http://$hall_addr  (data $demo/hall, log $demo/hall.log)
  hall console:  http://$hall_addr/console/
  station:       370112001 示例镇便民服务中心 (data $demo/station)

  Demo logins (password for all: yizhan-demo)
    station app      demo         station head (站长)
                     clerk        window clerk (窗口人员)
    hall console     clerk        受理员: take up forwarded cases, ask for corrections, return
                     approver     审批员: also approve, refuse, special procedures
                     supervisor   督查: catalog, calendar, stations, bad reviews, statistics
                     admin        管理员: what a supervisor does, and accounts

  hall CLI:      YIZHAN_HALL_DIR=$demo/hall bin/hall case list
MSG

case "$ui" in
app)
	echo "  opening the desktop app; close its window to stop the demo."
	build/bin/yizhan
	;;
web)
	echo "  station UI: http://$ui_addr/  (no display here: the same UI in a browser; Ctrl-C stops)"
	echo "  waiting-room display: http://$ui_addr/#/display   rating pad of window 1: http://$ui_addr/#/pad?window=1"
	echo "  self-service kiosk:   http://$ui_addr/#/kiosk"
	bin/station serve-ui --listen "$ui_addr" --assets frontend/dist
	;;
none)
	echo "  (no UI requested; Ctrl-C stops the hall)"
	wait $hall_pid
	;;
esac
