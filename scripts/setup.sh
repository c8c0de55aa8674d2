#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) to build and test Yizhan: system
# packages, the pinned Wails CLI (bin/wails), the pinned Go linters
# (bin/staticcheck, bin/errcheck) and the frontend's node_modules.
# Idempotent: packages already installed are not fetched again, the CLI is
# rebuilt only when stale, and npm ci runs only when package-lock.json changed.
# Set SETUP_FORCE_NPM=1 to run npm ci anyway.
#
# SETUP_PACKAGING=1 also installs what `make package` / `make package-check`
# need (~250 MB, about a minute): the mingw-w64 cross compiler (Windows build
# with CGO for SQLite), nsis (the Windows installer), wine64 (runs the Windows
# station CLI in CI), dpkg-dev (dpkg-shlibdeps for the .deb's Depends) and
# libwebkit2gtk-4.1-dev (the second .deb, for distributions with 4.1 only).
# `make test` sets it: CI builds and checks every artifact.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# build-essential, pkg-config, GTK and WebKitGTK: cgo build of the Wails app.
# xvfb, xauth, xdotool, imagemagick: run the real window headless, drive it,
#   take screenshots. chromium: browser tests (never a downloaded browser).
# fonts-noto-cjk: Chinese text in the UI, the screenshots and the app icon.
# postgresql: the hall server's tests.
packages=(
	build-essential pkg-config
	libgtk-3-dev libwebkit2gtk-4.0-dev
	xvfb xauth xdotool imagemagick chromium
	fonts-noto-cjk
	postgresql
)
if [[ "${SETUP_PACKAGING:-}" == 1 ]]; then
	packages+=(gcc-mingw-w64-x86-64 nsis wine64 dpkg-dev libwebkit2gtk-4.1-dev)
fi

step() { printf '\n==> %s\n' "$*"; }
start=$SECONDS

step "system packages"
missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} == 0)); then
	echo "all ${#packages[@]} packages already installed"
else
	if [[ $EUID -ne 0 ]]; then
		echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt_start=$SECONDS
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	echo "apt took $((SECONDS - apt_start))s"
fi

step "tool versions"
go version
echo "node $(node --version), npm $(npm --version)"

step "Wails CLI (bin/wails)"
scripts/install-wails.sh

step "Go linters (bin/staticcheck, bin/errcheck)"
scripts/install-lint.sh

step "frontend dependencies (npm ci)"
stamp=frontend/node_modules/.setup-lock.sha256
want="$(sha256sum frontend/package-lock.json | cut -d' ' -f1)"
if [[ "${SETUP_FORCE_NPM:-}" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	echo "node_modules matches package-lock.json; skipping npm ci"
else
	npm_start=$SECONDS
	(cd frontend && npm ci --no-audit --no-fund)
	echo "$want" >"$stamp"
	echo "npm ci took $((SECONDS - npm_start))s"
fi

step "done in $((SECONDS - start))s"
