#!/usr/bin/env bash
# Writes a market report from a running chain: market-report.csv (every settled slot's totals)
# and market-report.svg (clearing price, traded volume and imbalances per slot).
#   scripts/report.sh [--ws URL] [--out DIR]     (defaults: ws://127.0.0.1:9944, the current directory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [ ! -d "$WATTLE_ROOT/e2e/node_modules" ] || ! command -v node >/dev/null 2>&1; then
	"$WATTLE_ROOT/scripts/setup.sh"
fi
exec node "$WATTLE_ROOT/e2e/tools/report.mjs" "$@"
