#!/usr/bin/env bash
# Provides `docker compose` for validating docker-compose.yml where no Docker engine or compose
# plugin is installed (CI, offline machines): prints the path of a compose binary.
# Order: the docker CLI's compose plugin, an existing .tools/bin/docker-compose, then a build of
# Compose from the Go module proxy (Compose's go.mod has exclude directives, so `go install
# …@version` refuses it; it is built as the main module instead).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPOSE_VERSION="${COMPOSE_VERSION:-v5.6.0}"
BIN=.tools/bin/docker-compose

if docker compose version >/dev/null 2>&1; then
  echo "docker compose"
  exit 0
fi
if [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "no docker compose and no Go toolchain to build it" >&2
  exit 1
fi

mkdir -p .tools/bin
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v5@${COMPOSE_VERSION}" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp -r "$src" "$work/compose"
chmod -R u+w "$work/compose"
(cd "$work/compose" && go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=${COMPOSE_VERSION}" -o "$root/$BIN.tmp" ./cmd) >&2
mv "$BIN.tmp" "$BIN"
echo "$BIN"
