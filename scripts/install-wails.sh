#!/usr/bin/env bash
# Builds the Wails CLI into bin/wails from the pinned wrapper module in
# tools/wails (see tools/wails/tools.go for why a wrapper is needed on Go 1.26).
#
# It rebuilds only when bin/wails is missing or stale: the stamp file records a
# hash of tools/wails/go.mod, go.sum and the Go version the CLI was built with.
# Pass --force to rebuild anyway.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/bin/wails"
stamp="$root/bin/.wails.stamp"
mod="$root/tools/wails"

want="$(cat "$mod/go.mod" "$mod/go.sum" <(go version) | sha256sum | cut -d' ' -f1)"

if [[ "${1:-}" != "--force" && -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	echo "install-wails: $bin is up to date ($("$bin" version 2>/dev/null | head -n1))"
	exit 0
fi

echo "install-wails: building Wails CLI from tools/wails into bin/wails"
mkdir -p "$root/bin"
start=$SECONDS
(cd "$mod" && go build -trimpath -o "$bin.tmp" github.com/wailsapp/wails/v2/cmd/wails)
mv "$bin.tmp" "$bin"
echo "$want" >"$stamp"
echo "install-wails: built $("$bin" version | head -n1) in $((SECONDS - start))s"
