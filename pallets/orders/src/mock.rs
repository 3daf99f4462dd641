//! A mock runtime: Balances, Timestamp, the real Participants registry, Orders, and the real
//! Settlement pallet, which keeps each household's orders and deposits.
use crate as pallet_orders;
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

parameter_types! {
	pub static MaxOrdersPerSlot: u32 = 1_000;
}

impl pallet_orders::Config for Test {
	type Registry = Participants;
	type Ledger = Settlement;
	type MaxOrdersPerSlot = MaxOrdersPerSlot;
	type OrdersPerPage = ConstU32<4>;
	type MaxOrdersPerCall = ConstU32<6>;
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
	type MaxOrdersPerAccountPerSlot = ConstU32<5>;
	type MaxStepsPerCall = ConstU32<16>;
	type BillRetentionSlots = ConstU64<4>;
	type ReputationGain = ConstU16<1>;
	type ImbalanceLoss = ConstU16<10>;
	type MissingReadingLoss = ConstU16<50>;
	type DebtLoss = ConstU16<100>;
	type WeightInfo = ();
}

pub const ZONE: u32 = 0;
pub const OPERATOR: AccountId = 1;
/// Approved prosumer with a 6 kW connection: 100 Wh per one-minute slot.
pub const PROSUMER: AccountId = 10;
/// Approved consumer.
pub const CONSUMER: AccountId = 11;
/// Approved producer.
pub const PRODUCER: AccountId = 12;
/// Registered, not approved.
pub const PENDING: AccountId = 13;
/// Funded, not registered.
pub const STRANGER: AccountId = 14;
pub const FUNDS: Balance = 1_000 * WTL;
pub const CAPACITY_WH: u64 = 100;

/// One-minute slots, gate closure 20 s before, 10 slots ahead.
pub fn market() -> MarketConfig {
	MarketConfig {
		max_slots_ahead: 10,
		on_chain_clearing_limit: 100,
		..wattle_primitives::dev_market()
	}
}

pub fn tariffs() -> Tariffs {
	wattle_primitives::dev_tariffs()
}

/// The slot the mock chain starts in, 5 seconds after its start.
pub const NOW_SLOT: Slot = 1_000;

/// Sets the chain's clock to `secs` seconds into `slot`.
pub fn set_time(slot: Slot, secs: u64) {
	Timestamp::set_timestamp((slot * 60 + secs) * 1_000);
}

fn meter(seed: &str) -> sr25519::Public {
	sr25519::Pair::from_string(seed, None).expect("static seeds are valid; qed").public()
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [OPERATOR, PROSUMER, CONSUMER, PRODUCER, PENDING, STRANGER]
			.into_iter()
			.map(|who| (who, FUNDS))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		zones: vec![(ZONE, OPERATOR, tariffs())],
		oracles: vec![],
		participants: vec![
			(PROSUMER, Role::Prosumer, ZONE, meter("//10"), 6_000),
			(CONSUMER, Role::Consumer, ZONE, meter("//11"), 6_000),
			(PRODUCER, Role::Producer, ZONE, meter("//12"), 6_000),
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
	ext.execute_with(|| {
		System::set_block_number(1);
		set_time(NOW_SLOT, 5);
		MaxOrdersPerSlot::set(1_000);
		frame_support::assert_ok!(Participants::register(
			RuntimeOrigin::signed(PENDING),
			Role::Prosumer,
			ZONE,
			meter("//13"),
			6_000
		));
	});
	ext
}

/// Runs `test` on the mock genesis and checks the pallet's invariants afterwards.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Orders::do_try_state().expect("orders invariants hold after every test");
		Settlement::do_try_state().expect("the escrow holds every deposit after every test");
	});
}
