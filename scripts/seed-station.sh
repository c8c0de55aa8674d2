#!/usr/bin/env bash
# Fills an enrolled station with a realistic day of demo data through the
# station CLI (and the hall CLI for the hall's decisions), for screenshots and
# demos: about forty cases across every state — waiting, correction notices,
# accepted, not accepted, in process, suspended, forwarded to the hall and
# decided there (approved, refused, taken up), concluded, on their way by
# pickup or EMS, delivered, rated well and badly — on every channel, with a
# proxy applicant, and a queue with people waiting and being served.
#
#   STATION=bin/station HALL=bin/hall scripts/seed-station.sh
#
# Environment: STATION and HALL (binaries), YIZHAN_STATION_DIR and
# YIZHAN_HALL_DIR (data), YIZHAN_STATION_USER / YIZHAN_STATION_PASSWORD (a
# station head). The station must be enrolled with the hall and the hall
# reachable (the script syncs twice). Every case is received today: the
# station CLI has no clock to set.
set -euo pipefail
: "${STATION:?STATION=path of the station CLI}" "${HALL:?HALL=path of the hall CLI}"
: "${YIZHAN_STATION_DIR:?}" "${YIZHAN_HALL_DIR:?}" "${YIZHAN_STATION_USER:?}" "${YIZHAN_STATION_PASSWORD:?}"

