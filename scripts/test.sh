#!/usr/bin/env bash
# Runs every test: the web app's unit tests and build, clippy on the workspace, its unit tests (pallets on mock
# runtimes, their benchmark test suites, the runtime) and then the end-to-end tests against a
# freshly started node (the browser test among them drives the built app in Chromium).
# Node and tests share one release build in $CARGO_TARGET_DIR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"
"$WATTLE_ROOT/scripts/setup.sh"

started=$(date +%s)
echo "== web app: unit tests (node --test app/test) and build (vite build to app/dist)"
(cd app && npm test && npm run build)
echo "== build: wattle-node (release)"
cargo build --locked --release -p wattle-node
echo "== lints (cargo clippy --workspace --all-targets, warnings denied; runtime crates also deny unwrap, unchecked arithmetic and indexing)"
cargo clippy --locked --release --workspace --all-targets -- -D warnings
echo "== unit tests (cargo test --release --workspace)"
cargo test --locked --release --workspace
echo "== end-to-end tests (node --test e2e/tests, node: $WATTLE_NODE)"
# Each test file starts its own node on free ports and mostly waits for one-minute slots to pass,
# so four files run at once: the suite takes about 5 minutes instead of 12.
(cd e2e && node --test --test-concurrency=4 tests/)
echo "== all tests passed in $(( $(date +%s) - started )) s"
