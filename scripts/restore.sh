#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media
# directory. Usage: scripts/restore.sh BACKUP_DIR
# Stop web, workers and scheduler first; create the empty database
# (createdb) and then run this; afterwards `manage.py migrate` (no-op if the
# code matches) and start the services.
set -euo pipefail
source_dir="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$source_dir/db.dump"
if [ "${MEDIA_STORAGE:-filesystem}" = filesystem ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$source_dir/media.tar.gz"
fi
echo "restored from $source_dir"
