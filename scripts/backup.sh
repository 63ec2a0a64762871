#!/usr/bin/env bash
# Back up Paktwerk: the PostgreSQL database (pg_dump custom format) and the media
# files (tar), with SHA-256 checksums. Usage: scripts/backup.sh TARGET_DIR
# Reads DATABASE_URL and MEDIA_ROOT from the environment (as the services do).
# With MEDIA_STORAGE=s3 the media live in the bucket: back it up with the
# provider's versioning/replication instead (docs/operations.md).
set -euo pipefail
target="${1:?usage: scripts/backup.sh TARGET_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh supports PostgreSQL only" >&2; exit 2;; esac
mkdir -p "$target"
tmp="$(mktemp -d "$target/.partial-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file "$tmp/db.dump" "$DATABASE_URL"
if [ "${MEDIA_STORAGE:-filesystem}" = filesystem ] && [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$tmp/media.tar.gz" .
else
  tar -czf "$tmp/media.tar.gz" --files-from /dev/null
fi
(cd "$tmp" && sha256sum db.dump media.tar.gz > SHA256SUMS)
# publish the finished backup atomically: a crash never leaves a half backup behind
for f in db.dump media.tar.gz SHA256SUMS; do mv "$tmp/$f" "$target/$f"; done
echo "backup written to $target"
