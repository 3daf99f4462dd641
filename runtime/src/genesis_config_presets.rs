//! Genesis presets: `development` (what `--dev` starts) and `local_testnet` (four validators).
//! Both start the same market: zone 0 ("dev-feeder") operated by Alice, who is also its metering
//! oracle and sudo, with five approved households and an unbounded link to the hub; and zone 1
//! ("dev-suburb"), operated by `//Wattle//suburb`, behind a tight link, where the simulator's
//! rooftop PV congests the export at midday and splits the market.

use crate::{
	AccountId, Balance, BalancesConfig, OrdersConfig, ParticipantsConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, SudoConfig, ValidatorsConfig, WTL,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use hex_literal::hex;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::sr25519;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use wattle_primitives::{dev_market, dev_tariffs, Role, ZoneId};

/// What each well-known dev account starts with: one million WTL.
pub const ENDOWMENT: Balance = 1_000_000 * WTL;

/// The households of the dev and local presets.
const HOUSEHOLDS: [Sr25519Keyring; 6] = [
	Sr25519Keyring::Alice,
	Sr25519Keyring::Bob,
	Sr25519Keyring::Charlie,
	Sr25519Keyring::Dave,
	Sr25519Keyring::Eve,
	Sr25519Keyring::Ferdie,
];

/// The dev market's zone: a feeder operated by Alice.
pub const DEV_ZONE: ZoneId = 0;

/// The dev market's second zone: a suburb of rooftop PV behind a tight link.
pub const SUBURB_ZONE: ZoneId = 1;

/// The suburb's operator, the sr25519 key of `//Wattle//suburb` (written out because the
/// runtime cannot derive keys; a test checks the derivation).
pub const SUBURB_OPERATOR: [u8; 32] =
	hex!("685aa00ef9fd2f0729f3e6737842901da41b3eaa23e4ca3b9ae1cf83f92f480d");

/// The suburb link's caps each way, Wh per slot (9 kW over a one-minute dev slot): what the
/// simulator's suburb rooftop PV exceeds around noon.
pub const SUBURB_LINK_WH: u64 = 150;

/// The dev households: who, role, meter key (the sr25519 public key of `//<Name>//meter`, written
/// out because the runtime cannot derive keys; a test checks the derivation), connection in W.
pub fn dev_households() -> [(Sr25519Keyring, Role, [u8; 32], u32); 5] {
	[
		(
			Sr25519Keyring::Bob,
			Role::Prosumer,
			hex!("8201b073ff96e311f7a2e98b34e550bd340ccb0ef46fb45b871d5efef58ca31d"),
			10_000,
		),
		(
			Sr25519Keyring::Charlie,
			Role::Consumer,
			hex!("58d9e94be0a3fc4985b96facf001e6b780f7214d84def8dd861cb0ddfb5ee348"),
			7_000,
		),
		(
			Sr25519Keyring::Dave,
			Role::Producer,
			hex!("3c168f15b2cc0681a52494a69e60af38f4ece0ac567cb50d641b55555a884674"),
			20_000,
		),
		(
			Sr25519Keyring::Eve,
			Role::Prosumer,
			hex!("e460e34e43a4e2e1495c40477c142838ae876bfe186a1d677cc9ee5a3926311b"),
			10_000,
		),
		(
			Sr25519Keyring::Ferdie,
			Role::Consumer,
			hex!("2aeebd609608ced5712ae8b4f1aca5da140f55d9b1143180a16b8fbec510a456"),
			5_000,
		),
	]
}

/// A validator's session keys: its sr25519 key for Aura and for clearing results (`clea`), its
/// ed25519 key for GRANDPA (`--dev` and scripts/testnet.sh put them in the keystore).
fn session_keys(who: Sr25519Keyring) -> SessionKeys {
	let grandpa = match who {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	SessionKeys {
		aura: AuraId::from(who.public()),
		grandpa: GrandpaId::from(grandpa.public()),
		clearing: pallet_clearing::AuthorityId::from(who.public()),
	}
}

fn genesis(validators: &[Sr25519Keyring], endowed: Vec<AccountId>, root: AccountId) -> Value {
	let operator = Sr25519Keyring::Alice.to_account_id();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|who| (who, ENDOWMENT)).collect::<Vec<_>>(),
		},
		// Aura's, GRANDPA's and clearing's authorities come from the session keys.
		validators: ValidatorsConfig {
			validators: validators.iter().map(|v| v.to_account_id()).collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: validators
				.iter()
				.map(|v| (v.to_account_id(), v.to_account_id(), session_keys(*v)))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		participants: ParticipantsConfig {
			zones: vec![
				(DEV_ZONE, operator.clone(), dev_tariffs()),
				(SUBURB_ZONE, suburb_operator(), dev_tariffs()),
			],
			oracles: vec![(DEV_ZONE, operator)],
			links: vec![(SUBURB_ZONE, SUBURB_LINK_WH, SUBURB_LINK_WH)],
			participants: dev_households()
				.into_iter()
				.map(|(who, role, meter, max_power_w)| {
					(
						who.to_account_id(),
						role,
						DEV_ZONE,
						sr25519::Public::from_raw(meter),
						max_power_w,
					)
				})
				.collect::<Vec<_>>(),
		},
		orders: OrdersConfig { config: dev_market() },
	})
}

