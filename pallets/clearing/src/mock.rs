//! A mock runtime: Balances, Timestamp, Participants, Orders (book and clock), Clearing and
//! Settlement (the households' records and deposits).
use crate as pallet_clearing;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU16, ConstU32, ConstU64},
	PalletId,
};
use sp_core::{sr25519, Pair};
use sp_runtime::{generic, BuildStorage};
use wattle_primitives::{Balance, MarketConfig, Role, Slot, Tariffs, WTL};

pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Test>;
type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Participants: pallet_participants,
		Orders: pallet_orders,
		Clearing: pallet_clearing,
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
	type MaxOrdersPerSlot = ConstU32<1_000>;
	type OrdersPerPage = ConstU32<3>;
	type MaxOrdersPerCall = ConstU32<8>;
	type WeightInfo = ();
}

impl pallet_clearing::Config for Test {
	type Book = Orders;
	type Clock = Orders;
	type Grid = Participants;
	type MaxAuthorities = ConstU32<4>;
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
	type Clearing = Clearing;
	type PalletId = MarketPalletId;
	type MaxOrdersPerAccountPerSlot = ConstU32<8>;
	type MaxStepsPerCall = ConstU32<16>;
	type BillRetentionSlots = ConstU64<4>;
	type ReputationGain = ConstU16<1>;
	type ImbalanceLoss = ConstU16<10>;
	type MissingReadingLoss = ConstU16<50>;
	type DebtLoss = ConstU16<100>;
	type WeightInfo = ();
}

impl frame_system::offchain::CreateTransactionBase<pallet_clearing::Call<Test>> for Test {
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl frame_system::offchain::CreateTransaction<pallet_clearing::Call<Test>> for Test {
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		generic::UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl frame_system::offchain::CreateAuthorizedTransaction<pallet_clearing::Call<Test>> for Test {
	fn create_extension() {}
}

pub const ZONE: u32 = 0;
pub const OPERATOR: AccountId = 1;
/// Approved prosumers with 60 kW connections: 1,000 Wh per one-minute slot.
pub const TRADERS: [AccountId; 4] = [10, 11, 12, 13];
pub const FUNDS: Balance = 1_000 * WTL;

/// The slot the mock chain starts in; orders go to `OPEN`, whose gate closes 20 s before it.
pub const NOW_SLOT: Slot = 1_000;
pub const OPEN: Slot = NOW_SLOT + 1;

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

/// Sets the chain's clock to `secs` seconds into `slot`.
pub fn set_time(slot: Slot, secs: u64) {
	Timestamp::set_timestamp((slot * 60 + secs) * 1_000);
}

/// A second zone, the suburb, where the sellers `TRADERS[2]` and `TRADERS[3]` live in
/// [`new_test_ext_with_suburb`]; its link starts unbounded.
pub const SUBURB: u32 = 1;
pub const SUBURB_OPERATOR: AccountId = 2;

pub fn new_test_ext() -> sp_io::TestExternalities {
	test_ext(false)
}

pub fn new_test_ext_with_suburb() -> sp_io::TestExternalities {
	test_ext(true)
}

fn test_ext(with_suburb: bool) -> sp_io::TestExternalities {
	let zone_of = |who: &AccountId| {
		if with_suburb && (*who == TRADERS[2] || *who == TRADERS[3]) {
			SUBURB
		} else {
			ZONE
		}
	};
	let mut zones = vec![(ZONE, OPERATOR, tariffs())];
	if with_suburb {
		zones.push((SUBURB, SUBURB_OPERATOR, tariffs()));
	}
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [OPERATOR, SUBURB_OPERATOR]
			.into_iter()
			.chain(TRADERS)
			.map(|who| (who, FUNDS))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		zones,
		oracles: vec![],
		participants: TRADERS
			.iter()
			.map(|who| {
				let meter = sr25519::Pair::from_string(&format!("//{who}"), None).unwrap().public();
				(*who, Role::Prosumer, zone_of(who), meter, 60_000)
			})
			.collect(),
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
	});
	ext
}
