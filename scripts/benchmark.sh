#!/usr/bin/env bash
# Regenerates the market pallets' weights.rs from their frame_benchmarking benchmarks.
# Builds wattle-node with `--features runtime-benchmarks` (a separate build from the everyday one:
# it adds frame-benchmarking-cli and the benchmark runtime API), then runs `benchmark pallet` for
# each pallet against the dev chain's genesis without its households. Usage: scripts/benchmark.sh [pallet_name ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"
"$WATTLE_ROOT/scripts/setup.sh"
# frame-benchmarking-cli carries a test runtime for `benchmark storage`, which Wattle does not
# use; its wasm cannot be built against this workspace's Cargo.lock.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --locked --release -p wattle-node --features runtime-benchmarks
node_bin="$CARGO_TARGET_DIR/release/wattle-node"
# The dev chain without its genesis households: settlement's walk visits every registered
# household, so on the dev genesis each measured walk would settle its five households too and
# count them in the weights' base.
spec_dir=$(mktemp -d -t wattle-bench-XXXXXX)
trap 'rm -rf "$spec_dir"' EXIT
"$node_bin" build-spec --dev 2>/dev/null >"$spec_dir/dev.json"
node -e '
const fs = require("fs");
const spec = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
spec.genesis.runtimeGenesis.patch.participants.participants = [];
fs.writeFileSync(process.argv[2], JSON.stringify(spec));
' "$spec_dir/dev.json" "$spec_dir/bench.json"

declare -A crate_dir=(
	[pallet_participants]=pallets/participants
	[pallet_orders]=pallets/orders
	[pallet_metering]=pallets/metering
	[pallet_clearing]=pallets/clearing
	[pallet_settlement]=pallets/settlement
	[pallet_validators]=pallets/validators
)
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_participants pallet_orders pallet_metering pallet_clearing pallet_settlement pallet_validators)
for pallet in "${pallets[@]}"; do
	echo "== benchmarking $pallet"
	"$node_bin" benchmark pallet --chain "$spec_dir/bench.json" --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" --wasm-execution compiled \
		--template scripts/weight-template.hbs --output "${crate_dir[$pallet]}/src/weights.rs"
done
echo "The node binary now has the benchmark features: scripts/test.sh and scripts/dev.sh rebuild it without them."
