#!/usr/bin/env bash
# Runs every test: unit tests, the HTTP contract on a real Tomcat, and the real-client suites
# (lxc, incus, the LXD and Incus daemons, nginx as TLS proxy). Installs what they need first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
mvn -B -ntp verify
