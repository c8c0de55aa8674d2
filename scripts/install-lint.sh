#!/usr/bin/env bash
# Builds the pinned Go linters into bin/ (bin/staticcheck, bin/errcheck) from
# the wrapper module in tools/lint, whose go.mod pins their versions; `make
# lint` runs them with go vet.
#
# It rebuilds only when a binary is missing or stale: the stamp file records a
# hash of tools/lint/go.mod, go.sum and the Go version they were built with
# (a linter built by an older Go cannot read code for a newer one). Pass
# --force to rebuild anyway.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/bin/.lint.stamp"
mod="$root/tools/lint"
tools=(staticcheck:honnef.co/go/tools/cmd/staticcheck errcheck:github.com/kisielk/errcheck)

want="$(cat "$mod/go.mod" "$mod/go.sum" <(go version) | sha256sum | cut -d' ' -f1)"

fresh=1
for t in "${tools[@]}"; do
	[[ -x "$root/bin/${t%%:*}" ]] || fresh=0
done
if [[ "${1:-}" != "--force" && $fresh == 1 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	echo "install-lint: bin/staticcheck and bin/errcheck are up to date"
	exit 0
fi

mkdir -p "$root/bin"
start=$SECONDS
for t in "${tools[@]}"; do
	name="${t%%:*}" pkg="${t#*:}"
	echo "install-lint: building $name from tools/lint into bin/$name"
	(cd "$mod" && go build -trimpath -o "$root/bin/$name.tmp" "$pkg")
	mv "$root/bin/$name.tmp" "$root/bin/$name"
done
echo "$want" >"$stamp"
echo "install-lint: built $("$root/bin/staticcheck" -version) and errcheck in $((SECONDS - start))s"
