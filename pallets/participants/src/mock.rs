//! A mock runtime with Balances and Participants, for the unit tests and benchmark tests.
use crate as pallet_participants;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_core::{sr25519, Pair};
use sp_runtime::BuildStorage;
use wattle_primitives::{Balance, MarketClock, MarketConfig, MarketObligations, Role, Tariffs};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
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
	type ExistentialDeposit = ExistentialDeposit;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = 1;
	pub const RegistrationDeposit: Balance = DEPOSIT;
	pub static OpenObligations: Vec<AccountId> = Vec::new();
	pub static NowSecs: u64 = 0;
}

/// The market clock at `NowSecs`, on the quarter-hour slots of the default configuration.
pub struct MockClock;
impl MarketClock for MockClock {
	fn config() -> MarketConfig {
		MarketConfig::default()
	}
	fn now_secs() -> u64 {
		NowSecs::get()
	}
	fn set_now_secs(unix_secs: u64) {
		NowSecs::set(unix_secs);
	}
}

/// Accounts listed in `OpenObligations` have open orders or unsettled slots.
pub struct MockObligations;
impl MarketObligations<AccountId> for MockObligations {
	fn has_open_obligations(who: &AccountId) -> bool {
		OpenObligations::get().contains(who)
	}
}

impl pallet_participants::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Obligations = MockObligations;
	type Clock = MockClock;
	type RegistrationDeposit = RegistrationDeposit;
	type MaxPowerW = ConstU32<MAX_POWER_W>;
	type MaxOraclesPerZone = ConstU32<2>;
	type MaxReasonLen = ConstU32<32>;
	type InitialReputation = frame_support::traits::ConstU16<500>;
	type WeightInfo = ();
}

pub const DEPOSIT: Balance = 100;
pub const MAX_POWER_W: u32 = 100_000;
pub const START_BALANCE: Balance = 1_000_000;

/// Zone 0, operated by account 1 (the dev feeder); zone 7, operated by account 2.
pub const ZONE: u32 = 0;
pub const OPERATOR: AccountId = 1;
pub const OTHER_ZONE: u32 = 7;
pub const OTHER_OPERATOR: AccountId = 2;
/// Oracle of zone 0.
pub const ORACLE: AccountId = 3;
/// Approved at genesis in zone 0: a prosumer.
pub const HOUSEHOLD: AccountId = 10;
/// Funded, not registered.
pub const NEWCOMER: AccountId = 11;
/// Registered nothing, owns nothing.
pub const PAUPER: AccountId = 12;

pub fn tariffs() -> Tariffs {
	wattle_primitives::dev_tariffs()
}

/// The sr25519 public key of a meter derived from `seed`, e.g. `//10//meter`.
pub fn meter(seed: &str) -> sr25519::Public {
	sr25519::Pair::from_string(seed, None).expect("static seeds are valid; qed").public()
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [OPERATOR, OTHER_OPERATOR, ORACLE, HOUSEHOLD, NEWCOMER]
			.into_iter()
			.map(|who| (who, START_BALANCE))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		zones: vec![(ZONE, OPERATOR, tariffs()), (OTHER_ZONE, OTHER_OPERATOR, tariffs())],
		oracles: vec![(ZONE, ORACLE)],
		participants: vec![(HOUSEHOLD, Role::Prosumer, ZONE, meter("//10//meter"), 5_000)],
		links: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		OpenObligations::take();
	});
	ext
}

/// Runs `test` on the mock genesis and checks the pallet's invariants afterwards.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Participants::do_try_state().expect("invariants hold after every test");
	});
}
