#!/usr/bin/env bash
# Install, idempotently, what the browser test (tests/browser) needs:
#   - Debian's chromium, if /usr/bin/chromium is missing (needs root);
#   - Debian's nginx-light, for the test of the TLS proxy sample in deploy/
#     (tests/test_tls_proxy.py; the package's service is not used);
#   - playwright-core, pinned, into build/node (only the driver library:
#     no browser is ever downloaded through Playwright).
# Run by `make test` (target install-test).
set -euo pipefail
cd "$(dirname "$0")/.."

# one installer at a time: `.ci/run` starts `make test` for SQLite and for
# PostgreSQL side by side, and both run the install steps
mkdir -p build
exec 9>build/.install.lock
flock 9

PLAYWRIGHT_CORE_VERSION=1.65.1
NODE_DIR=build/node

if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian's chromium"
    if [ "$(id -u)" != 0 ]; then
        echo "setup-browser.sh: installing chromium needs root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "== installing Debian's nginx-light (TLS proxy test)"
    if [ "$(id -u)" != 0 ]; then
        echo "setup-browser.sh: installing nginx-light needs root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi

# never let an install script of the package fetch a browser
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

installed_version() {
    local pkg=$NODE_DIR/node_modules/playwright-core/package.json
    [ -f "$pkg" ] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version)' \
        "$PWD/$pkg"
}

mkdir -p "$NODE_DIR"
cat > "$NODE_DIR/package.json.new" <<EOF
{
  "name": "bilim-browser-test",
  "private": true,
  "description": "Bilim ERP browser test driver (tests/browser), installed by scripts/setup-browser.sh",
  "dependencies": {
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  }
}
EOF
if cmp -s "$NODE_DIR/package.json.new" "$NODE_DIR/package.json"; then
    rm "$NODE_DIR/package.json.new"
else
    mv "$NODE_DIR/package.json.new" "$NODE_DIR/package.json"
fi

if [ "$(installed_version)" != "$PLAYWRIGHT_CORE_VERSION" ]; then
    echo "== installing playwright-core $PLAYWRIGHT_CORE_VERSION in $NODE_DIR"
    (cd "$NODE_DIR" && npm install --no-audit --no-fund)
fi
echo "== browser test tools: $(/usr/bin/chromium --version 2>/dev/null)," \
    "playwright-core $(installed_version)"
