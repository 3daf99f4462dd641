# Sourced by the other scripts: the repository root and cargo's target directory, which lives
# outside the clone so that every clone on this machine (and CI) shares one incremental build.
WATTLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/wattle/target}
export WATTLE_NODE=${WATTLE_NODE:-$CARGO_TARGET_DIR/release/wattle-node}
export WASM_BUILD_WORKSPACE_HINT=$WATTLE_ROOT
