//! A mock runtime of the whole market: Balances, Timestamp, Participants, Orders, Clearing,
//! Metering and Settlement, the real pallets all, with short books (3 orders a page) so that
//! every walk crosses pages.
use crate as pallet_settlement;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU16, ConstU32, Hooks},
	weights::Weight,
	PalletId,
};
use sp_core::{sr25519, Pair};
use sp_runtime::{generic, BuildStorage};
use wattle_primitives::{reading_payload, Balance, MarketConfig, Role, Slot, Tariffs, WTL};

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
		Metering: pallet_metering,
		Settlement: pallet_settlement,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	/// 1 planck unless a test sets it before building its chain.
	pub static ExistentialDeposit: Balance = 1;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ExistentialDeposit;
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
	type InitialReputation = ConstU16<500>;
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

impl pallet_metering::Config for Test {
	type Registry = Participants;
	type Clock = Orders;
	type Ledger = Settlement;
	type MaxReadingsPerBatch = ConstU32<16>;
	type WeightInfo = ();
}

parameter_types! {
	pub const MarketPalletId: PalletId = PalletId(*b"wtl/mrkt");
	pub static BillRetentionSlots: Slot = 4;
}

impl pallet_settlement::Config for Test {
	type Currency = Balances;
	type Registry = Participants;
	type Clock = Orders;
	type Book = Orders;
	type Clearing = Clearing;
	type PalletId = MarketPalletId;
	type MaxOrdersPerAccountPerSlot = ConstU32<4>;
	type MaxStepsPerCall = ConstU32<16>;
	type BillRetentionSlots = BillRetentionSlots;
	type ReputationGain = ConstU16<1>;
	type ImbalanceLoss = ConstU16<10>;
	type MissingReadingLoss = ConstU16<50>;
	type DebtLoss = ConstU16<100>;
	type WeightInfo = ();
}

pub const ZONE: u32 = 0;
pub const OPERATOR: AccountId = 1;
pub const ORACLE: AccountId = 2;
/// Prosumers, a consumer and a producer, each with a 60 kW connection: 1,000 Wh a slot.
pub const ALICE: AccountId = 10;
pub const BOB: AccountId = 11;
pub const CAROL: AccountId = 12;
pub const DAVE: AccountId = 13;
/// A consumer with little money besides its deposit.
pub const POOR: AccountId = 14;
pub const HOUSEHOLDS: [AccountId; 5] = [ALICE, BOB, CAROL, DAVE, POOR];
pub const FUNDS: Balance = 1_000 * WTL;
pub const POOR_FUNDS: Balance = 2 * WTL;
pub const CAPACITY_WH: u64 = 1_000;

/// The slot the mock chain starts in.
pub const NOW_SLOT: Slot = 1_000;
/// The first slot the genesis households are billed for, traded or not.
pub const FIRST_BILLED_SLOT: Slot = NOW_SLOT + 2;

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

/// The meter of `who`: the sr25519 key of `//<who>//meter`.
pub fn meter(who: AccountId) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{who}//meter"), None).expect("valid seed; qed")
}

fn role(who: AccountId) -> Role {
	match who {
		CAROL | POOR => Role::Consumer,
		DAVE => Role::Producer,
		_ => Role::Prosumer,
	}
}

/// Moves the clock to `secs` seconds into `slot` and runs a block's hooks: clearing's fallback,
/// then settlement with a whole block's weight to spare.
pub fn block_at(slot: Slot, secs: u64) {
	let number = System::block_number() + 1;
	System::set_block_number(number);
	Timestamp::set_timestamp((slot * 60 + secs) * 1_000);
	Clearing::on_initialize(number);
	Settlement::on_initialize(number);
	Settlement::on_idle(number, Weight::from_parts(2_000_000_000_000, u64::MAX));
}

/// A reading of `who`'s meter for `slot`, signed by the meter.
pub fn signed_reading(
	who: AccountId,
	slot: Slot,
	imported_wh: u64,
	exported_wh: u64,
) -> pallet_metering::SignedReading<AccountId> {
	let genesis_hash = Metering::genesis_hash();
	let payload = reading_payload(&genesis_hash, &who, slot, imported_wh, exported_wh);
	pallet_metering::SignedReading {
		participant: who,
		slot,
		imported_wh,
		exported_wh,
		signature: meter(who).sign(&payload),
	}
}

/// A second zone, the suburb, where Dave produces in [`new_test_ext_with_suburb`]; its link
/// starts unbounded and `ORACLE` relays its meters too.
pub const SUBURB: u32 = 1;
pub const SUBURB_OPERATOR: AccountId = 3;

pub fn new_test_ext() -> sp_io::TestExternalities {
	test_ext(false)
}

pub fn new_test_ext_with_suburb() -> sp_io::TestExternalities {
	test_ext(true)
}

fn test_ext(with_suburb: bool) -> sp_io::TestExternalities {
	let zone_of = |who: AccountId| if with_suburb && who == DAVE { SUBURB } else { ZONE };
	let (mut zones, mut oracles) = (vec![(ZONE, OPERATOR, tariffs())], vec![(ZONE, ORACLE)]);
	if with_suburb {
		zones.push((SUBURB, SUBURB_OPERATOR, tariffs()));
		oracles.push((SUBURB, ORACLE));
	}
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [(OPERATOR, FUNDS), (ORACLE, FUNDS), (SUBURB_OPERATOR, FUNDS)]
			.into_iter()
			.chain(
				HOUSEHOLDS.iter().map(|who| (*who, if *who == POOR { POOR_FUNDS } else { FUNDS })),
			)
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		zones,
		oracles,
		participants: HOUSEHOLDS
			.iter()
			.map(|who| (*who, role(*who), zone_of(*who), meter(*who).public(), 60_000))
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
		// The households are billed from the first slot the cases trade in.
		for who in HOUSEHOLDS {
			pallet_participants::Registry::<Test>::mutate(who, |p| {
				if let Some(p) = p {
					p.billed_from = Some(FIRST_BILLED_SLOT);
				}
			});
		}
		BillRetentionSlots::set(4);
		System::set_block_number(1);
		Timestamp::set_timestamp((NOW_SLOT * 60 + 5) * 1_000);
		Clearing::on_initialize(1);
		Settlement::on_initialize(1);
	});
	ext
}
