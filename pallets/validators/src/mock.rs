//! A mock runtime with Validators alone: session keys are a list the tests fill, and the tests
//! play `pallet-session`'s part by calling the session traits as it does.
use crate as pallet_validators;
use frame_support::{derive_impl, parameter_types, traits::ValidatorRegistration};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Validators: pallet_validators,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// Accounts that have set session keys.
	pub static WithKeys: Vec<AccountId> = vec![1, 2, 3, 4, 5];
}

pub struct MockKeys;
impl ValidatorRegistration<AccountId> for MockKeys {
	fn is_registered(id: &AccountId) -> bool {
		WithKeys::get().contains(id)
	}
}

#[cfg(any(test, feature = "runtime-benchmarks"))]
impl crate::BenchmarkHelper<AccountId> for MockKeys {
	fn set_session_keys(who: &AccountId) {
		WithKeys::mutate(|keys| keys.push(*who));
	}
}

pub const SESSION_LENGTH: u64 = 10;

impl pallet_validators::Config for Test {
	type ManagerOrigin = frame_system::EnsureRoot<AccountId>;
	type SessionKeys = MockKeys;
	type MaxValidators = frame_support::traits::ConstU32<4>;
	type MinValidators = frame_support::traits::ConstU32<1>;
	type SessionLength = frame_support::traits::ConstU64<SESSION_LENGTH>;
	type WeightInfo = ();
	#[cfg(any(test, feature = "runtime-benchmarks"))]
	type BenchmarkHelper = MockKeys;
}

/// Validators 1 and 2 at genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_validators::GenesisConfig::<Test> { validators: vec![1, 2] }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
