#!/usr/bin/env bash
# A local four-validator testnet (Alice, Bob, Charlie, Dave: the `local` preset) on this machine.
#
#   scripts/testnet.sh start [DIR]           generate a raw chain spec, node keys and session keys
#                                            under DIR (default: a new temporary folder), start
#                                            the validators
#   scripts/testnet.sh join  DIR NAME INDEX  start one more node, NAME, as a would-be validator
#                                            with an empty keystore, on ports base+INDEX; it
#                                            becomes a validator once its account has set keys
#                                            from its `author_rotateKeysWithOwner` and root has
#                                            called `validators.addValidator` (README)
#   scripts/testnet.sh follow  DIR NAME INDEX  start a non-validating RPC node, NAME
#   scripts/testnet.sh restart DIR NAME INDEX  start node NAME again from its database and keys
#                                            (after a crash or a stop), as what it was before
#   scripts/testnet.sh stop  DIR             stop every node under DIR (the chain data stays)
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

# Starts node NAME (folder $dir/NAME, with its node key) on ports base+INDEX; more arguments
# go to the node, and are kept in $dir/NAME/args for a restart.
start_node() {
	local name=$1 index=$2 base="$dir/$1"
	shift 2
	mkdir -p "$base"
	[ -f "$base/node-key" ] || "$WATTLE_NODE" key generate-node-key --file "$base/node-key" 2>"$base/peer-id"
	local args=(--chain "$dir/local-raw.json" --base-path "$base" --node-key-file "$base/node-key"
		--name "$name" --port $((p2p_base + index)) --rpc-port $((rpc_base + index))
		--rpc-cors all --no-mdns --no-telemetry --no-prometheus "$@")
	printf '%s\n' "$@" >"$base/args"
	"$WATTLE_NODE" "${args[@]}" >>"$base/node.log" 2>&1 &
	echo $! >"$base/pid"
	echo "started $name: pid $(cat "$base/pid"), rpc ws://127.0.0.1:$((rpc_base + index)), log $base/node.log"
}

bootnode() {
	echo "/ip4/127.0.0.1/tcp/$p2p_base/p2p/$(tail -n1 "$dir/${VALIDATORS[0]}/peer-id")"
}

start() {
	[ -x "$WATTLE_NODE" ] || { "$WATTLE_ROOT/scripts/setup.sh" && (cd "$WATTLE_ROOT" && cargo build --locked --release -p wattle-node); }
	dir=${dir:-$(mktemp -d -t wattle-testnet-XXXXXX)}
	mkdir -p "$dir"
	"$WATTLE_NODE" build-spec --chain local --disable-default-bootnode --raw 2>/dev/null > "$dir/local-raw.json"
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
		if [ "$i" -eq 0 ]; then start_node "$name" "$i" --validator; else start_node "$name" "$i" --validator --bootnodes "$(bootnode)"; fi
	done
	echo "testnet folder: $dir   (stop with: scripts/testnet.sh stop $dir)"
}

join() {
	local name=${1:-} index=${2:-}
	[ -n "$dir" ] && [ -f "$dir/local-raw.json" ] && [ -n "$name" ] && [ -n "$index" ] \
		|| { echo "usage: scripts/testnet.sh join DIR NAME INDEX (DIR from scripts/testnet.sh start)" >&2; exit 2; }
	start_node "$name" "$index" --validator --bootnodes "$(bootnode)"
}

follow() {
	local name=${1:-} index=${2:-}
	[ -n "$dir" ] && [ -f "$dir/local-raw.json" ] && [ -n "$name" ] && [ -n "$index" ] \
		|| { echo "usage: scripts/testnet.sh follow DIR NAME INDEX" >&2; exit 2; }
	start_node "$name" "$index" --bootnodes "$(bootnode)"
}

restart() {
	local name=${1:-} index=${2:-}
	[ -n "$name" ] && [ -n "$index" ] && [ -f "$dir/$name/args" ] \
		|| { echo "usage: scripts/testnet.sh restart DIR NAME INDEX (a node started before)" >&2; exit 2; }
	local saved=()
	mapfile -t saved <"$dir/$name/args"
	start_node "$name" "$index" "${saved[@]}"
}

stop() {
	[ -n "$dir" ] || { echo "usage: scripts/testnet.sh stop DIR" >&2; exit 2; }
	local pids=()
	for pidfile in "$dir"/*/pid; do
		[ -f "$pidfile" ] || continue
		if kill "$(cat "$pidfile")" 2>/dev/null; then
			pids+=("$(cat "$pidfile")")
			echo "stopping $(basename "$(dirname "$pidfile")")"
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
	join) join "${3:-}" "${4:-}" ;;
	follow) follow "${3:-}" "${4:-}" ;;
	restart) restart "${3:-}" "${4:-}" ;;
	stop) stop ;;
	*) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
