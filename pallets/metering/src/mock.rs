//! A mock runtime: Balances, Timestamp, Participants (meter keys, relays), Orders (the market's
//! clock), Metering, and Settlement (which keeps the readings in the households' records).
use crate as pallet_metering;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU16, ConstU32, ConstU64},
	PalletId,
};
use sp_core::{sr25519, Pair};
use sp_runtime::BuildStorage;
use wattle_primitives::{Balance, MarketConfig, Role, Slot, Tariffs, WTL};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Participants: pallet_participants,
		Orders: pallet_orders,
		Metering: pallet_metering,
		Settlement: pallet_settlement,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

impl pallet_participants::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Obligations = Settlement;
	type Clock = Orders;
	type RegistrationDeposit = frame_support::traits::ConstU128<{ WTL }>;
	type MaxPowerW = ConstU32<1_000_000>;
	type MaxOraclesPerZone = ConstU32<4>;
	type MaxReasonLen = ConstU32<32>;
	type InitialReputation = frame_support::traits::ConstU16<500>;
	type WeightInfo = ();
}

impl pallet_orders::Config for Test {
	type Registry = Participants;
	type Ledger = Settlement;
	type MaxOrdersPerSlot = ConstU32<100>;
	type OrdersPerPage = ConstU32<10>;
	type MaxOrdersPerCall = ConstU32<4>;
	type WeightInfo = ();
}

parameter_types! {
	pub const MarketPalletId: PalletId = PalletId(*b"wtl/mrkt");
}

impl pallet_settlement::Config for Test {
	type Currency = Balances;
	type Registry = Participants;
	type Clock = Orders;
	type Book = Orders;
	type Clearing = ();
	type PalletId = MarketPalletId;
	type MaxOrdersPerAccountPerSlot = ConstU32<4>;
	type MaxStepsPerCall = ConstU32<16>;
	type BillRetentionSlots = ConstU64<4>;
	type ReputationGain = ConstU16<1>;
	type ImbalanceLoss = ConstU16<10>;
	type MissingReadingLoss = ConstU16<50>;
	type DebtLoss = ConstU16<100>;
	type WeightInfo = ();
}

impl pallet_metering::Config for Test {
	type Registry = Participants;
	type Clock = Orders;
	type Ledger = Settlement;
	type MaxReadingsPerBatch = ConstU32<4>;
	type WeightInfo = ();
}

pub const ZONE: u32 = 0;
pub const OPERATOR: AccountId = 1;
pub const ORACLE: AccountId = 2;
pub const OTHER_ZONE: u32 = 1;
pub const OTHER_ORACLE: AccountId = 4;
/// Approved prosumer with a 6 kW connection: at most 100 Wh per one-minute slot.
pub const HOUSEHOLD: AccountId = 10;
pub const NEIGHBOUR: AccountId = 11;
pub const STRANGER: AccountId = 14;
pub const CAPACITY_WH: u64 = 100;
/// What frame-system stores as the hash of block 0 in tests.
pub const GENESIS_HASH: [u8; 32] = [69; 32];

/// The slot the mock chain is in; `NOW_SLOT - 1` is in its metering window.
pub const NOW_SLOT: Slot = 1_000;

pub fn market() -> MarketConfig {
	MarketConfig {
		max_slots_ahead: 10,
		on_chain_clearing_limit: 100,
		..wattle_primitives::dev_market()
	}
}

fn tariffs() -> Tariffs {
	wattle_primitives::dev_tariffs()
}

/// The meter of `who`: the sr25519 key of `//<who>//meter`.
pub fn meter(who: AccountId) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{who}//meter"), None).expect("valid seed; qed")
}

/// Sets the chain's clock to `secs` seconds into `slot`.
pub fn set_time(slot: Slot, secs: u64) {
	Timestamp::set_timestamp((slot * 60 + secs) * 1_000);
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [OPERATOR, ORACLE, 3, OTHER_ORACLE, HOUSEHOLD, NEIGHBOUR, STRANGER]
			.into_iter()
			.map(|who| (who, 1_000 * WTL))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		zones: vec![(ZONE, OPERATOR, tariffs()), (OTHER_ZONE, 3, tariffs())],
		oracles: vec![(ZONE, ORACLE), (OTHER_ZONE, OTHER_ORACLE)],
		participants: vec![
			(HOUSEHOLD, Role::Prosumer, ZONE, meter(HOUSEHOLD).public(), 6_000),
			(NEIGHBOUR, Role::Consumer, ZONE, meter(NEIGHBOUR).public(), 6_000),
		],
		links: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_orders::GenesisConfig::<Test> { config: market(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_settlement::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		set_time(NOW_SLOT, 5);
	});
	ext
}
