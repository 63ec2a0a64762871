#!/usr/bin/env bash
# Extract messages, merge the per-app German tables locale/de_*.json, compile.
# Safe to run concurrently (serialised with flock). Needs gettext.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/paktwerk-i18n.lock
flock 9
PY=.venv/bin/python
# Start from empty catalogues: the per-app JSON tables are the source of truth,
# and msgmerge's fuzzy guesses must never reach the compiled catalogue.
rm -f locale/de/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
$PY manage.py makemessages -l de -l en --no-obsolete --ignore '.venv/*' --ignore 'static/vendor/*' \
  --ignore 'tests/*' --ignore 'bench/*' -v0
for f in locale/de_*.json; do
  [ -e "$f" ] && $PY scripts/po_fill.py locale/de/LC_MESSAGES/django.po "$f" >/dev/null
done
# German source strings (e.g. funding's service messages) get English from locale/en_*.json.
for f in locale/en_*.json; do
  [ -e "$f" ] && $PY scripts/po_fill.py locale/en/LC_MESSAGES/django.po "$f" >/dev/null
done
$PY manage.py compilemessages --ignore '.venv/*' -v0
echo "translations updated"
