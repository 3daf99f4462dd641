#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The wasm builder is off while this crate itself is compiled to wasm.
#[cfg(not(feature = "std"))]
fn main() {}
