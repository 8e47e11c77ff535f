#!/usr/bin/env bash
# Builds the Peppol BIS Billing 3.0 validator (scripts/ubl-validator) that the UBL tests run:
# its jars from Maven Central into .tools/ubl-validator/lib, Validate.java into .../classes.
#
# Idempotent: the jars are fetched again only when pom.xml changes and the class recompiled only
# when the Java source changes (sha256 stamps beside them), so a warm run does no work.
# Exits non-zero, saying why, when Java 17+ or Maven is missing or a step fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/scripts/ubl-validator"
out="$root/.tools/ubl-validator"
log() { echo "[setup-ubl-validator] $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

for tool in java javac mvn; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool not found: install a JDK 17+ and Maven 3 (Debian: apt-get install openjdk-17-jdk-headless maven)"
done
java_major="$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')"
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || fail "javac $java_major found; the validator needs Java 17 or later"

digest() { cat "$@" | sha256sum | cut -d' ' -f1; }
pom_hash="$(digest "$project/pom.xml")"
src_hash="$(digest "$project"/src/*.java)"
mkdir -p "$out"

if [ "$(cat "$out/lib.sha256" 2>/dev/null)" != "$pom_hash" ] || [ ! -d "$out/lib" ]; then
  log "fetching the validator's jars from Maven Central (a first run takes some 20 s)"
  rm -rf "$out/lib.new"
  # Maven's output (terminal resets even when quiet) is shown only when it fails.
  if ! mvn -q -B -f "$project/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$out/lib.new" >"$out/mvn.log" 2>&1; then
    cat "$out/mvn.log" >&2
    fail "mvn could not fetch the dependencies of $project/pom.xml (log above)"
  fi
  rm -rf "$out/lib" && mv "$out/lib.new" "$out/lib"
  echo "$pom_hash" >"$out/lib.sha256"
  rm -f "$out/classes.sha256" # new jars: compile again against them
fi

if [ "$(cat "$out/classes.sha256" 2>/dev/null)" != "$src_hash" ] || [ ! -f "$out/classes/Validate.class" ]; then
  log "compiling Validate.java"
  rm -rf "$out/classes"
  javac --release 17 -cp "$out/lib/*" -d "$out/classes" "$project"/src/*.java >&2 || fail "javac failed on $project/src"
  echo "$src_hash" >"$out/classes.sha256"
fi
