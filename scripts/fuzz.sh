#!/usr/bin/env bash
# A long run of the runtime fuzzer (runtime/tests/fuzz.rs): RUNS independent runs of CALLS
# random calls each, seeds FIRST_SEED, FIRST_SEED+1, ..., JOBS at a time (defaults: 100 runs of
# 10,000 calls from seed 1, two at a time: 1,000,000 calls). Each run starts from the dev
# genesis, checks every invariant after every block and ends with every slot settled. A failing
# run names its seed, and `WATTLE_FUZZ_SEED=<seed> WATTLE_FUZZ_CALLS=<calls> cargo test --release
# -p wattle-runtime --test fuzz -- --nocapture` replays it exactly. Prints the calls executed and
# the runs with a violation; exits non-zero if there was one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"
runs=${RUNS:-100}
calls=${CALLS:-10000}
first=${FIRST_SEED:-1}
jobs=${JOBS:-2}
binary=$(cargo test --locked --release -p wattle-runtime --test fuzz --no-run 2>&1 |
	sed -n 's/^ *Executable tests\/fuzz.rs (\(.*\))$/\1/p')
[ -x "$binary" ] || { echo "the fuzz test did not build" >&2; exit 1; }
logs=$(mktemp -d -t wattle-fuzz-XXXXXX)
export binary calls logs
seq "$first" $((first + runs - 1)) | xargs -P "$jobs" -I{} bash -c '
	if WATTLE_FUZZ_SEED={} WATTLE_FUZZ_CALLS=$calls "$binary" --nocapture >"$logs/{}.log" 2>&1; then
		sed -n "s/^fuzz: //p" "$logs/{}.log"
	else
		echo "seed {}: VIOLATION, log in $logs/{}.log"; grep -m3 "panicked\|left\|right" "$logs/{}.log" || true
	fi' || true
executed=$(cat "$logs"/*.log | sed -n 's/^fuzz: seed [0-9]*, \([0-9]*\) calls.*/\1/p' | awk '{ sum += $1 } END { print sum + 0 }')
passed=$(grep -l '^fuzz: seed' "$logs"/*.log | wc -l)
failed=$((runs - passed))
echo "fuzz: ${executed:-0} calls in $passed passing runs of $calls calls from seed $first; $failed runs with a violation (logs in $logs)"
[ "$failed" -eq 0 ]
