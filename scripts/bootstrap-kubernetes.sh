#!/usr/bin/env bash
# Builds the local Kubernetes control plane from the Go module proxy: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl and kwok, plus the kubelet of the real nodes. The versions come from the wrapper
# modules under tools/k8s (one source of truth); the binaries are cached outside the repository,
# keyed by version, so a second run takes milliseconds:
#   $cache/kubernetes-v1.33.x/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl}
#   $cache/kubelet-v1.33.x/kubelet   (its own dir: adding it did not force a control-plane rebuild)
#   $cache/etcd-v3.5.x/etcd
#   $cache/kwok-v0.x/kwok
# Each build records its wall time in build-seconds beside the binaries (for the benchmark).
#
# Usage: bash scripts/bootstrap-kubernetes.sh [--check]
#   --check  build nothing; exit 0 when every binary is cached, 1 otherwise.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}
tools="$repo/tools/k8s"

say() { printf 'bootstrap-kubernetes: %s\n' "$*"; }
die() { printf 'bootstrap-kubernetes: FAILED: %s\n' "$*" >&2; exit 1; }

# The version a wrapper module requires, e.g. `required kubernetes k8s.io/kubernetes` -> v1.33.13.
required() { awk -v m="$2" '{ for (i = 1; i < NF; i++) if ($i == m && $(i + 1) ~ /^v[0-9]/) print $(i + 1) }' "$tools/$1/go.mod" | head -1; }

k8s_version=$(required kubernetes k8s.io/kubernetes)
etcd_version=$(required etcd go.etcd.io/etcd/server/v3)
kwok_version=$(required kwok sigs.k8s.io/kwok)
[ -n "$k8s_version" ] && [ -n "$etcd_version" ] && [ -n "$kwok_version" ] || die "could not read versions from $tools/*/go.mod"

k8s_dir="$cache/kubernetes-$k8s_version"
etcd_dir="$cache/etcd-$etcd_version"
kwok_dir="$cache/kwok-$kwok_version"
kubelet_dir="$cache/kubelet-$k8s_version"
k8s_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

all_cached() {
  for b in "${k8s_bins[@]}"; do [ -x "$k8s_dir/$b" ] || return 1; done
  [ -x "$etcd_dir/etcd" ] && [ -x "$kwok_dir/kwok" ] && [ -x "$kubelet_dir/kubelet" ]
}

if [ "${1:-}" = --check ]; then
  all_cached && exit 0
  say "not built yet: run bash scripts/bootstrap-kubernetes.sh"
  exit 1
fi

command -v go >/dev/null || die "Go is not installed (need Go >= 1.26 on PATH for etcd $etcd_version)"
# Never let `go` fetch another toolchain behind our back: a too-old Go is reported, not replaced.
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0

# build <module dir> <dest dir> <ldflags> <package...>: builds into a staging dir next to the cache,
# then renames it into place, so an interrupted build never leaves a half-filled version dir.
build() {
  local module=$1 dest=$2 ldflags=$3
  shift 3
  mkdir -p "$cache"
  local staging started
  staging=$(mktemp -d "$dest.tmp.XXXXXX")
  started=$(date +%s)
  # nice: the machine is shared; the build only takes CPU nobody else wants.
  (cd "$tools/$module" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$staging/" "$@") \
    || { rm -rf "$staging"; die "go build $* (module tools/k8s/$module) failed"; }
  echo $(($(date +%s) - started)) > "$staging/build-seconds"
  rm -rf "$dest"
  mv "$staging" "$dest"
  say "built $(basename "$dest") in $(cat "$dest/build-seconds") s"
}

# The same version stamps the upstream release build sets (hack/lib/version.sh), so `kubectl
# version`, the API server's /version and the kubelet's node status report the real release. The
# build date is the module's publication time, which keeps the binaries reproducible.
k8s_ldflags() {
  local major minor published build_date ldflags="-s -w"
  major=${k8s_version#v}; major=${major%%.*}
  minor=${k8s_version#v*.}; minor=${minor%%.*}
  published=$(cd "$tools/kubernetes" && go mod download -json "k8s.io/kubernetes@$k8s_version" | sed -n 's/^\t"Info": "\(.*\)",$/\1/p')
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$published" 2>/dev/null || true)
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
  done
  printf '%s' "$ldflags"
}

need_k8s=0
for b in "${k8s_bins[@]}"; do [ -x "$k8s_dir/$b" ] || need_k8s=1; done
if [ "$need_k8s" = 1 ]; then
  say "building Kubernetes $k8s_version (first run only; 20-40 minutes on 2 cores)"
  build kubernetes "$k8s_dir" "$(k8s_ldflags)" $(printf 'k8s.io/kubernetes/cmd/%s ' "${k8s_bins[@]}")
fi

if [ ! -x "$kubelet_dir/kubelet" ]; then
  say "building the kubelet $k8s_version (first run only; 5-15 minutes on 2 cores)"
  build kubernetes "$kubelet_dir" "$(k8s_ldflags)" k8s.io/kubernetes/cmd/kubelet
fi

if [ ! -x "$etcd_dir/etcd" ]; then
  say "building etcd $etcd_version"
  build etcd "$etcd_dir" "-s -w" go.etcd.io/etcd/server/v3
  mv "$etcd_dir/v3" "$etcd_dir/etcd" 2>/dev/null || mv "$etcd_dir/server" "$etcd_dir/etcd"
fi

if [ ! -x "$kwok_dir/kwok" ]; then
  say "building kwok $kwok_version"
  build kwok "$kwok_dir" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}" sigs.k8s.io/kwok/cmd/kwok
fi

say "kubernetes: $("$k8s_dir/kube-apiserver" --version)"
say "etcd: $("$etcd_dir/etcd" --version | head -1)"
say "kwok: $("$kwok_dir/kwok" --version 2>&1 | head -1)"
say "kubelet: $("$kubelet_dir/kubelet" --version)"
