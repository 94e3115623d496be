#!/usr/bin/env bash
# Copies the image files of a filesystem data root (SIMPLESTREAMS_DIR) into the bucket the replicas share,
# configured exactly as for the server (STORAGE=s3, S3_* and the standard AWS credentials). Every file is
# read back from the bucket and its sha256 compared; files already there are verified, never overwritten,
# so running it again resumes an interrupted copy. Exits 1 if any file failed (each is listed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
mvn -q -B package -DskipTests
exec java -cp "target/ROOT/WEB-INF/classes:target/ROOT/WEB-INF/lib/*" dev.simplestreams.store.Migration
