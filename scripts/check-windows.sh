#!/usr/bin/env bash
# Checks the Windows artifacts in dist/ (scripts/package.sh windows):
#  1. PE headers and resources (internal/distcheck): yizhan.exe is amd64 with
#     the GUI subsystem, its icon, version and manifest resources and the
#     embedded version; station.exe is an amd64 console program; the
#     installer is an NSIS PE with its own version and icon.
#  2. Under Wine (Debian's wine64, when installed): the cross-built station
#     CLI validates an ID number, creates a station database through the
#     mingw-built SQLite, opens a case and writes a diagnostics zip.
#     The GUI app and the installer are not run: the app needs Microsoft's
#     WebView2, which Wine lacks, and the NSIS installer is a 32-bit program
#     that a wine64-only install cannot start.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
version="$(cat dist/VERSION)"

echo "==> PE checks (internal/distcheck)"
YIZHAN_DIST="$root/dist" YIZHAN_VERSION="$version" go test -count=1 -v -run 'Windows' ./internal/distcheck 2>&1 |
	grep -E '^(=== RUN|--- |ok|FAIL|PASS)|_test.go' || true
YIZHAN_DIST="$root/dist" YIZHAN_VERSION="$version" go test -count=1 -run 'Windows' ./internal/distcheck >/dev/null

wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do
	if command -v "$w" >/dev/null 2>&1; then
		wine="$(command -v "$w")"
		break
	fi
done
if [[ -z "$wine" ]]; then
	echo "check-windows: Wine is not installed (SETUP_PACKAGING=1 scripts/setup.sh installs wine64); skipping the Wine run"
	exit 0
fi

echo "==> station.exe under Wine ($wine)"
start=$SECONDS
prefix="$(mktemp -d)"
wineserver="$(command -v wineserver || echo /usr/lib/wine/wineserver)"
trap 'WINEPREFIX="$prefix" "$wineserver" -k 2>/dev/null; sleep 1; rm -rf "$prefix"' EXIT
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=""
"$wine" wineboot --init >/dev/null 2>&1 || true
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$prefix/drive_c/windows/system32/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
cli="$(ls dist/station-*-windows-amd64.exe)"
st() { "$wine" "$cli" --dir 'C:\yizhan' --user head --password head-secret-1 "$@"; }

out="$(st validate id 11010519491231002X | tr -d '\r')"
echo "validate id: $out"
[[ "$out" == "valid id: 11010519491231002X"* ]] || { echo "check-windows: FAIL: validate id" >&2; exit 1; }
st init --code 370112001 --name 示例镇便民服务中心 --admin head --admin-name 王站长 --admin-password head-secret-1 >/dev/null
st catalog import "Z:${root//\//\\}\\app\\testdata\\township-sample.json" >/dev/null
num="$(st --json case open --item 370112-RS-001-01-S --name 张三 --id 11010519491231002X --phone 13812345678 \
	--material M1=paper --material M2=paper --material M3=paper | tr -d '\r' | sed -n 's/.*"number": "\([^"]*\)".*/\1/p' | head -n1)"
echo "case opened under Wine: $num"
[[ -n "$num" ]] || { echo "check-windows: FAIL: case open" >&2; exit 1; }
st case accept "$num" >/dev/null
st diagnostics 'C:\diag.zip' | tr -d '\r' | head -n2
[[ -s "$prefix/drive_c/diag.zip" && -f "$prefix/drive_c/yizhan/station.db" ]] || { echo "check-windows: FAIL: no database or diagnostics zip" >&2; exit 1; }
echo "ok: station.exe under Wine ($((SECONDS - start))s)"
