#!/usr/bin/env bash
# Draws build/appicon.png (1024x1024): a blue rounded square with a white 驿.
# Wails derives the Windows .ico and the Linux icon from it. Needs ImageMagick
# and a CJK font (fonts-noto-cjk; scripts/setup.sh installs both). The PNG is
# committed, so this only runs when the design changes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/appicon.png}"
font="${ICON_FONT:-Noto-Sans-CJK-SC-Bold}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Blue diagonal gradient, clipped to a rounded square with a margin.
convert -size 1024x1024 gradient:'#2b6fcf-#123f7a' -distort SRT 45 "$tmp/fill.png"
convert -size 1024x1024 xc:none -fill white -draw 'roundrectangle 48,48 975,975 200,200' "$tmp/mask.png"
convert "$tmp/fill.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite "$tmp/square.png"

# The glyph, centred optically (Noto CJK glyphs sit low in their em box).
convert "$tmp/square.png" -font "$font" -pointsize 580 -fill white -gravity center \
	-annotate +0-40 '驿' -depth 8 -strip "$out"
echo "make-icon: wrote $out"
