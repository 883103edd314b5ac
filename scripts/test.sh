#!/usr/bin/env bash
# The one test command (README, CI): installs what is missing, brings the embedded stack up,
# runs every test file with node's test runner against it, and stops what it started.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bash scripts/bootstrap.sh test
# Import directions, cycles and lint rules first: a violation fails in seconds, before the stack starts.
npm run -s lint
# Formatting (Prettier, .prettierrc). SLUICE_SKIP_FORMAT_CHECK=1 skips it for a local run on a tree
# that is not formatted yet; CI leaves it on.
if [ "${SLUICE_SKIP_FORMAT_CHECK:-}" != 1 ]; then
  npm run -s format:check
fi

sluice() { node bin/sluice.js "$@"; }
up_report=$(mktemp)
up_flags=(--output json)
# Kubernetes with its real kubelet nodes (docs/kubernetes.md), so the real-pod tests run too;
# SLUICE_KUBE_NODES=0 runs the control plane with kwok's nodes only.
[ "${SLUICE_SKIP_KUBERNETES:-}" = 1 ] || up_flags+=(--kubernetes --kube-nodes "${SLUICE_KUBE_NODES:-3}")
# SLUICE_TEST_TEMPORAL=cluster runs the suite against the Temporal cluster (docs/temporal-cluster.md:
# separate services on PostgreSQL, mTLS) instead of the dev server, with every payload encrypted by
# a key made for this run. Unset, the suite uses whichever Temporal the stack already runs (the dev
# server on a fresh machine). Switching a running stack between the two: sluice dev down first.
temporal_mode=${SLUICE_TEST_TEMPORAL:-}
case "$temporal_mode" in '' | dev | cluster) ;; *) echo "SLUICE_TEST_TEMPORAL must be dev or cluster, not $temporal_mode" >&2; exit 2 ;; esac
[ -z "$temporal_mode" ] || up_flags+=(--temporal "$temporal_mode")
codec_dir=
codec_pid=
# What this run made for itself: the up report, and in cluster mode its codec key, token and server.
clean_up_run() {
  [ -z "$codec_pid" ] || kill "$codec_pid" 2>/dev/null || true
  [ -z "$codec_dir" ] || rm -rf "$codec_dir"
  rm -f "$up_report"
}
trap clean_up_run EXIT
if [ "$temporal_mode" = cluster ]; then
  codec_dir=$(mktemp -d)
  sluice codec keygen --file "$codec_dir/keys.json" >/dev/null
  export SLUICE_CODEC_KEYS_FILE="$codec_dir/keys.json"
  # The Web UI decodes through a codec server, set up as docs/encryption.md tells people to; the
  # UI tests sign their browser in there with this run's token (test/helpers/chromium.ts).
  # A UI the stack already runs keeps its own codec settings (docs/encryption.md).
  codec_port=${SLUICE_TEST_CODEC_PORT:-18089}
  (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' >"$codec_dir/token")
  # Not through the sluice() function: $! must be the server's own pid, for clean_up_run to stop it.
  node bin/sluice.js codec server --listen "127.0.0.1:$codec_port" --token-file "$codec_dir/token" --keys-file "$SLUICE_CODEC_KEYS_FILE" \
    --origin "http://127.0.0.1:${SLUICE_TEMPORAL_UI_PORT:-8233}" >"$codec_dir/codec-server.log" 2>&1 &
  codec_pid=$!
  for _ in $(seq 100); do grep -q 'codec server listening' "$codec_dir/codec-server.log" && break; sleep 0.2; done
  grep -q 'codec server listening' "$codec_dir/codec-server.log" || { echo "the suite's codec server did not start:" >&2; cat "$codec_dir/codec-server.log" >&2; exit 1; }
  export SLUICE_UI_CODEC_ENDPOINT="http://127.0.0.1:$codec_port"
  export SLUICE_TEST_CODEC_TOKEN_FILE="$codec_dir/token"
fi
sluice dev up "${up_flags[@]}" | tee "$up_report"
# Only what this run started is stopped afterwards; a developer's running stack is left alone.
started=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(Object.keys(r).filter(k=>r[k]==="started").join(","))' "$up_report")
stop_stack() {
  if [ -n "$started" ]; then sluice dev down --only "$started" || true; fi
  clean_up_run
}
trap stop_stack EXIT

mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [ -n "${SLUICE_TEST_FILTER:-}" ]; then
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E "$SLUICE_TEST_FILTER")
fi
[ ${#files[@]} -gt 0 ] || { echo "no test files found under dist/test" >&2; exit 1; }
mkdir -p test-artifacts
# Compile the example service's packages once, with the flags every test build uses: the files
# that start first each build it, and on a cold Go cache four compiles side by side took both
# cores for a minute and starved the timing-sensitive analysis tests beside them (CI run on a
# fresh machine). Later builds only link.
(cd examples/go-service && CGO_ENABLED=0 go build -trimpath -o /dev/null .)
# Most tests wait on timers and daemons rather than the CPU, so run files side by side.
node --test --test-concurrency="${SLUICE_TEST_CONCURRENCY:-4}" --test-timeout=900000 "${files[@]}"
