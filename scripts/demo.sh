#!/usr/bin/env bash
# The README's main job: install what is missing, bring the embedded stack up, run the demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh demo
node bin/sluice.js dev up
node bin/sluice.js demo "$@"
