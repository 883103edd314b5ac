#!/usr/bin/env bash
# Installs what Sluice and its embedded stack need for one purpose, on a fresh Debian machine or
# again on a warm one:
#   bash scripts/bootstrap.sh demo   what `npm run demo` uses: Debian's daemons, the Temporal dev
#                                    server, node_modules and the compiled CLI
#   bash scripts/bootstrap.sh test   all of that, plus Chromium, the local Kubernetes build and
#                                    the Temporal cluster (server, schema tool, Web UI server,
#                                    PostgreSQL) (the default)
#   ... --only apt,temporal,temporal-cluster,kubernetes,node,compose-schema   just those pieces
#                                    (what a failure says to retry)
# Independent pieces run side by side, each logging to its own file under $cache/logs, with one
# line when it starts and one with its time when it ends; a failure names the piece, shows the end
# of its log and the command that retries it. Every piece checks before it acts, and long builds
# are cached outside the repository keyed by version, so a second run takes seconds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}
usage() { printf 'usage: bash scripts/bootstrap.sh [demo|test] [--only apt,temporal,temporal-cluster,kubernetes,node,compose-schema]\n' >&2; exit 2; }
purpose=test only=
while [ $# -gt 0 ]; do
  case "$1" in
    demo | test) purpose=$1 ;;
    --only) [ $# -ge 2 ] || usage; only=$2; shift ;;
    *) usage ;;
  esac
  shift
done
for piece in ${only//,/ }; do
  case "$piece" in apt | temporal | temporal-cluster | kubernetes | node | compose-schema) ;; *) printf 'bootstrap: no piece named %s\n' "$piece" >&2; usage ;; esac
done
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
temporal_version=v1.5.1

# What the demo's stack runs (dev up without --kubernetes): dockerd, the registry, Prometheus,
# Alertmanager, HAProxy; supervisor for the process target.
apt_packages=(docker.io docker-registry prometheus prometheus-alertmanager haproxy supervisor git ca-certificates openssl)
if [ "$purpose" = test ]; then
  # containerd and runc come with docker.io, but the real Kubernetes nodes run them directly (one
  # containerd per node), so they are named here rather than left to docker.io's dependencies.
  apt_packages+=(containerd runc)
  # Browser tests drive Debian's Chromium (no browser download is possible here).
  [ "${SLUICE_SKIP_BROWSER:-}" = 1 ] || apt_packages+=(chromium)
  # The completion tests source `sluice completion bash` the way a user's shell does, with the
  # helpers of Debian's bash-completion, and `sluice completion zsh` in zsh.
  apt_packages+=(bash-completion zsh)
  # The Temporal cluster (`dev up --temporal cluster`) keeps its history and visibility there.
  apt_packages+=(postgresql)
fi
with_kubernetes=0
[ "$purpose" = test ] && [ "${SLUICE_SKIP_KUBERNETES:-}" != 1 ] && with_kubernetes=1

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: FAILED: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install the packages by hand or run as root)"; fi
}

# --- Toolchains (checked first: every piece needs one of them) ---------------------------------
command -v go >/dev/null || die "Go is not installed (need Go >= 1.22 on PATH)"
command -v node >/dev/null || die "Node.js is not installed (need Node >= 20)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $(node --version) is too old (need >= 20)"

# --- Pieces ------------------------------------------------------------------------------------
# Each prints nothing on success (its output goes to its log) and fails with a non-zero exit.

missing_packages() {
  local pkg
  for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
  done
}

