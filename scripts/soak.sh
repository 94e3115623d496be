#!/usr/bin/env bash
# The reliability suite (src/test/java/dev/simplestreams/reliability) in soak mode, about 25 minutes:
# 25 kill -9 rounds, the hostile corpus, 5 minutes of load, the auth and leak checks, and 10 minutes
# of Jazzer fuzzing (ParsersFuzzSoak). The short version runs in every `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp verify -Dsoak=true -Dtest=ParsersFuzzSoak -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='dev.simplestreams.reliability.*IT' "$@"
