#!/usr/bin/env bash
# The README's main job: install what is missing, bring the embedded stack up, run the demo.
# On a first run the Temporal build is the longest piece, so everything that does not need
# Temporal gets ready beside it: Debian's daemons, node_modules and the CLI, the rest of the
# stack and the demo's base images.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sluice() { node bin/sluice.js "$@"; }

# Its own process group (set -m), so an early failure or Ctrl-C stops the whole build with it.
set -m
bash scripts/bootstrap.sh demo --only temporal &
temporal_build=$!
set +m
trap 'kill -- -"$temporal_build" 2>/dev/null || true' EXIT
bash scripts/bootstrap.sh demo --only apt,node
sluice dev up --only dockerd,registry,prometheus,alertmanager,haproxy
sluice demo --prepare
wait "$temporal_build"
sluice dev up
sluice demo "$@"
