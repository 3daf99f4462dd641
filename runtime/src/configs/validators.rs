//! The validator set: `pallet-session` driven by Wattle's validator manager (`pallet-validators`),
//! handing each session's keys to Aura, GRANDPA and the clearing authorities.

use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use crate::{
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, SessionKeys, Validators, WTL,
};

parameter_types! {
	/// An hour of 6-second blocks. Rotated session keys take effect at these boundaries; a change
	/// of the validator set ends the session at once (see `pallet-validators`).
	pub const SessionLength: BlockNumber = 600;
	/// Held while an account has session keys registered (`session.setKeys`), against filling
	/// the state with keys; returned by `session.purgeKeys`.
	pub const SessionKeyDeposit: Balance = WTL;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Validators;
	type NextSessionRotation = Validators;
	type SessionManager = Validators;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_validators::Config for Runtime {
	type ManagerOrigin = EnsureRoot<AccountId>;
	type SessionKeys = crate::Session;
	/// Aura's, GRANDPA's and clearing's `MaxAuthorities`.
	type MaxValidators = ConstU32<32>;
	type MinValidators = ConstU32<1>;
	type SessionLength = SessionLength;
	type WeightInfo = pallet_validators::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSessionKeys;
}

/// Registers placeholder session keys, as `session.setKeys` would, for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSessionKeys;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_validators::BenchmarkHelper<AccountId> for BenchmarkSessionKeys {
	fn set_session_keys(who: &AccountId) {
		let keys = SessionKeys {
			aura: sp_core::sr25519::Public::from_raw([1; 32]).into(),
			grandpa: sp_core::ed25519::Public::from_raw([1; 32]).into(),
			clearing: sp_core::sr25519::Public::from_raw([1; 32]).into(),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}
