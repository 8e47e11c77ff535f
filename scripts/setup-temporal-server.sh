#!/usr/bin/env bash
# Builds the real Temporal server (go.temporal.io/server), its SQL schema tool and the Web UI server
# (github.com/temporalio/ui-server) from the Go module proxy, for running Temporal on PostgreSQL
# (README, "Temporal on PostgreSQL"). Everything lands in .tools/temporal-server/<version>/:
#
#   temporal-server        the server (cmd/server), all services in one process
#   temporal-sql-tool      creates and upgrades the schema (cmd/tools/sql)
#   temporal-ui-server     the Web UI, assets embedded (ui-server's cmd/server)
#   schema/postgresql/v12  the versioned schema files of the server module (temporal, visibility)
#
# TEMPORAL_SERVER_UI=0 builds (and requires) only the server, its SQL tool and the schema: chaos
# scenario 8 and the scale bench start no Web UI, so they need not wait for its build.
#
# Not part of `npm ci`, the tests or CI: a cold build takes minutes (bench/CHAOS.md has the
# measured time). `npm start -- --temporal=postgres` and the chaos scenario 8 call it; a second run
# only checks that the files are there. Prints the directory on stdout, progress on stderr.
#
# The modules carry no replace directives, so no patched copy is needed: each binary is built in a
# throwaway module that requires the pinned version, with the machine's Go and the shared module
# cache. The versions are the newest whose go.mod asks for no newer Go than 1.26.8 (the server's
# v1.32.2 and the UI server's v2.56+ ask for 1.26.10).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_version="${TEMPORAL_SERVER_VERSION:-v1.32.1}"
ui_version="${TEMPORAL_UI_SERVER_VERSION:-v2.55.0}"
dir="$root/.tools/temporal-server/$server_version"
with_ui="${TEMPORAL_SERVER_UI:-1}"
log() { echo "[setup-temporal-server] $*" >&2; }

ui_complete() {
  [ "$with_ui" = 0 ] || { [ -x "$dir/temporal-ui-server" ] && [ "$(cat "$dir/ui-version" 2>/dev/null)" = "$ui_version" ]; }
}

complete() {
  [ -x "$dir/temporal-server" ] && [ -x "$dir/temporal-sql-tool" ] &&
    [ -d "$dir/schema/postgresql/v12/temporal/versioned" ] && [ -d "$dir/schema/postgresql/v12/visibility/versioned" ] &&
    ui_complete
}

if complete; then
  if [ "$with_ui" = 0 ]; then what="Temporal server $server_version"; else what="Temporal server $server_version and UI server $ui_version"; fi
  log "$what already built in ${dir#"$root"/}"
  echo "$dir"
  exit 0
fi

command -v go >/dev/null 2>&1 || {
  log "ERROR: no Go toolchain; install Go 1.26.8 or newer to build the Temporal server"
  exit 1
}

mkdir -p "$dir"
started=$SECONDS

build() { # module version output package...
  local module="$1" version="$2" output="$3"; shift 3
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the directory is this call's
  trap "rm -rf '$work'" RETURN
  (
    cd "$work"
    go mod init local/build-"$(basename "$output")" >/dev/null 2>&1
    log "go get $module@$version (the module and what its packages import)"
    go get "${@/%/@$version}" >&2
    for package in "$@"; do
      local name="$output"
      [ $# -gt 1 ] && name="$output-${package##*/}"
      log "go build $package"
      CGO_ENABLED=0 go build -trimpath -o "$name" "$package" >&2
    done
    if [ "$module" = go.temporal.io/server ]; then
      local source
      source="$(go list -m -f '{{.Dir}}' "$module")"
      rm -rf "$dir/schema"
      mkdir -p "$dir/schema/postgresql"
      cp -r "$source/schema/postgresql/v12" "$dir/schema/postgresql/"
      chmod -R u+w "$dir/schema" # the module cache is read-only
      log "copied schema/postgresql/v12 from $source"
    fi
  )
}

if [ ! -x "$dir/temporal-server" ] || [ ! -x "$dir/temporal-sql-tool" ] || [ ! -d "$dir/schema/postgresql/v12" ]; then
  log "building the Temporal server $server_version and its SQL tool (a cold build takes minutes)"
  build go.temporal.io/server "$server_version" "$dir/temporal" \
    go.temporal.io/server/cmd/server go.temporal.io/server/cmd/tools/sql
  mv "$dir/temporal-sql" "$dir/temporal-sql-tool"
fi

if ! ui_complete; then
  log "building the Temporal UI server $ui_version"
  build github.com/temporalio/ui-server/v2 "$ui_version" "$dir/temporal-ui-server" \
    github.com/temporalio/ui-server/v2/cmd/server
  echo "$ui_version" >"$dir/ui-version"
fi

complete || { log "ERROR: the build finished but files are missing in $dir"; exit 1; }
log "built in $((SECONDS - started)) s: ${dir#"$root"/}"
echo "$dir"
