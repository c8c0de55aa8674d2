#!/usr/bin/env bash
# Builds Yizhan's release artifacts into dist/ (gitignored):
#
#   scripts/package.sh [windows] [deb] [hall]      (no argument: all three)
#
#   windows  dist/yizhan-VERSION-windows-amd64-setup.exe   NSIS installer (per-user or per-machine, zh/en)
#            dist/yizhan-VERSION-windows-amd64.exe         the app alone (portable)
#            dist/station-VERSION-windows-amd64.exe        the station CLI (also inside the installer)
#            cross-built from Linux: CGO through mingw-w64 for go-sqlite3, makensis from Debian's nsis
#   deb      dist/yizhan_DEBVERSION_amd64.deb              webkit2gtk-4.0: Debian 12, UOS 20, Kylin V10 (older)
#            dist/yizhan_DEBVERSION+webkit41_amd64.deb     webkit2gtk-4.1: Debian 13, Ubuntu 24.04, newer UOS/Kylin
#                                                          (built when libwebkit2gtk-4.1-dev is installed)
#   hall     dist/yizhan-hall-VERSION-linux-amd64          one static binary (CGO SQLite, glibc linked in)
#
# VERSION: $VERSION if set, else the VERSION file if present, else derived from
# wails.json's productVersion and `git describe --tags --always --dirty`
# (a tag vX.Y.Z on HEAD gives X.Y.Z). It is embedded with
# -ldflags "-X yizhan/desktop.Version=..." (app and station CLI) and
# "-X main.Version=..." (hall); the Windows version resource and the
# installer carry wails.json's productVersion (build/windows/info.json).
#
# PACKAGE_FRONTEND=skip packages an existing frontend/dist without rebuilding
# it (the frontend is otherwise rebuilt whenever its sources changed).
#
# Needs (scripts/setup.sh with SETUP_PACKAGING=1): gcc-mingw-w64-x86-64 nsis
# dpkg-dev imagemagick, and the Wails CLI in bin/wails (scripts/install-wails.sh).
set -euo pipefail
umask 022

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED=1
dist="$root/dist"
mkdir -p "$dist" build/bin

