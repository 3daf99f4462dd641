#!/usr/bin/env bash
# A local four-validator testnet (Alice, Bob, Charlie, Dave: the `local` preset) on this machine.
#
#   scripts/testnet.sh start [DIR]   generate a raw chain spec, node keys and session keys under
#                                    DIR (default: a new temporary folder), start the validators
#   scripts/testnet.sh stop  DIR     stop them (the chain data stays in DIR)
#
# Validator i listens for peers on port P2P_PORT+i (default 30333) and for RPC on RPC_PORT+i
# (default 9944). Each one's keystore holds its aura (sr25519), grandpa (ed25519) and clearing
# (`clea`, sr25519) keys, inserted with `wattle-node key insert`. With one validator down the
# others keep producing blocks, and three of four still finalize.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

VALIDATORS=(alice bob charlie dave)
rpc_base=${RPC_PORT:-9944}
p2p_base=${P2P_PORT:-30333}
command=${1:-}
dir=${2:-}

start() {
	[ -x "$WATTLE_NODE" ] || { "$WATTLE_ROOT/scripts/setup.sh" && (cd "$WATTLE_ROOT" && cargo build --locked --release -p wattle-node); }
	dir=${dir:-$(mktemp -d -t wattle-testnet-XXXXXX)}
	mkdir -p "$dir"
	"$WATTLE_NODE" build-spec --chain local --disable-default-bootnode --raw 2>/dev/null > "$dir/local-raw.json"
	local bootnode=""
	for i in "${!VALIDATORS[@]}"; do
		local name=${VALIDATORS[$i]} base="$dir/${VALIDATORS[$i]}"
		local seed="//${name^}"
		mkdir -p "$base"
		"$WATTLE_NODE" key generate-node-key --file "$base/node-key" 2>"$base/peer-id"
		"$WATTLE_NODE" key insert --base-path "$base" --chain "$dir/local-raw.json" \
			--scheme sr25519 --suri "$seed" --key-type aura
		"$WATTLE_NODE" key insert --base-path "$base" --chain "$dir/local-raw.json" \
			--scheme ed25519 --suri "$seed" --key-type gran
		"$WATTLE_NODE" key insert --base-path "$base" --chain "$dir/local-raw.json" \
			--scheme sr25519 --suri "$seed" --key-type clea
		local args=(--chain "$dir/local-raw.json" --base-path "$base" --node-key-file "$base/node-key"
			--validator --name "$name" --port $((p2p_base + i)) --rpc-port $((rpc_base + i))
			--rpc-cors all --no-mdns --no-telemetry --no-prometheus)
		[ -n "$bootnode" ] && args+=(--bootnodes "$bootnode")
		"$WATTLE_NODE" "${args[@]}" >"$base/node.log" 2>&1 &
		echo $! >"$base/pid"
		[ -z "$bootnode" ] && bootnode="/ip4/127.0.0.1/tcp/$p2p_base/p2p/$(tail -n1 "$base/peer-id")"
		echo "started $name: pid $(cat "$base/pid"), rpc ws://127.0.0.1:$((rpc_base + i)), log $base/node.log"
	done
	echo "testnet folder: $dir   (stop with: scripts/testnet.sh stop $dir)"
}

stop() {
	[ -n "$dir" ] || { echo "usage: scripts/testnet.sh stop DIR" >&2; exit 2; }
	local pids=()
	for name in "${VALIDATORS[@]}"; do
		if [ -f "$dir/$name/pid" ] && kill "$(cat "$dir/$name/pid")" 2>/dev/null; then
			pids+=("$(cat "$dir/$name/pid")")
			echo "stopping $name"
		fi
	done
	# Wait for the nodes to close their databases (20 s at most, then kill them).
	for _ in $(seq 1 40); do
		local running=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
		[ "$running" -eq 0 ] && return 0
		sleep 0.5
	done
	for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}

case "$command" in
	start) start ;;
	stop) stop ;;
	*) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
