//! Benchmarks: adding to and removing from a validator set one short of its largest size (the
//! membership check and the removal walk the whole set).
//! Their tests run with the unit tests; `scripts/benchmark.sh` turns them into `weights.rs`.
use super::*;
use crate::pallet::{Call, Config, Pallet, Validators};
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;

fn fill_set<T: Config>(count: u32) -> alloc::vec::Vec<T::AccountId> {
	let set: alloc::vec::Vec<T::AccountId> =
		(0..count).map(|i| account("validator", i, 0)).collect();
	Validators::<T>::put(BoundedVec::truncate_from(set.clone()));
	set
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() {
		fill_set::<T>(T::MaxValidators::get() - 1);
		let joining: T::AccountId = account("joining", 0, 0);
		T::BenchmarkHelper::set_session_keys(&joining);
		#[extrinsic_call]
		_(RawOrigin::Root, joining.clone());
		assert!(Validators::<T>::get().contains(&joining));
	}

	#[benchmark]
	fn remove_validator() {
		let set = fill_set::<T>(T::MaxValidators::get());
		let leaving = set.last().cloned().expect("MaxValidators >= 1; qed");
		#[extrinsic_call]
		_(RawOrigin::Root, leaving.clone());
		assert!(!Validators::<T>::get().contains(&leaving));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
