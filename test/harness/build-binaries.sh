#!/usr/bin/env bash
# Builds the Kubernetes control-plane binaries the test harness runs (kube-apiserver,
# kube-controller-manager, kube-scheduler, etcd, kwok) from the Go module proxy into a
# versioned cache outside the repository. Reuses the cache when every binary is present.
#
#   FEDHUB_K8S_VERSION   Kubernetes version to build        (default 1.36.3)
#   FEDHUB_KWOK_VERSION  KWOK version to build              (default 0.8.0)
#   FEDHUB_CACHE_DIR     cache root                         (default $XDG_CACHE_HOME/fedhub or ~/.cache/fedhub)
#
# Prints the directory holding the binaries on its last line of stdout.
set -euo pipefail

K8S=${FEDHUB_K8S_VERSION:-1.36.3}
KWOK=${FEDHUB_KWOK_VERSION:-0.8.0}
CACHE=${FEDHUB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fedhub}
W="$CACHE/kube/k8s-$K8S-kwok-$KWOK"
BIN="$W/bin"
NEEDED="kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwok-stages.yaml"

have_all() {
  for b in $NEEDED; do [ -s "$BIN/$b" ] || return 1; done
}

if have_all; then
  echo "kube binaries: cached in $BIN" >&2
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
fedhub: cannot build the Kubernetes test binaries: 'go' is not on PATH.
Install Go 1.22 or newer (https://go.dev/dl or 'apt-get install golang'), or point
KUBEBUILDER_ASSETS at a directory holding kube-apiserver, kube-controller-manager,
kube-scheduler, etcd and kwok.
MSG
  exit 1
fi

mkdir -p "$BIN"
cd "$W"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
MINOR=${K8S#1.}
start=$(date +%s)
echo "kube binaries: building Kubernetes v$K8S and KWOK v$KWOK into $BIN (cold: 12-20 minutes on 2 cores)" >&2

if [ ! -f go.mod ]; then
  go mod init fedhub.local/kubebins >&2
fi
if ! grep -q "k8s.io/kubernetes v$K8S" go.mod; then
  KGOMOD=$(go mod download -json "k8s.io/kubernetes@v$K8S" | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p')
  for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/.*#\1#p' "$KGOMOD"); do
    go mod edit -replace="$m=$m@v0.$MINOR"
  done
  go get "k8s.io/kubernetes@v$K8S" >&2
fi
go list -deps k8s.io/kubernetes/cmd/kube-apiserver >/dev/null
for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
  if [ ! -s "$BIN/$cmd" ]; then
    echo "kube binaries: building $cmd" >&2
    go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S" \
      -o "$BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" >&2
    mv "$BIN/$cmd.tmp" "$BIN/$cmd"
  fi
done
if [ ! -s "$BIN/etcd" ]; then
  echo "kube binaries: building etcd" >&2
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
  mv "$BIN/etcd.tmp" "$BIN/etcd"
fi

if [ ! -s "$BIN/kwok" ] || [ ! -s "$BIN/kwok-stages.yaml" ]; then
  echo "kube binaries: building kwok" >&2
  # KWOK is its own module; build it outside the Kubernetes scratch module so their graphs stay apart.
  GOFLAGS= GOBIN="$BIN" go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK" >&2
  KDIR=$(GOFLAGS= go mod download -json "sigs.k8s.io/kwok@v$KWOK" | sed -n 's/.*"Dir": "\([^"]*\)".*/\1/p')
  S="$KDIR/kustomize/stage"
  {
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
             pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      cat "$S/$f"
      echo "---"
    done
  } > "$BIN/kwok-stages.yaml.tmp"
  mv "$BIN/kwok-stages.yaml.tmp" "$BIN/kwok-stages.yaml"
fi

have_all
echo "kube binaries: built in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