piece_apt() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Sluice starts its own supervisord per state dir (src/lib/supervisord-instance.ts) and never
  # uses Debian's system service: one the package just started is stopped and disabled.
  if [[ " ${missing[*]} " == *" supervisor "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet supervisor 2>/dev/null; then
    as_root systemctl disable --now supervisor || echo "could not stop Debian's supervisor service (harmless: Sluice uses its own)"
  fi
}

# How the Temporal binaries are built. No debug information: the compiler skips writing DWARF
# (-gcflags=all=-dwarf=false, a tenth of the CPU of a cold Temporal CLI build: 266 against 296
# CPU-seconds here) and the linker skips symbol tables and DWARF (-s -w); the link of these large
# binaries is the build's longest single-threaded step. Stack traces keep their file:line. The
# compiler also collects its garbage less often (GOGC=400: 256 CPU-seconds, at most 1.4 GB per
# compile), since on a first demo these builds are what everything waits for.
go_binary_flags=(-trimpath '-ldflags=-s -w' '-gcflags=all=-dwarf=false')
go_build_gc=400

temporal_bin="$cache/temporal-$temporal_version/temporal"
piece_temporal() {
  mkdir -p "$cache"
  # Not local: the EXIT trap (this piece runs in its own subshell) still needs it.
  staging=$(mktemp -d "$cache/temporal.tmp.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (cd "$staging" && GOGC=$go_build_gc GOBIN="$staging/bin" GOFLAGS=-mod=mod go install "${go_binary_flags[@]}" "github.com/temporalio/cli/cmd/temporal@$temporal_version")
  mkdir -p "$(dirname "$temporal_bin")"
  mv "$staging/bin/temporal" "$temporal_bin"
}

# The Temporal cluster (`sluice dev up --temporal cluster`, docs/temporal-cluster.md): the server
# that runs as separate frontend, history, matching and worker processes, its SQL schema tool (the
# schemas are embedded in it) and the Web UI's server. v1.32.0 is the newest server release the
# machine's Go 1.26.8 builds (later patches need Go 1.26.10); the UI server is the one the CLI above
# embeds.
temporal_server_version=v1.32.0
temporal_ui_version=v2.42.1
temporal_cluster_dir="$cache/temporal-server-$temporal_server_version"
piece_temporal_cluster() {
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/temporal-server.tmp.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (cd "$staging" && GOGC=$go_build_gc GOTOOLCHAIN=local GOBIN="$staging/server" GOFLAGS=-mod=mod go install "${go_binary_flags[@]}" \
    "go.temporal.io/server/cmd/server@$temporal_server_version" "go.temporal.io/server/cmd/tools/sql@$temporal_server_version")
  (cd "$staging" && GOGC=$go_build_gc GOTOOLCHAIN=local GOBIN="$staging/ui" GOFLAGS=-mod=mod go install "${go_binary_flags[@]}" \
    "github.com/temporalio/ui-server/v2/cmd/server@$temporal_ui_version")
  mkdir -p "$staging/out"
  mv "$staging/server/server" "$staging/out/temporal-server"
  mv "$staging/server/sql" "$staging/out/temporal-sql-tool"
  mv "$staging/ui/server" "$staging/out/temporal-ui-server"
  rm -rf "$temporal_cluster_dir"
  mv "$staging/out" "$temporal_cluster_dir"
}

piece_kubernetes() { bash "$repo/scripts/bootstrap-kubernetes.sh"; }

# The Compose specification's JSON schema, as Docker Compose itself validates with it (it ships in
# the compose-go module); the test of docker-compose.yml checks the file against it.
compose_go_version=v2.16.2
compose_schema="$cache/compose-spec-$compose_go_version/compose-spec.json"
piece_compose_schema() {
  local dir
  dir=$(cd "$cache" && go mod download -json "github.com/compose-spec/compose-go/v2@$compose_go_version" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir)')
  mkdir -p "$(dirname "$compose_schema")"
  cp "$dir/schema/compose-spec.json" "$compose_schema.tmp"
  mv "$compose_schema.tmp" "$compose_schema"
}

lock_hash=$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)
npm_stamp="$repo/node_modules/.sluice-lock-$lock_hash"
piece_node() {
  if [ ! -f "$npm_stamp" ]; then
    (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$npm_stamp"
  fi
  # A clean dist/: a test file deleted from test/ must not keep running from an old build.
  rm -rf "$repo/dist"
  (cd "$repo" && npx tsc -p tsconfig.json)
}

# --- Running them side by side ------------------------------------------------------------------
logs="$cache/logs"
mkdir -p "$logs"
names=() pids=() starts=() retries=()

# start <name> <what it does> <retry command> <function>
start() {
  local name=$1 what=$2 retry=$3 fn=$4
  say "$name: $what"
  "$fn" >"$logs/bootstrap-$name.log" 2>&1 &
  names+=("$name") pids+=($!) starts+=("$(date +%s)") retries+=("$retry")
}

# Looked up once: the start line, the retry command and the piece all name the same packages.
mapfile -t missing < <(missing_packages)
if wanted apt && [ ${#missing[@]} -gt 0 ]; then
  start apt "installing ${missing[*]}" "apt-get install ${missing[*]}" piece_apt
fi
if wanted temporal && [ ! -x "$temporal_bin" ]; then
  start temporal "building the Temporal CLI $temporal_version from the Go module proxy (first run only)" \
    "GOFLAGS=-mod=mod go install github.com/temporalio/cli/cmd/temporal@$temporal_version" piece_temporal
fi
if wanted temporal-cluster && [ "$purpose" = test ] && [ "${SLUICE_SKIP_TEMPORAL_CLUSTER:-}" != 1 ] && [ ! -x "$temporal_cluster_dir/temporal-ui-server" ]; then
  start temporal-cluster "building the Temporal server $temporal_server_version, its SQL tool and the Web UI server $temporal_ui_version (first run only)" \
    "GOTOOLCHAIN=local go install go.temporal.io/server/cmd/server@$temporal_server_version go.temporal.io/server/cmd/tools/sql@$temporal_server_version" piece_temporal_cluster
fi
if wanted kubernetes && [ "$with_kubernetes" = 1 ] && ! bash "$repo/scripts/bootstrap-kubernetes.sh" --check >/dev/null 2>&1; then
  start kubernetes "building etcd, the Kubernetes control plane, the kubelet and kwok (first run only)" \
    "bash scripts/bootstrap-kubernetes.sh" piece_kubernetes
fi
if wanted compose-schema && [ "$purpose" = test ] && [ ! -f "$compose_schema" ]; then
  start compose-schema "fetching the Compose specification's schema (compose-go $compose_go_version) from the Go module proxy" \
    "go mod download github.com/compose-spec/compose-go/v2@$compose_go_version" piece_compose_schema
fi
wanted node && start node "$([ -f "$npm_stamp" ] || printf 'npm ci, then ')compiling TypeScript" "npm ci && npx tsc -p tsconfig.json" piece_node

# Reported in the order they end; after a failure the others still finish, so their work is cached
# for the retry.
failed=0
while [ ${#pids[@]} -gt 0 ]; do
  rc=0
  wait -n -p ended "${pids[@]}" || rc=$?
  for i in "${!pids[@]}"; do
    [ "${pids[$i]}" = "$ended" ] || continue
    took=$(($(date +%s) - starts[i]))
    if [ "$rc" = 0 ]; then
      say "${names[$i]}: done in $took s"
    else
      failed=1
      printf 'bootstrap: FAILED: %s (exit %s after %s s); the end of %s:\n' "${names[$i]}" "$rc" "$took" "$logs/bootstrap-${names[$i]}.log" >&2
      tail -n 25 "$logs/bootstrap-${names[$i]}.log" | sed 's/^/  | /' >&2
      printf 'bootstrap: retry it with: bash scripts/bootstrap.sh %s --only %s (it runs: %s)\n' "$purpose" "${names[$i]}" "${retries[$i]}" >&2
    fi
    unset 'pids[i]' 'names[i]' 'starts[i]' 'retries[i]'
  done
done
[ "$failed" = 0 ] || exit 1

if wanted apt; then
  bins=(dockerd docker-registry prometheus promtool prometheus-alertmanager haproxy supervisord supervisorctl)
  [ "$purpose" = test ] && bins+=(containerd ctr runc)
  for bin in "${bins[@]}"; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "$bin" >/dev/null || die "$bin not found after installing Debian packages"
  done
fi
if wanted temporal; then say "temporal: $("$temporal_bin" --version | head -1)"; fi
say "ready for the $purpose${only:+ (only $only)}"
