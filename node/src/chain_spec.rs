//! The chain specifications `wattle-node` knows by name: `dev` and `local`.
use sc_service::{ChainType, Properties};
use wattle_runtime::WASM_BINARY;

/// Wattle's chain specification; its genesis comes from a runtime preset.
pub type ChainSpec = sc_service::GenericChainSpec;

/// How wallets show the token: WTL with 12 decimals, generic Substrate addresses.
pub fn token_properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "WTL".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn builder(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(
		WASM_BINARY.ok_or_else(|| "the runtime's wasm was not built".to_string())?,
		None,
	)
	.with_name(name)
	.with_id(id)
	.with_chain_type(chain_type)
	.with_genesis_config_preset_name(preset)
	.with_properties(token_properties())
	.build())
}

/// `--dev`: one validator (Alice) and the dev market.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	builder(
		"Wattle Development",
		"wattle_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	builder(
		"Wattle Local Testnet",
		"wattle_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}
