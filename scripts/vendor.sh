#!/usr/bin/env bash
# Copy the built front-end files Beacon serves from the npm packages pinned in package.json /
# package-lock.json into src/beacon/static/vendor (committed, so running Beacon needs no npm).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@uswds/uswds ] || npm ci --no-audit --no-fund
out=src/beacon/static/vendor
rm -rf "$out" && mkdir -p "$out/uswds/css" "$out/uswds/js" "$out/htmx" "$out/cytoscape"
src=node_modules/@uswds/uswds/dist
cp "$src/css/uswds.min.css" "$out/uswds/css/"
cp "$src/js/uswds.min.js" "$src/js/uswds-init.min.js" "$out/uswds/js/"
# Only the fonts and images the stylesheet references.
grep -o 'url([^)]*)' "$src/css/uswds.min.css" | sed 's/^url(//; s/)$//; s/"//g' | grep -v "^data:" | grep -v "^$" | sed 's#^\.\./##' | sort -u |
  while read -r rel; do mkdir -p "$out/uswds/$(dirname "$rel")"; cp "$src/$rel" "$out/uswds/$rel"; done
mkdir -p "$out/uswds/img" && cp "$src/img/sprite.svg" "$src/img/us_flag_small.png" "$src/img/icon-dot-gov.svg" "$src/img/icon-https.svg" "$out/uswds/img/"
cp node_modules/@uswds/uswds/LICENSE.md "$out/uswds/LICENSE.md"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/" && cp node_modules/htmx.org/LICENSE "$out/htmx/LICENSE"
cp node_modules/cytoscape/dist/cytoscape.min.js "$out/cytoscape/" && cp node_modules/cytoscape/LICENSE "$out/cytoscape/LICENSE"
# The packages' source maps are not vendored, so drop the comments that point at them: a
# reference to a missing file makes `collectstatic` with the manifest storage (production) fail.
find "$out" \( -name '*.css' -o -name '*.js' \) -exec sed -i -E '/^[[:space:]]*(\/\*|\/\/)# sourceMappingURL=/d' {} +
if grep -rl 'sourceMappingURL=' "$out"; then echo "a vendored file still refers to a source map" >&2; exit 1; fi
{
  echo "# Vendored front-end files"
  echo
  echo "Copied by scripts/vendor.sh from the npm registry packages pinned in package-lock.json:"
  echo
  for p in @uswds/uswds htmx.org cytoscape; do
    echo "- $p $(node -p "require('./node_modules/$p/package.json').version") ($(node -p "require('./node_modules/$p/package.json').license"))"
  done
} > "$out/SOURCES.md"
# The certificate PDF's font (reportlab embeds TrueType): Noto Sans, full Latin incl. Spanish and Vietnamese (OFL).
fonts=src/beacon/training/fonts
mkdir -p "$fonts"
cp node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf "$fonts/NotoSans-Regular.ttf"
cp node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf "$fonts/NotoSans-Bold.ttf"
cp node_modules/@expo-google-fonts/noto-sans/LICENSE_FONT "$fonts/OFL.txt"
echo "- @expo-google-fonts/noto-sans $(node -p "require('./node_modules/@expo-google-fonts/noto-sans/package.json').version") (fonts: SIL OFL 1.1), copied to $fonts for the certificate PDF" > "$fonts/SOURCES.md"
# axe-core is for the browser tests only (tests/browser/axe.py injects it): never served on a page.
testvendor=tests/browser/vendor
rm -rf "$testvendor/axe-core" && mkdir -p "$testvendor/axe-core"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$testvendor/axe-core/"
echo "- axe-core $(node -p "require('./node_modules/axe-core/package.json').version") ($(node -p "require('./node_modules/axe-core/package.json').license")), copied to $testvendor/axe-core for the browser tests" > "$testvendor/SOURCES.md"
echo "vendored into $out: $(du -sh "$out" | cut -f1); axe-core into $testvendor"
