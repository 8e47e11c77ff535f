#!/usr/bin/env bash
# Provides stripe-mock (Stripe's OpenAPI-driven API server) as .tools/bin/stripe-mock for the Stripe
# gateway tests: built from the Go module proxy with `go install`, once per pinned version.
#
# Order: STRIPE_MOCK_PATH, a binary already in .tools/go/bin whose embedded module version is the
# pinned one (`go version -m` reads it, so no stamp file can disagree with the binary), then a build
# (some 30 s). Without Go it warns and exits 0: the Stripe gateway tests then say what is missing.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="v0.203.0"
module="github.com/stripe/stripe-mock"
gobin="$root/.tools/go/bin"
built="$gobin/stripe-mock"
link="$root/.tools/bin/stripe-mock"
log() { echo "[setup-stripe-mock] $*" >&2; }

mkdir -p "$root/.tools/bin"

if [ -n "${STRIPE_MOCK_PATH:-}" ] && [ -x "$STRIPE_MOCK_PATH" ]; then
  ln -sfn "$STRIPE_MOCK_PATH" "$link"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x "$built" ]; then
    ln -sfn ../go/bin/stripe-mock "$link"
    log "WARNING: no Go toolchain to check that $built is $version; using it as it is"
  else
    log "WARNING: no Go toolchain: stripe-mock $version cannot be built, and the Stripe gateway tests will fail until it is (install Go, or set STRIPE_MOCK_PATH)"
  fi
  exit 0
fi

built_version() {
  [ -x "$built" ] || return 0
  go version -m "$built" 2>/dev/null | awk -v module="$module" '$1 == "mod" && $2 == module { print $3 }'
}

if [ "$(built_version)" != "$version" ]; then
  log "building stripe-mock $version with go install (a first run takes some 30 s)"
  if ! GOBIN="$gobin" CGO_ENABLED=0 go install "$module@$version" >&2; then
    log "WARNING: go install $module@$version failed; the Stripe gateway tests will fail until it succeeds"
    exit 0
  fi
fi
# Relative, so the link survives the checkout being moved or reached through another path.
ln -sfn ../go/bin/stripe-mock "$link"
exit 0
