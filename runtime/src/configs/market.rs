//! Configuration of Wattle's market pallets.

use frame_support::{parameter_types, traits::ConstU32};

use crate::{Balance, Balances, Runtime, RuntimeHoldReason, WTL};

parameter_types! {
	/// Held while a household is registered: 10 WTL.
	pub const RegistrationDeposit: Balance = 10 * WTL;
	/// Reputation a new participant starts with.
	pub const InitialReputation: u16 = 500;
}

impl pallet_participants::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Obligations = ();
	type RegistrationDeposit = RegistrationDeposit;
	/// 1 MW: far above any household or small business connection.
	type MaxPowerW = ConstU32<1_000_000>;
	type MaxOraclesPerZone = ConstU32<16>;
	type MaxReasonLen = ConstU32<128>;
	type InitialReputation = InitialReputation;
	type WeightInfo = pallet_participants::weights::SubstrateWeight<Runtime>;
}
