#!/usr/bin/env bash
# axe.sh - fetch the pinned axe-core that TestScreens injects into every page
# (run from the repo root: bash e2e/axe.sh; the Taskfile's setup-e2e does).
#
# Idempotent: a second run only checks the version (~0.1 s). Uses npm's
# configured registry; the tarball must match the pinned integrity.
# Unpacks into AXE_CORE_DIR (default $HOME/.cache/hubadmin-e2e/axe-core-VERSION,
# where the test looks) and prints `export AXE_CORE_PATH=...` on stdout.
set -euo pipefail

VERSION=4.14.1
INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
DIR="${AXE_CORE_DIR:-$HOME/.cache/hubadmin-e2e/axe-core-$VERSION}"

log() { printf '[axe] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

installed() {
  [ -s "$DIR/axe.min.js" ] && grep -q "\"version\": *\"$VERSION\"" "$DIR/package.json" 2>/dev/null
}

mkdir -p "$(dirname "$DIR")"
if command -v flock >/dev/null 2>&1; then exec 9>"$DIR.lock"; flock 9; fi

if installed; then
  log "axe-core $VERSION already present in $DIR"
else
  command -v npm >/dev/null 2>&1 || die "npm not found (bash e2e/setup.sh installs it)"
  log "installing axe-core@$VERSION into $DIR"
  STAGE="$(mktemp -d "$DIR.stage.XXXXXX")"
  trap 'rm -rf "$STAGE"' EXIT
  ( cd "$STAGE" && npm pack --silent --no-audit --no-fund "axe-core@$VERSION" >/dev/null ) \
    || die "npm pack axe-core@$VERSION failed"
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$STAGE/axe-core-$VERSION.tgz")"
  [ "$got" = "$INTEGRITY" ] || die "axe-core-$VERSION.tgz has integrity $got, want $INTEGRITY"
  tar -xzf "$STAGE/axe-core-$VERSION.tgz" -C "$STAGE"   # npm tarballs unpack to ./package
  rm -rf "$DIR"
  mv "$STAGE/package" "$DIR"
  installed || die "$DIR/axe.min.js or its package.json version $VERSION missing after unpacking"
  log "axe-core $VERSION installed in $DIR"
fi

echo "export AXE_CORE_PATH='$DIR/axe.min.js'"
