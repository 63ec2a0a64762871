#!/usr/bin/env bash
# Vendor pinned front-end assets (KERN UX CSS + fonts, htmx) into static/vendor/.
# Uses `npm pack` only (npm registry); no CDN, no other network access.
# Refresh with: make vendor   (or: bash scripts/vendor_assets.sh)
set -euo pipefail

KERN_VERSION="2.7.2"
HTMX_VERSION="2.0.11"   # newest 2.0.x at time of pinning

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "==> npm pack @kern-ux/native@$KERN_VERSION htmx.org@$HTMX_VERSION"
(cd "$TMP" && npm pack --silent "@kern-ux/native@$KERN_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null)
mkdir -p "$TMP/kern" "$TMP/htmx"
tar -xzf "$TMP/kern-ux-native-$KERN_VERSION.tgz" -C "$TMP/kern"
tar -xzf "$TMP/htmx.org-$HTMX_VERSION.tgz" -C "$TMP/htmx"
KPKG="$TMP/kern/package"
HPKG="$TMP/htmx/package"

# ---------------------------------------------------------------- KERN
K="$VENDOR/kern"
rm -rf "$K"
mkdir -p "$K/fonts/fira-sans" "$K/fonts/noto-sans" "$K/js"
# kern.min.css already contains the grid (kern-container/row/col) and utilities.
cp "$KPKG/dist/kern.min.css" "$K/kern.min.css"
cp "$KPKG/dist/fonts/fira-sans.css" "$KPKG/dist/fonts/noto-sans.css" "$K/fonts/"
# Copy only the font files the @font-face rules actually reference.
for css in fira-sans noto-sans; do
  grep -oE 'url\([^)]*\)' "$KPKG/dist/fonts/$css.css" \
    | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u \
    | while read -r rel; do cp "$KPKG/dist/fonts/${rel#./}" "$K/fonts/${rel#./}"; done
done
cp "$KPKG/dist/js/kern-kopfzeile.js" "$K/js/kern-kopfzeile.js"
cp "$KPKG/LICENSE.md" "$K/LICENSE.md"
echo "$KERN_VERSION" > "$K/VERSION"

# ---------------------------------------------------------------- htmx
H="$VENDOR/htmx"
rm -rf "$H"
mkdir -p "$H"
cp "$HPKG/dist/htmx.min.js" "$H/htmx.min.js"
cp "$HPKG/LICENSE" "$H/LICENSE"
echo "$HTMX_VERSION" > "$H/VERSION"

# ---------------------------------------------------------------- checks
# 1. No external origin in any vendored CSS/JS. data: URIs are stripped first:
#    the only http:// inside them is the SVG xmlns namespace identifier, which is
#    never fetched. Any real http(s):// or protocol-relative //host URL fails.
fail=0
while IFS= read -r -d '' f; do
  hits="$(sed -E 's#url\("data:[^"]*"\)##g; s#url\(data:[^)]*\)##g; s#xmlns(:[a-z]+)?=["\x27]http://www\.w3\.org/[^"\x27]*["\x27]##g' "$f" \
          | grep -oE '(https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^"'\'' )]*' | grep -vE '^//' || true)"
  # protocol-relative url(//host/...) / @import "//host"
  hits2="$(grep -oE '(url\(|@import)\s*["'\'']?//[^)"'\'' ]+' "$f" || true)"
  if [[ -n "$hits$hits2" ]]; then
    echo "ERROR: external origin in $f:"; echo "$hits$hits2" | sort -u | head; fail=1
  fi
done < <(find "$VENDOR" -type f \( -name '*.css' -o -name '*.js' \) -print0)
grep -l '@import' "$K"/kern.min.css "$K"/fonts/*.css && { echo "ERROR: @import in vendored CSS"; fail=1; } || true

# 2. Every non-data url(...) in vendored CSS must resolve to an existing file.
while IFS= read -r -d '' css; do
  dir="$(dirname "$css")"
  while read -r ref; do
    [[ -z "$ref" || "$ref" == data:* || "$ref" == \#* ]] && continue
    path="${ref%%[?#]*}"
    if [[ ! -f "$dir/$path" ]]; then
      echo "ERROR: $css references missing file: $ref"; fail=1
    fi
  done < <(grep -oE 'url\([^)]*\)' "$css" | sed -E 's/^url\(\s*["'\'']?//; s/["'\'']?\s*\)$//' | sort -u)
done < <(find "$VENDOR" -type f -name '*.css' -print0)

if [[ $fail -ne 0 ]]; then echo "vendor check FAILED"; exit 1; fi
echo "==> vendored into $VENDOR (checks passed)"
find "$VENDOR" -type f ! -name README.md | sort | sed "s#^$ROOT/##"

# TrueType copies of the PDF fonts (WeasyPrint would otherwise unpack WOFF2 per render).
mkdir -p static/fonts
.venv/bin/python - <<'PY'
from fontTools.ttLib import TTFont
for face in ("Regular", "Italic", "SemiBold", "Bold"):
    font = TTFont(f"static/vendor/kern/fonts/fira-sans/FiraSans-{face}.woff2")
    font.flavor = None
    font.save(f"static/fonts/FiraSans-{face}.ttf")
PY
echo "PDF fonts written to static/fonts/"
