#!/usr/bin/env bash
# Installs everything Sluice and its embedded stack need, on a fresh Debian machine or again on a
# warm one. Every step checks before it acts, and long builds are cached outside the repository
# keyed by version, so a second run takes seconds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}
temporal_version=v1.5.1
# containerd and runc come with docker.io, but the real Kubernetes nodes run them directly (one
# containerd per node), so they are named here rather than left to docker.io's dependencies.
apt_packages=(docker.io containerd runc docker-registry prometheus prometheus-alertmanager haproxy supervisor git ca-certificates openssl)
# Browser tests drive Debian's Chromium (no browser download is possible here).
[ "${SLUICE_SKIP_BROWSER:-}" = 1 ] || apt_packages+=(chromium)

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: FAILED: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install the packages by hand or run as root)"; fi
}

# --- Debian packages -------------------------------------------------------------------------
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  # Sluice starts its own supervisord per state dir (src/lib/supervisord-instance.ts) and never
  # uses Debian's system service: one the package just started is stopped and disabled.
  if [[ " ${missing[*]} " == *" supervisor "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet supervisor 2>/dev/null; then
    as_root systemctl disable --now supervisor >/dev/null 2>&1 || say "could not stop Debian's supervisor service (harmless: Sluice uses its own)"
  fi
fi
for bin in dockerd containerd ctr runc docker-registry prometheus promtool prometheus-alertmanager haproxy supervisord supervisorctl; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$bin" >/dev/null || die "$bin not found after installing Debian packages"
done

# --- Toolchains ------------------------------------------------------------------------------
command -v go >/dev/null || die "Go is not installed (need Go >= 1.22 on PATH)"
command -v node >/dev/null || die "Node.js is not installed (need Node >= 20)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $(node --version) is too old (need >= 20)"

# --- Temporal dev server, built from the Go module proxy --------------------------------------
temporal_bin="$cache/temporal-$temporal_version/temporal"
if [ ! -x "$temporal_bin" ]; then
  say "building the Temporal CLI $temporal_version (first run only, a few minutes)"
  staging=$(mktemp -d "$cache.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$cache"; mktemp -d "$cache/tmp.XXXXXX"; })
  (cd "$staging" && GOBIN="$staging/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$temporal_version") \
    || die "go install github.com/temporalio/cli/cmd/temporal@$temporal_version failed"
  mkdir -p "$(dirname "$temporal_bin")"
  mv "$staging/bin/temporal" "$temporal_bin"
  rm -rf "$staging"
fi
say "temporal: $("$temporal_bin" --version | head -1)"

# --- Local Kubernetes control plane (etcd, kube-*, kwok), built from the Go module proxy ------
# Skipped with SLUICE_SKIP_KUBERNETES=1; the Kubernetes tests then report themselves skipped.
if [ "${SLUICE_SKIP_KUBERNETES:-}" != 1 ]; then
  bash "$repo/scripts/bootstrap-kubernetes.sh" || die "building the Kubernetes control plane failed"
fi

# --- Node dependencies and the compiled CLI --------------------------------------------------
lock_hash=$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)
stamp="$repo/node_modules/.sluice-lock-$lock_hash"
if [ ! -f "$stamp" ]; then
  say "npm ci"
  (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  touch "$stamp"
fi
say "compiling TypeScript"
# A clean dist/: a test file deleted from test/ must not keep running from an old build.
rm -rf "$repo/dist"
(cd "$repo" && npx tsc -p tsconfig.json) || die "TypeScript compilation failed (see the errors above)"
say "ready"
