#!/usr/bin/env bash
# Installs what building and testing Wattle needs, and skips whatever is already there:
# Debian packages (protoc for litep2p, clang/libclang for RocksDB's bindings, lld to link,
# libssl-dev and pkg-config so litep2p's WebRTC links Debian's OpenSSL instead of compiling one),
# the pinned Rust toolchain with its wasm32 target and rust-src (the runtime is built to wasm),
# Node.js, and the end-to-end tests' npm packages.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$WATTLE_ROOT"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in protobuf-compiler clang libclang-dev lld libssl-dev pkg-config; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
# Debian's Chromium: the web app's browser test drives it through playwright-core.
dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "ok installed" || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing Debian packages: ${missing[*]}"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v rustup >/dev/null 2>&1; then
	echo "setup: rustup is required (https://rustup.rs)" >&2
	exit 1
fi
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
rustup toolchain list | grep -q "^$toolchain" || rustup toolchain install "$toolchain" --profile minimal
rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32-unknown-unknown ||
	rustup target add wasm32-unknown-unknown --toolchain "$toolchain"
for component in rust-src rustfmt clippy; do
	rustup component list --installed --toolchain "$toolchain" | grep -q "^$component" ||
		rustup component add "$component" --toolchain "$toolchain"
done

if [ ! -d e2e/node_modules ] || ! (cd e2e && npm ls --depth=0 >/dev/null 2>&1); then
	echo "setup: installing the end-to-end tests' npm packages"
	(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -d app/node_modules ] || ! (cd app && npm ls --depth=0 >/dev/null 2>&1); then
	echo "setup: installing the web app's npm packages"
	(cd app && npm ci --no-audit --no-fund --loglevel=error)
fi
