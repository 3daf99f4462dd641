//! Configuration of Wattle's market pallets.

use frame_support::{parameter_types, traits::ConstU32};

use crate::{Balance, Balances, Orders, Participants, Runtime, RuntimeHoldReason, WTL};

parameter_types! {
	/// Held while a household is registered: 10 WTL.
	pub const RegistrationDeposit: Balance = 10 * WTL;
	/// Reputation a new participant starts with.
	pub const InitialReputation: u16 = 500;
}

impl pallet_participants::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Obligations = Orders;
	type RegistrationDeposit = RegistrationDeposit;
	/// 1 MW: far above any household or small business connection.
	type MaxPowerW = ConstU32<1_000_000>;
	type MaxOraclesPerZone = ConstU32<16>;
	type MaxReasonLen = ConstU32<128>;
	type InitialReputation = InitialReputation;
	type WeightInfo = pallet_participants::weights::SubstrateWeight<Runtime>;
}

impl pallet_orders::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = Participants;
	/// A city's worth of households in one slot.
	type MaxOrdersPerSlot = ConstU32<100_000>;
	/// 512 orders of 33 bytes: a page is read in one storage access of about 17 KB.
	type OrdersPerPage = ConstU32<512>;
	type MaxOrdersPerAccountPerSlot = ConstU32<16>;
	/// A day ahead in quarter hours (96) plus the slots still clearing, metering or settling.
	type MaxOpenSlotsPerAccount = ConstU32<128>;
	type WeightInfo = pallet_orders::weights::SubstrateWeight<Runtime>;
}

impl pallet_metering::Config for Runtime {
	type Registry = Participants;
	type Clock = Orders;
	/// 256 signature checks (about 15 ms) per batch.
	type MaxReadingsPerBatch = ConstU32<256>;
	type WeightInfo = pallet_metering::weights::SubstrateWeight<Runtime>;
}
