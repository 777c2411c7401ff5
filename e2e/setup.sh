#!/usr/bin/env bash
# Copied unchanged from shared/scripts/setup-playwright.sh (run from the repo root: bash e2e/setup.sh).
# setup-playwright.sh - make playwright-go usable offline with Debian's Chromium.
#
# What it does (idempotent; a second run only checks, ~0.5 s):
#   1. apt-installs Debian's `chromium` if CHROMIUM_PATH (default /usr/bin/chromium) is missing.
#   2. Works out the playwright-core version playwright-go expects
#      ($PLAYWRIGHT_CORE_VERSION, else read from the playwright-go module required by the
#      Go module in the current directory, else 1.52.0 = playwright-community/playwright-go v0.5200.1).
#   3. Builds the "driver" directory playwright-go looks for, without the Playwright CDN:
#        $DIR/node             -> symlink to the system node
#        $DIR/package/cli.js   (the npm tarball of playwright-core@VERSION, unpacked)
#      DIR = $PLAYWRIGHT_DRIVER_PATH, else $HOME/.cache/ms-playwright-go/VERSION
#      (the default playwright-go uses, so tests need no env var).
#   4. Applies the same coreBundle.js patch that mxschmitt/playwright-go >= v0.64 applies in
#      its own Install (no-op for older playwright-core).
# On success prints `export ...` lines on stdout:  eval "$(./setup-playwright.sh)"
set -euo pipefail

log() { printf '[setup-playwright] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
apt_install() {
  local aptlog; aptlog="$(mktemp)"
  log "apt-get install $* (log: $aptlog)"
  if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
         $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; } >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2; die "apt-get install $* failed"
  fi
  rm -f "$aptlog"
}

# ---- 1. Chromium -----------------------------------------------------------
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  apt_install chromium
  [ -x "$CHROMIUM_PATH" ] || die "chromium not found at $CHROMIUM_PATH after apt-get install"
fi

# ---- 2. playwright-core version --------------------------------------------
detect_version() {
  command -v go >/dev/null 2>&1 || return 0
  case "$(go env GOMOD 2>/dev/null)" in ""|/dev/null) return 0 ;; esac
  local m dir
  for m in github.com/playwright-community/playwright-go github.com/mxschmitt/playwright-go; do
    go list -m "$m" >/dev/null 2>&1 || continue
    dir="$(go list -m -f '{{.Dir}}' "$m" 2>/dev/null || true)"
    if [ -z "$dir" ]; then go mod download "$m" >&2 || true; dir="$(go list -m -f '{{.Dir}}' "$m" 2>/dev/null || true)"; fi
    [ -n "$dir" ] && [ -f "$dir/run.go" ] || continue
    grep -oE 'playwrightCliVersion[[:space:]]*=[[:space:]]*"[^"]+"' "$dir/run.go" | head -n1 | sed -E 's/.*"([^"]+)"/\1/' || true
    return 0
  done
}
VERSION="${PLAYWRIGHT_CORE_VERSION:-}"
[ -n "$VERSION" ] || VERSION="$(detect_version)"
[ -n "$VERSION" ] || VERSION="1.52.0"

DIR="${PLAYWRIGHT_DRIVER_PATH:-$HOME/.cache/ms-playwright-go/$VERSION}"

# ---- 3. Node.js ------------------------------------------------------------
NODE_BIN="${PLAYWRIGHT_NODEJS_PATH:-$(command -v node || true)}"
if [ -z "$NODE_BIN" ]; then apt_install nodejs npm; NODE_BIN="$(command -v node)"; fi
command -v npm >/dev/null 2>&1 || apt_install npm

driver_ok() {
  [ -x "$DIR/node" ] && [ -f "$DIR/package/cli.js" ] &&
    "$DIR/node" "$DIR/package/cli.js" --version 2>/dev/null | grep -qF "Version $VERSION"
}

patch_bundle() {  # mirrors patchDriverBundle() of mxschmitt/playwright-go v0.6401.0
  local f="$DIR/package/lib/coreBundle.js"
  [ -f "$f" ] && grep -q 'pageError\.location\.url' "$f" || return 0
  sed -i -e 's/pageError\.location\.url/pageError.location?.url || ""/g' \
         -e 's/pageError\.location\.lineNumber/pageError.location?.lineNumber || 0/g' \
         -e 's/pageError\.location\.columnNumber/pageError.location?.columnNumber || 0/g' "$f"
  log "patched $f"
}

smoke() {  # launch Debian chromium through the installed driver, no Go needed
  ( cd "$DIR/package" && CHROMIUM_PATH="$CHROMIUM_PATH" "$DIR/node" -e '
    const { chromium } = require("./index.js");
    (async () => {
      const b = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH, headless: true,
        args: ["--no-sandbox","--disable-gpu","--disable-quic","--no-first-run",
               "--disable-background-networking","--disable-component-update","--disable-sync"] });
      const p = await b.newPage();
      await p.setContent("<p id=x>ok</p>");
      const t = await p.textContent("#x");
      console.error("[setup-playwright] smoke: chromium " + b.version() + " -> " + t);
      await b.close();
      if (t !== "ok") process.exit(1);
    })().catch(e => { console.error(e); process.exit(1); });' ) >&2
}

mkdir -p "$(dirname "$DIR")"
if command -v flock >/dev/null 2>&1; then exec 9>"$DIR.lock"; flock 9; fi

if driver_ok; then
  log "driver $VERSION already present in $DIR"
  patch_bundle
  if [ "${PW_SETUP_SMOKE:-0}" = 1 ]; then smoke; fi
else
  NODE_VER="$("$NODE_BIN" --version 2>/dev/null)" || die "node at '$NODE_BIN' does not run"
  major="${NODE_VER#v}"; major="${major%%.*}"
  log "installing playwright-core@$VERSION into $DIR (node $NODE_VER at $NODE_BIN)"
  mkdir -p "$DIR"
  STAGE="$(mktemp -d "$DIR.stage.XXXXXX")"
  trap 'rm -rf "$STAGE"' EXIT
  ( cd "$STAGE" && npm pack --silent --no-audit --no-fund "playwright-core@$VERSION" >/dev/null ) \
    || die "npm pack playwright-core@$VERSION failed"
  tar -xzf "$STAGE"/playwright-core-*.tgz -C "$STAGE"   # npm tarballs unpack to ./package
  need="$("$NODE_BIN" -p 'try{(require(process.argv[1]).engines||{}).node||""}catch(e){""}' "$STAGE/package/package.json" | grep -oE '[0-9]+' | head -n1 || true)"
  if [ -n "$need" ] && [ "$major" -lt "$need" ]; then
    die "playwright-core@$VERSION needs node >= $need, $NODE_BIN is $NODE_VER"
  fi
  rm -rf "$DIR/package"
  mv "$STAGE/package" "$DIR/package"
  ln -sfn "$NODE_BIN" "$DIR/node"
  patch_bundle
  driver_ok || die "driver check failed: '$DIR/node $DIR/package/cli.js --version' does not report $VERSION"
  smoke
  log "driver $VERSION installed in $DIR"
fi

echo "export PLAYWRIGHT_DRIVER_PATH='$DIR'"
echo "export CHROMIUM_PATH='$CHROMIUM_PATH'"
