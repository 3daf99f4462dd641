#!/usr/bin/env bash
# Starts a development chain with a live market: builds wattle-node if needed and runs it with
# `--dev` on a temporary base path. Ctrl-C stops it and removes the chain's data.
# RPC_PORT (default 9944) picks the RPC port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"
"$WATTLE_ROOT/scripts/setup.sh"
cargo build --locked --release -p wattle-node

rpc_port=${RPC_PORT:-9944}
base_path=$(mktemp -d -t wattle-dev-XXXXXX)
trap 'rm -rf "$base_path"' EXIT
cat <<MSG

Wattle dev chain: RPC at ws://127.0.0.1:$rpc_port
Polkadot-JS Apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port#/explorer
Chain data: $base_path (removed on exit)

MSG
"$WATTLE_NODE" --dev --base-path "$base_path" --rpc-port "$rpc_port" --rpc-cors all "$@"
