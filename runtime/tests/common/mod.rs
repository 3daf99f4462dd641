//! What the runtime's integration tests share: the dev chain's genesis.
use sp_runtime::BuildStorage;
use wattle_runtime::{genesis_config_presets::development_config_genesis, RuntimeGenesisConfig};

/// The dev chain's genesis: the development preset applied to the runtime's defaults.
pub fn dev_chain() -> sp_io::TestExternalities {
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(serde_json::Value::Null), value);
				}
			},
			(base, patch) => *base = patch,
		}
	}
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, development_config_genesis());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("the dev preset");
	sp_io::TestExternalities::new(config.build_storage().expect("the dev genesis builds"))
}