targets=("$@")
((${#targets[@]})) || targets=(windows deb hall)

step() { printf '\n==> %s\n' "$*"; }
declare -A took
timed() { # timed NAME CMD...: runs CMD and records its seconds
	local name=$1 s=$SECONDS
	shift
	"$@"
	took[$name]=$((SECONDS - s))
	echo "package: $name took ${took[$name]}s"
}

# --- version -----------------------------------------------------------------
base="$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json | head -n1)"
if [[ -z "${VERSION:-}" && -f VERSION ]]; then
	VERSION="$(tr -d ' \n' <VERSION)"
fi
if [[ -z "${VERSION:-}" ]]; then
	desc="$(git describe --tags --always --dirty 2>/dev/null || echo unknown)"
	if [[ "$desc" =~ ^v[0-9] ]]; then
		VERSION="${desc#v}"
	else
		VERSION="${base}-dev+${desc}"
	fi
fi
export VERSION
# Debian: "-dev" sorts before the release with "~"; other dashes become "+".
debver="$(echo "$VERSION" | sed 's/-dev/~dev/; s/-/+/g')"
echo "package: version $VERSION (deb $debver, Windows resource $base)"
go_ldflags="-X yizhan/desktop.Version=$VERSION"

# --- frontend (once; every wails build below uses -s) ------------------------
# frontend_hash identifies the frontend sources (the station UI and the hall
# console are both built from frontend/).
frontend_hash() {
	find frontend/src frontend/public frontend/index.html frontend/*.html frontend/package-lock.json frontend/vite*.config.* frontend/tsconfig*.json \
		-type f 2>/dev/null | LC_ALL=C sort -u | xargs sha256sum | sha256sum | cut -d' ' -f1
}

# built NAME OUTPUT MAKE-TARGET: runs `make TARGET` unless OUTPUT exists and
# was built from the same sources (stamps live in build/bin: main.go and
# hall/console embed their whole dist directories).
built() {
	local name=$1 output=$2 target=$3 stamp="build/bin/.$1.stamp" want
	want="$(frontend_hash)"
	if [[ -f "$output" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		echo "package: $name is up to date"
		return
	fi
	if [[ "${PACKAGE_FRONTEND:-}" == skip && -f "$output" ]]; then
		echo "package: PACKAGE_FRONTEND=skip: using $output as it is"
		return
	fi
	make --no-print-directory "$target"
	echo "$want" >"$stamp"
}

frontend() { built frontend frontend/dist/index.html frontend-build; }

wails_build() { # wails_build OUTNAME [extra wails flags...]
	local out=$1
	shift
	bin/wails build -s -skipbindings -m -trimpath -nocolour -o "$out" -ldflags "$go_ldflags" "$@"
}

# --- Windows -------------------------------------------------------------------
windows() {
	rm -f "$dist"/yizhan-*-windows-amd64*.exe "$dist"/station-*-windows-amd64.exe
	step "Windows: station CLI (mingw-w64)"
	export CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++
	timed windows-cli env GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "-s -w $go_ldflags" -o build/bin/station.exe ./cmd/station
	step "Windows: app and NSIS installer (wails build -nsis)"
	rm -f build/bin/yizhan-amd64-installer.exe
	timed windows-app wails_build yizhan.exe -platform windows/amd64 -nsis
	unset CC CXX
	cp build/bin/yizhan.exe "$dist/yizhan-$VERSION-windows-amd64.exe"
	cp build/bin/yizhan-amd64-installer.exe "$dist/yizhan-$VERSION-windows-amd64-setup.exe"
	cp build/bin/station.exe "$dist/station-$VERSION-windows-amd64.exe"
}

# --- Linux .deb ----------------------------------------------------------------
# deb_pkg BINARY SUFFIX: stages and builds one .deb around the app BINARY.
deb_pkg() {
	local app=$1 suffix=$2 stage
	stage="$(mktemp -d)"
	chmod 0755 "$stage" # the package's "./" is the system's /
	mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/applications" "$stage/usr/share/doc/yizhan"
	install -m 0755 "$app" "$stage/usr/bin/yizhan"
	install -m 0755 build/bin/yizhan-station "$stage/usr/bin/yizhan-station"
	install -m 0644 build/linux/yizhan.desktop "$stage/usr/share/applications/yizhan.desktop"
	for size in 48 128 256 512; do
		mkdir -p "$stage/usr/share/icons/hicolor/${size}x${size}/apps"
		convert build/appicon.png -resize "${size}x${size}" -strip "png32:$stage/usr/share/icons/hicolor/${size}x${size}/apps/yizhan.png"
	done
	install -m 0644 build/linux/deb/copyright "$stage/usr/share/doc/yizhan/copyright"

	# Depends: what the binaries link against, as Debian names it (libgtk-3-0,
	# libwebkit2gtk-4.0-37 or -4.1-0, libc6 ...), from dpkg-shlibdeps.
	local deps
	deps="$(cd "$stage" && mkdir -p debian && echo "Source: yizhan" >debian/control &&
		dpkg-shlibdeps -O --ignore-missing-info -e usr/bin/yizhan -e usr/bin/yizhan-station 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p')"
	rm -rf "$stage/debian"
	[[ -n "$deps" ]] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; return 1; }
	local size
	size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
	sed -e "s/@VERSION@/$debver$suffix/" -e "s/@DEPENDS@/$deps/" -e "s/@SIZE@/$size/" build/linux/deb/control.in >"$stage/DEBIAN/control"
	local out="$dist/yizhan_${debver}${suffix}_amd64.deb"
	dpkg-deb --root-owner-group -Zxz -z2 --build "$stage" "$out" >/dev/null
	rm -rf "$stage"
	echo "package: $out"
	dpkg-deb --field "$out" Package Version Depends
}

deb() {
	rm -f "$dist"/yizhan_*_amd64.deb "$dist"/check-deb-*
	step "Linux: station CLI"
	timed linux-cli go build -trimpath -ldflags "-s -w $go_ldflags" -o build/bin/yizhan-station ./cmd/station
	step "Linux: app for webkit2gtk-4.0"
	timed linux-app-webkit40 wails_build yizhan-webkit40 -platform linux/amd64
	timed deb-webkit40 deb_pkg build/bin/yizhan-webkit40 ""
	if pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
		step "Linux: app for webkit2gtk-4.1 (-tags webkit2_41)"
		timed linux-app-webkit41 wails_build yizhan-webkit41 -platform linux/amd64 -tags webkit2_41
		timed deb-webkit41 deb_pkg build/bin/yizhan-webkit41 "+webkit41"
	else
		echo "package: libwebkit2gtk-4.1-dev is not installed: the webkit41 .deb is skipped (SETUP_PACKAGING=1 scripts/setup.sh installs it)"
	fi
}

# --- hall ----------------------------------------------------------------------
hall() {
	rm -f "$dist"/yizhan-hall-*-linux-amd64
	step "hall: the console (embedded in the binary)"
	timed console built console hall/console/dist/console.html console
	step "hall: one static binary"
	# netgo/osusergo: no NSS lookups through glibc, so glibc links in
	# statically and the binary runs on any x86-64 Linux (Kylin V10's
	# glibc 2.28 as well as Debian 12's 2.36). SQLite's extension loading
	# (dlopen) is left out.
	timed hall go build -trimpath -tags "netgo,osusergo,sqlite_omit_load_extension" \
		-ldflags "-s -w -X main.Version=$VERSION -linkmode external -extldflags -static" \
		-o "$dist/yizhan-hall-$VERSION-linux-amd64" ./cmd/hall
	"$dist/yizhan-hall-$VERSION-linux-amd64" version
}

needs_wails=0
for t in "${targets[@]}"; do
	case $t in
	windows | deb) needs_wails=1 ;;
	hall) ;;
	*)
		echo "package: unknown target $t (windows, deb, hall)" >&2
		exit 2
		;;
	esac
done
if ((needs_wails)); then
	scripts/install-wails.sh
	timed frontend frontend
fi
for t in "${targets[@]}"; do
	"$t"
done

echo "$VERSION" >"$dist/VERSION"
step "artifacts in dist/"
(cd "$dist" && rm -f SHA256SUMS && ls | grep -v -e '\.png' -e '\.log$' -e '^VERSION$' | xargs -d '\n' sha256sum -- >SHA256SUMS.tmp &&
	mv SHA256SUMS.tmp SHA256SUMS && ls -l --time-style=+ -- *)
for k in "${!took[@]}"; do echo "  $k: ${took[$k]}s"; done | sort
