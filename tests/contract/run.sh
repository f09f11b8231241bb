#!/usr/bin/env bash
# The property-based contract run: a fresh local stack (in memory, free ports), signed in
# as the demo admin and as a chat visitor (the document's two bearer schemes), and
# Schemathesis driven by openapi.json over every operation. The checks and the few
# state-bound refusals are in schemathesis.toml beside this file.
#
#   tests/contract/run.sh WRRK_LOCAL_BIN TOOLS_DIR
#
# Logout and password change are left out: they end the very session the run uses (their
# own e2e tests cover them).
set -euo pipefail
bin=$1
tools=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
st="$tools/schemathesis/bin/schemathesis"
if [ ! -x "$st" ]; then
  python3 -m venv "$tools/schemathesis"
  "$tools/schemathesis/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); ws_port=$(free_port); smtp_port=$(free_port)
log="$tools/contract-stack.log"
(cd "$root" && exec "$bin" --in-memory --no-build --port "$port" --ws-port "$ws_port" \
    --smtp-port "$smtp_port" > "$log" 2>&1) &
stack=$!
trap 'kill $stack 2>/dev/null || true' EXIT
tokens=$(python3 "$here/sessions.py" "http://127.0.0.1:$port") || { cat "$log" >&2; exit 1; }
export WRRK_SESSION_TOKEN=${tokens%%$'\n'*}
export WRRK_VISITOR_TOKEN=${tokens##*$'\n'}
# One worker: Python 3.11's parser is not thread-safe under Hypothesis' lambda reprs.
"$st" --config-file "$here/schemathesis.toml" --no-color run "$root/openapi.json" \
  --url "http://127.0.0.1:$port" --checks all --max-examples 15 --workers 1 \
  --exclude-path /api/auth/logout --exclude-path /api/auth/password