fn suburb_operator() -> AccountId {
	AccountId::from(SUBURB_OPERATOR)
}

/// The dev accounts, funded: the households and the suburb's operator.
fn households() -> Vec<AccountId> {
	HOUSEHOLDS.iter().map(|who| who.to_account_id()).chain([suburb_operator()]).collect()
}

/// `--dev`: Alice alone produces and finalizes blocks and is sudo.
pub fn development_config_genesis() -> Value {
	genesis(&[Sr25519Keyring::Alice], households(), Sr25519Keyring::Alice.to_account_id())
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate; Alice is sudo.
pub fn local_config_genesis() -> Value {
	genesis(
		&[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		],
		households(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the preset named `id`.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization of a preset to json cannot fail; qed")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	#[test]
	fn the_suburb_operator_is_the_derivation_the_tools_sign_with() {
		let derived = sr25519::Pair::from_string("//Wattle//suburb", None).unwrap().public();
		assert_eq!(derived.0, SUBURB_OPERATOR);
	}

	#[test]
	fn dev_meter_keys_are_the_meter_derivations_of_each_household() {
		for (who, _, meter, _) in dev_households() {
			let derived = sr25519::Pair::from_string(&format!("//{who}//meter"), None)
				.expect("dev seeds are valid; qed")
				.public();
			assert_eq!(derived.0, meter, "meter key of {who}");
		}
	}

	fn genesis_state(id: &str) -> sp_runtime::Storage {
		let patch = get_preset(&PresetId::from(id)).expect("listed presets exist; qed");
		let json: Value = serde_json::from_slice(&patch).expect("presets are json; qed");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_merge(&mut config, json);
		let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("preset decodes");
		sp_runtime::BuildStorage::build_storage(&config).expect("preset builds its state")
	}

	#[test]
	fn every_preset_builds_a_genesis_state() {
		for id in preset_names() {
			genesis_state(id.as_ref());
		}
	}

	#[test]
	fn the_validators_are_the_first_authorities_of_aura_grandpa_and_clearing() {
		let validators = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		];
		let state = genesis_state(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET);
		sp_io::TestExternalities::new(state).execute_with(|| {
			let accounts: Vec<AccountId> = validators.iter().map(|v| v.to_account_id()).collect();
			assert_eq!(pallet_session::Validators::<crate::Runtime>::get(), accounts);
			let keys: Vec<SessionKeys> = validators.iter().map(|v| session_keys(*v)).collect();
			let aura: Vec<AuraId> = keys.iter().map(|k| k.aura.clone()).collect();
			assert_eq!(pallet_aura::Authorities::<crate::Runtime>::get().into_inner(), aura);
			let grandpa: Vec<GrandpaId> =
				pallet_grandpa::Pallet::<crate::Runtime>::grandpa_authorities()
					.into_iter()
					.map(|(key, _)| key)
					.collect();
			assert_eq!(grandpa, keys.iter().map(|k| k.grandpa.clone()).collect::<Vec<_>>());
			let clearing = pallet_clearing::Authorities::<crate::Runtime>::get().into_inner();
			assert_eq!(clearing, keys.iter().map(|k| k.clearing.clone()).collect::<Vec<_>>());
		});
	}

	fn json_merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (key, value) in patch {
					json_merge(base.entry(key).or_insert(Value::Null), value);
				}
			},
			(base, patch) => *base = patch,
		}
	}
}
