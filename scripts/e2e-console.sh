#!/usr/bin/env bash
# End-to-end test of the hall console: a real hall and two real stations
# (the station CLI) on 127.0.0.1 in a temp directory, and headless Chromium
# driving the console (frontend/e2e/console.spec.mjs).
#
#   1. The stations enrol, open cases, accept and forward those the hall
#      handles, conclude and rate those they handle, and sync.
#   2. An approver signs in to the console and approves a forwarded case
#      from the inbox; after `station sync` the station shows it approved.
#   3. A supervisor publishes a new version of an item in the console; after
#      `station sync` the station's catalog has that version.
#   4. With YIZHAN_E2E_SCREENS=DIR (e.g. docs/screenshots; `make
#      console-screens`) every console screen is saved in Chinese and English.
#
# Needs Go, Node with frontend/node_modules and /usr/bin/chromium (or
# $CHROMIUM). Builds the console first when hall/console/dist has no build
# (or YIZHAN_E2E_BUILD=1). YIZHAN_E2E_KEEP=1 keeps the temp directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
work="$(mktemp -d /tmp/yizhan-e2e-console.XXXXXX)"
hall_pid=""
cleanup() {
	if [[ -n "$hall_pid" ]]; then kill "$hall_pid" 2>/dev/null || true; wait "$hall_pid" 2>/dev/null || true; fi
	if [[ "${YIZHAN_E2E_KEEP:-}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "e2e-console: FAIL: $*" >&2; [[ -f "$work/hall.log" ]] && tail -n 20 "$work/hall.log" >&2; exit 1; }
step() { echo; echo "==> [${SECONDS}s] $*"; }

step "building"
if [[ "${YIZHAN_E2E_BUILD:-}" == 1 || ! -f hall/console/dist/console.html ]]; then
	(cd frontend && npm run --silent build:console)
fi
mkdir -p "$work/bin"
go build -o "$work/bin/hall" ./cmd/hall & b1=$!
go build -o "$work/bin/station" ./cmd/station & b2=$!
wait "$b1" || fail "go build hall"
wait "$b2" || fail "go build station"
hall="$work/bin/hall"
pw=console-e2e-pw
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export YIZHAN_HALL_DIR="$work/hall" YIZHAN_HALL_DB=""
export YIZHAN_STATION_USER=head YIZHAN_STATION_PASSWORD=station-e2e-pw

step "hall on $url: sample catalog, two stations, console accounts"
"$hall" catalog publish hall/testdata/township-sample.json
code1=$("$hall" station add E2E01 示例镇便民服务中心 --region 370112 | tail -n1)
code2=$("$hall" station add E2E02 东村便民服务站 --region 370112 | tail -n1)
"$hall" staff add approver 李审批 approver --password "$pw"
"$hall" staff add supervisor 王督查 supervisor --password "$pw"
"$hall" serve --listen "127.0.0.1:$port" --log-dir - >"$work/hall.log" 2>&1 &
hall_pid=$!
for _ in $(seq 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$url/healthz" >/dev/null || fail "hall did not start"

# st DIR ARGS... runs the station CLI on a station's data directory.
st() { local d=$1; shift; "$work/bin/station" --dir "$work/$d" "$@"; }
# field JSON PATH prints one field of a JSON document.
field() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }
# open DIR ITEM NAME ID PHONE MATERIALS... opens a case and prints its ID.
open_case() {
	local d=$1 item=$2 name=$3 id=$4 phone=$5; shift 5
	local m=(); for x in "$@"; do m+=(--material "$x"); done
	st "$d" --json case open --item "$item" --name "$name" --id "$id" --phone "$phone" "${m[@]}" | field id
}

step "stations enrol and work"
for d in E2E01:$code1:示例镇便民服务中心 E2E02:$code2:东村便民服务站; do
	IFS=: read -r c enrol n <<<"$d"
	st "$c" enroll --hall "$url" --code "$enrol" >/dev/null
	st "$c" init --code "$c" --name "$n" --region 370112 --admin head --admin-name 站长 --admin-password station-e2e-pw >/dev/null
	st "$c" sync >/dev/null
done
# Forwarded to the hall: the one to approve, and two that stay in the inbox.
c1=$(open_case E2E01 370112-RS-002-01-S 张三 11010519491231002X 13812345678 M1=paper M2=paper M3=paper M4=paper)
c2=$(open_case E2E01 370112-MZ-001-01-S 李四 110105195001010039 13912345678 M1=paper M2=paper M3=paper M4=paper M6=paper)
c3=$(open_case E2E02 370112-YB-002-01-S 王五 11010519491231002X 13712345678 M1=paper M2=paper M3=paper M4=paper M5=paper)
for pair in E2E01:$c1 E2E01:$c2 E2E02:$c3; do
	IFS=: read -r d id <<<"$pair"
	st "$d" case accept "$id" >/dev/null
	st "$d" case forward "$id" >/dev/null
done
# Handled at the station on the spot: one rated well, one rated badly.
s1=$(open_case E2E02 370112-RS-001-01-S 赵六 110105195001010039 13612345678 M1=paper M2=paper M3=paper)
s2=$(open_case E2E01 370112-YB-001-01-S 孙七 11010519491231002X 13512345678 M1=paper M2=paper)
for pair in E2E02:$s1:5 E2E01:$s2:2; do
	IFS=: read -r d id level <<<"$pair"
	st "$d" case accept "$id" >/dev/null
	st "$d" case conclude "$id" --result approved >/dev/null
	st "$d" evaluate --case "$id" --level "$level" --comment "等候时间较长" --source pad --real-name >/dev/null
done
st E2E01 sync >/dev/null
st E2E02 sync >/dev/null
number=$(st E2E01 --json case show "$c1" | field case.number)
[[ $("$hall" case list --json --state forwarded | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])') == 3 ]] \
	|| fail "the hall should hold 3 forwarded cases"

step "console: the approver approves $number from the inbox"
(cd frontend && node e2e/console.spec.mjs --phase approve --url "$url" --password "$pw" --case "$number") || fail "approve phase"
st E2E01 sync >/dev/null
state=$(st E2E01 --json case show "$c1" | field case.state)
result=$(st E2E01 --json case show "$c1" | field case.result)
[[ "$state" == concluded && "$result" == approved ]] || fail "station shows $number as $state/$result, want concluded/approved"
echo "ok: the station received the approval ($state, $result)"

item=370112-RS-002-01-S
step "console: the supervisor publishes a new version of $item"
(cd frontend && node e2e/console.spec.mjs --phase catalog --url "$url" --password "$pw" --item "$item" --promised 7) || fail "catalog phase"
st E2E02 sync >/dev/null
version=$(st E2E02 --json catalog find "$item" | field 0.version)
promised=$(st E2E02 --json catalog find "$item" | field 0.promised)
[[ "$version" == 2 && "$promised" == 7G ]] || fail "station catalog has $item v$version ($promised), want v2 (7G)"
echo "ok: the station received $item version $version (promised $promised)"

shots="${YIZHAN_E2E_SCREENS:-}"
if [[ -n "$shots" ]]; then
	step "console: screenshots into $shots"
	[[ "$shots" = /* ]] || shots="$root/$shots"
	(cd frontend && node e2e/console.spec.mjs --phase screens --url "$url" --password "$pw" --out "$shots" --case-id "$c1" --item "$item") \
		|| fail "screens phase"
fi
echo; echo "e2e-console: PASS in ${SECONDS}s"
