#!/usr/bin/env bash
# Installs each Yizhan .deb as a station's IT person would
# (`apt-get install ./yizhan_*.deb`, resolving its dependencies), starts the
# installed app under Xvfb with a fresh HOME, checks that its window drew
# (a screenshot that is not one flat colour), that it created its data in the
# per-user directory (~/.config/yizhan/station) and its log, and that the
# station CLI works; then removes the package again. Run as root.
#
#   scripts/check-deb.sh [DEB...]        default: the .debs of dist/VERSION
#
# Screenshots are kept as dist/check-deb-<package version>.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

debs=("$@")
if ((${#debs[@]} == 0)); then
	debver="$(sed 's/-dev/~dev/; s/-/+/g' dist/VERSION 2>/dev/null || true)"
	mapfile -t debs < <(ls dist/yizhan_"${debver}"_amd64.deb dist/yizhan_"${debver}"+webkit41_amd64.deb 2>/dev/null)
fi
((${#debs[@]})) || { echo "check-deb: no dist/yizhan_*_amd64.deb; run make package-deb" >&2; exit 1; }
[[ $EUID -eq 0 ]] || { echo "check-deb: run as root (it installs the package)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }

for deb in "${debs[@]}"; do
	deb="$(realpath "$deb")"
	ver="$(dpkg-deb --field "$deb" Version)"
	echo "==> $deb ($ver)"
	start=$SECONDS
	if dpkg-query -W -f='${Status}' yizhan 2>/dev/null | grep -q 'install ok installed'; then
		dpkg -r yizhan >/dev/null
	fi
	if ! apt-get install -y -q --no-install-recommends "$deb" >/tmp/check-deb-apt.log 2>&1; then
		# Without package lists apt cannot resolve; dpkg then apt -f is the fallback.
		dpkg -i "$deb" || apt-get install -f -y -q --no-install-recommends
	fi
	dpkg-query -W -f='${Status} ${Version}\n' yizhan | grep -q "install ok installed $ver" || fail "yizhan $ver is not installed"
	for f in /usr/bin/yizhan /usr/bin/yizhan-station /usr/share/applications/yizhan.desktop \
		/usr/share/icons/hicolor/{48x48,128x128,256x256,512x512}/apps/yizhan.png; do
		[[ -e "$f" ]] || fail "$f missing"
	done
	echo "installed in $((SECONDS - start))s"

	out="$(/usr/bin/yizhan-station validate id 11010519491231002X)"
	echo "yizhan-station: $out"
	[[ "$out" == *"valid id"* ]] || fail "yizhan-station validate id"

	home="$(mktemp -d)"
	shot="dist/check-deb-${ver//[^A-Za-z0-9.+~-]/_}.png"
	# The app's default data directory, as on a clerk's PC: ~/.config/yizhan/station.
	HOME="$home" XDG_CONFIG_HOME="" SCREENSHOT_DEFAULT_DIR=1 APP=/usr/bin/yizhan UNTIL_DRAWN=1 WAIT="${WAIT:-90}" \
		scripts/screenshot-app.sh "$shot"
	sd="$(convert "$shot" -format '%[fx:standard_deviation]' info:)"
	echo "screenshot $shot: standard deviation $sd"
	awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the screenshot is one flat colour: no window drew (see $shot.log)"
	data="$home/.config/yizhan/station"
	[[ -f "$data/station.db" ]] || fail "no database in the per-user data directory $data"
	grep -q '"msg":"station open"' "$data/logs/yizhan.log" || fail "the app's log does not say the station opened: $(cat "$data/logs/yizhan.log" 2>/dev/null)"
	echo "data directory: $(cd "$data" && find . -maxdepth 2 | sort | tr '\n' ' ')"
	rm -rf "$home"

	dpkg -r yizhan >/dev/null
	echo "ok: $deb ($((SECONDS - start))s)"
done