st() { "$STATION" "$@" >/dev/null; }
# field PATH prints one field of the JSON document on stdin.
field() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }
# rid BIRTH SEQ prints a valid resident ID number of district 370112.
rid() { python3 -c 'import sys
b="370112"+sys.argv[1]+sys.argv[2]
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
print(b+"10X98765432"[sum(int(c)*x for c,x in zip(b,w))%11])' "$1" "$2"; }

# open ITEM NAME BIRTH PHONE [flags and CODE=HOW materials...] prints the case ID.
open() {
	local item=$1 name=$2 birth=$3 phone=$4; shift 4
	local args=()
	for a in "$@"; do
		if [[ "$a" == --* || "$a" != *=* ]]; then args+=("$a"); else args+=(--material "$a"); fi
	done
	"$STATION" --json case open --item "370112-$item" --name "$name" --id "$(rid "$birth" "${phone: -3}")" \
		--phone "$phone" "${args[@]}" | field id
}
# paper M... prints CODE=paper for each code (unquoted at the call: one word each).
paper() { local out=(); for m in "$@"; do out+=("$m=paper"); done; echo "${out[@]}"; }
deliver() { st case deliver "$1" --method pickup; st case sign "$1" --by "$2"; }

echo "seed-station: sync (the catalog), then cases"
st sync
# Received first thing: accepted, not yet forwarded; a few waiting, two of them incomplete.
c=$(open NY-001-01-S 潘志明 19680229 13505310033 $(paper M1 M2 M3 M4)); st case accept "$c"
c=$(open TY-003-01-S 田保国 19510801 13805310034 $(paper M1 M2 M3 M4 M5 M6))
c=$(open RS-003-01-S 邓翠兰 19400312 13905310035 $(paper M1 M2))
c=$(open MZ-006-01-S 蒋晓东 20120915 13705310036 $(paper M1 M2 M4 M5 M6) --channel village)
c=$(open WJ-002-01-S 薛红 19700517 13605310037 $(paper M1 M2 M3))
c=$(open SF-001-01-S 彭宇 19990203 13505310038 $(paper M1 M2 M3 M4) --channel online)

# Handled here on the spot (即办件), done and rated.
c=$(open RS-001-01-S 张建华 19650312 13805310001 $(paper M1 M2 M3)); st case accept "$c"; st case conclude "$c" --result approved --cert SB2026-0101
st evaluate --case "$c" --level 5 --source pad
c=$(open RS-001-01-S 李秀兰 19580921 13905310002 $(paper M1 M2 M3) --channel village); st case accept "$c"; st case conclude "$c" --result approved
st evaluate --case "$c" --level 5 --source pad
c=$(open YB-001-01-S 王志强 19890105 13705310003 $(paper M1 M2)); st case accept "$c"; st case conclude "$c" --result approved
st evaluate --case "$c" --level 4 --source pad --comment "办得挺快"
c=$(open YB-001-01-S 刘芳 19920614 15805310004 M1=e_license M2=paper); st case accept "$c"; st case conclude "$c" --result approved
st evaluate --case "$c" --level 5 --source qr
c=$(open TY-002-01-S 陈国庆 19700801 13605310005 $(paper M1 M2 M3 M4)); st case accept "$c"; st case conclude "$c" --result approved
c=$(open SJ-001-01-S 何伟 19850227 18605310006 $(paper M1 M2 M3)); st case accept "$c"; st case conclude "$c" --result approved
st evaluate --case "$c" --level 2 --source pad --comment "等候时间较长，窗口只开了一个" --real-name --contact 18605310006

# Handled at the township: every stage.
c=$(open RS-004-01-S 杨丽 19960412 13905310007 M1=paper)
c=$(open RS-005-01-S 赵磊 19910723 13805310008 $(paper M1 M2)); st case accept "$c"; st case process "$c"
c=$(open RS-007-01-S 黄海燕 19870530 13705310009 $(paper M1 M2)); st case accept "$c"; st case conclude "$c" --result approved; st case deliver "$c" --method pickup
c=$(open RS-008-01-S 周杰 20010918 15905310010 $(paper M1 M3) --address "示例镇南街 8 号"); st case accept "$c"; st case conclude "$c" --result approved
st case deliver "$c" --method ems --waybill EA100200300CN
c=$(open YB-003-01-S 吴敏 19781111 13605310011 $(paper M1 M2)); st case accept "$c"; st case conclude "$c" --result approved; deliver "$c" 吴敏
st evaluate --case "$c" --level 5 --source pad
c=$(open MZ-003-01-S 徐桂英 19520304 13505310012 --situation 01 $(paper M1 M2 M3 M4) M6=rongque); st case accept "$c"; st case process "$c"
st case suspend "$c" --reason "需入户核查家庭经济状况" --procedure inspection
c=$(open MZ-008-01-S 孙志刚 19660619 13805310013 $(paper M1 M2 M3 M7)); st case accept "$c"; st case process "$c"
c=$(open WJ-001-01-S 胡晓燕 19940822 18805310014 $(paper M1 M2)); st case correct "$c" --reason "申请材料不齐全"
c=$(open NY-002-01-S 朱文斌 19720315 13905310015 $(paper M1 M2 M4)); st case correct "$c" --reason "申请材料不齐全" --extra "发包方备案意见需加盖村委会公章"
c=$(open ZF-001-01-S 高建军 19800102 13705310016 $(paper M1 M2 M3 M4 M5 M6) --channel village); st case correct "$c" --reason "缺少四邻无争议意见"
c=$(open SF-002-01-S 林秀珍 19630707 13605310017 $(paper M1 M2)); st case accept "$c"
c=$(open ZR-002-01-S 郭淑芬 19750919 13505310018 M2=paper); st case reject "$c" --reason "申请采伐的林木不在本镇辖区，请到所在地林业站申请"
c=$(open ZR-001-01-S 曹永福 19690404 13805310019 $(paper M1 M2 M3 M4 M5)); st case accept "$c"
c=$(open ZF-002-01-S 袁丽 19830627 13905310020 $(paper M1 M2 M4 M5)); st case accept "$c"

# Decided at the hall: accepted here and forwarded.
fwd=()
fwd+=("$(open RS-002-01-S 马玉兰 19590215 13705310021 $(paper M1 M2 M3 M4))")
fwd+=("$(open RS-006-01-S 罗刚 19880330 13605310022 $(paper M1 M2 M3) --channel postal)")
fwd+=("$(open YB-002-01-S 梁红梅 19730808 13505310023 $(paper M1 M2 M3 M4 M5))")
fwd+=("$(open YB-004-01-S 宋建国 19550120 13805310024 $(paper M1 M2 M3 M4))")
fwd+=("$(open YB-005-01-S 郑丽娟 19480506 13905310025 $(paper M1 M2 M3 M4 M6) M5=rongque --channel home \
	--agent-mode proxy --agent-name 郑小军 --agent-id "$(rid 19800312 521)" --agent-phone 15805310125 --agent-relation 儿子 --attorney paper)")
fwd+=("$(open MZ-001-01-S 谢春花 19610710 13705310026 $(paper M1 M2 M3 M4 M6) M5=rongque)")
fwd+=("$(open MZ-002-01-S 韩德明 19470225 13605310027 $(paper M1 M2 M3 M4) --channel village)")
fwd+=("$(open MZ-004-01-S 唐凤英 19360918 13505310028 $(paper M1 M2 M3 M4))")
fwd+=("$(open MZ-005-01-S 冯建平 19770413 13805310029 $(paper M1 M2 M3 M4 M5 M7))")
fwd+=("$(open MZ-009-01-S 于海波 19820129 13905310030 $(paper M1 M2 M3 M4))")
fwd+=("$(open CL-001-01-S 董秀梅 19650824 13705310031 $(paper M1 M2 M3 M4 M5))")
fwd+=("$(open WJ-003-01-S 程立新 19600601 13605310032 $(paper M1 M2 M3 M6) M5=rongque)")
for c in "${fwd[@]}"; do st case accept "$c"; st case forward "$c"; done
echo "seed-station: sync; the hall approves, refuses and takes up forwarded cases"
st sync
hall_id() { "$HALL" case list --limit 1000 --json | python3 -c 'import json,sys; m={c["number"]:c["id"] for c in json.load(sys.stdin)["items"]}; print(m[sys.argv[1]])' "$1"; }
number() { "$STATION" --json case show "$1" | field case.number; }
# The newest first, so the top of the case list shows every outcome.
for i in 11 10 8 6; do "$HALL" case approve "$(hall_id "$(number "${fwd[$i]}")")" --cert "HZ2026-00$((30 + i))" >/dev/null; done
"$HALL" case refuse "$(hall_id "$(number "${fwd[9]}")")" --reason "家庭人均收入高于当地最低生活保障边缘家庭认定标准" >/dev/null
for i in 7 5; do "$HALL" case review "$(hall_id "$(number "${fwd[$i]}")")" >/dev/null; done
st sync
# Approved at the hall: one sent by EMS, one collected and rated.
st case deliver "${fwd[11]}" --method ems --waybill EA100200301CN --address "示例镇北村 3 组"
deliver "${fwd[10]}" 董秀梅
st evaluate --case "${fwd[10]}" --level 4 --source pad

echo "seed-station: queue"
for item in RS-001-01-S "" MZ-001-01-S "" YB-002-01-S RS-004-01-S "" MZ-004-01-S "" WJ-001-01-S; do
	st queue issue ${item:+--item 370112-$item}
done
# The first two numbers called are done; two are at the windows; six wait.
for w in 1 2; do st queue done "$("$STATION" --json queue call --window "$w" | field id)"; done
for w in 1 2; do st queue call --window "$w"; done
st sync
"$STATION" --json case list --limit 1 | python3 -c 'import json,sys; print("seed-station:", json.load(sys.stdin)["total"], "cases on the station")'
