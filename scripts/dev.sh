#!/usr/bin/env bash
# Starts a development chain with a live market: builds wattle-node if needed, runs it with
# `--dev` on a temporary base path and, once its RPC answers, runs the household simulator
# (e2e/tools/simulator.mjs) against it. It also builds the web app (app/) and serves it on
# 127.0.0.1:APP_PORT (default 8080). Ctrl-C stops all of them and removes the chain's data.
# RPC_PORT (default 9944) picks the RPC port; SIM_HOUSEHOLDS (default 12) the number of simulated
# households; SIMULATOR=0 starts the node alone. Arguments are passed to wattle-node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"
"$WATTLE_ROOT/scripts/setup.sh"
cargo build --locked --release -p wattle-node
(cd app && npm run build --silent)

rpc_port=${RPC_PORT:-9944}
app_port=${APP_PORT:-8080}
households=${SIM_HOUSEHOLDS:-12}
simulator=${SIMULATOR:-1}
base_path=$(mktemp -d -t wattle-dev-XXXXXX)
node_pid=
sim_pid=
app_pid=
stop() {
	trap - EXIT INT TERM
	if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
		kill -TERM "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
		kill -TERM "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
	fi
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		kill -TERM "$node_pid" 2>/dev/null || true
		wait "$node_pid" 2>/dev/null || true
	fi
	rm -rf "$base_path"
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ "$simulator" = 0 ]; then
	sim_note="Simulator: off (SIMULATOR=0)"
else
	sim_note="Simulator: $households households (SIM_HOUSEHOLDS), from when the RPC answers; SIMULATOR=0 turns it off"
fi
node "$WATTLE_ROOT/app/serve.mjs" --port "$app_port" >/dev/null &
app_pid=$!

cat <<MSG

Wattle dev chain: RPC at ws://127.0.0.1:$rpc_port
Wattle app:       http://127.0.0.1:$app_port/?ws=ws%3A%2F%2F127.0.0.1%3A$rpc_port#/household  (as Bob; Alice for #/operator)
Polkadot-JS Apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port#/explorer
Chain data: $base_path (removed on exit)
$sim_note
Market report: scripts/report.sh --ws ws://127.0.0.1:$rpc_port --out DIR

MSG

if [ "$simulator" = 0 ]; then
	"$WATTLE_NODE" --dev --base-path "$base_path" --rpc-port "$rpc_port" --rpc-cors all "$@"
	exit
fi

"$WATTLE_NODE" --dev --base-path "$base_path" --rpc-port "$rpc_port" --rpc-cors all "$@" &
node_pid=$!

# Wait until the node answers a JSON-RPC call (system_health) over HTTP on its RPC port.
rpc_answers() {
	node -e '
		const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "system_health", params: [] });
		fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" }, body })
			.then((r) => r.json()).then((j) => process.exit(j.result ? 0 : 1), () => process.exit(1));
	' "http://127.0.0.1:$rpc_port"
}
deadline=$((SECONDS + 120))
until rpc_answers; do
	if ! kill -0 "$node_pid" 2>/dev/null; then
		echo "dev: wattle-node exited before its RPC answered" >&2
		exit 1
	fi
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "dev: wattle-node's RPC did not answer within 120 s" >&2
		exit 1
	fi
	sleep 1
done

node "$WATTLE_ROOT/e2e/tools/simulator.mjs" --ws "ws://127.0.0.1:$rpc_port" --households "$households" &
sim_pid=$!

# Runs until Ctrl-C or until the node exits; a simulator that stops leaves the node running.
status=0
wait -n "$node_pid" "$sim_pid" || status=$?
if kill -0 "$node_pid" 2>/dev/null; then
	echo "dev: the simulator stopped (exit $status); the node runs on until Ctrl-C" >&2
	sim_pid=
	status=0
	wait "$node_pid" || status=$?
fi
exit "$status"
