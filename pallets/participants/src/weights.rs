//! Weights of `pallet-participants`.
//!
//! PROVISIONAL: these numbers are estimates (reads and writes counted by hand from the code,
//! plus 50 µs of execution each), not yet measured. `scripts/benchmark.sh` replaces this file
//! with the output of `wattle-node benchmark pallet` (a node built with `runtime-benchmarks`).
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call of this pallet.
pub trait WeightInfo {
	fn create_zone() -> Weight;
	fn set_tariffs() -> Weight;
	fn register() -> Weight;
	fn approve() -> Weight;
	fn suspend() -> Weight;
	fn reinstate() -> Weight;
	fn add_oracle() -> Weight;
	fn remove_oracle() -> Weight;
	fn update_meter() -> Weight;
	fn deregister() -> Weight;
	fn repay_debt() -> Weight;
}

const EXECUTION: u64 = 50_000_000;
const PROOF: u64 = 8_000;

fn estimate<T: Get<frame_support::weights::RuntimeDbWeight>>(reads: u64, writes: u64) -> Weight {
	Weight::from_parts(EXECUTION, PROOF).saturating_add(T::get().reads_writes(reads, writes))
}

/// Weights for the Wattle runtime, using its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_zone() -> Weight { estimate::<T::DbWeight>(2, 2) }
	fn set_tariffs() -> Weight { estimate::<T::DbWeight>(1, 1) }
	fn register() -> Weight { estimate::<T::DbWeight>(5, 4) }
	fn approve() -> Weight { estimate::<T::DbWeight>(2, 1) }
	fn suspend() -> Weight { estimate::<T::DbWeight>(2, 2) }
	fn reinstate() -> Weight { estimate::<T::DbWeight>(2, 2) }
	fn add_oracle() -> Weight { estimate::<T::DbWeight>(2, 1) }
	fn remove_oracle() -> Weight { estimate::<T::DbWeight>(2, 1) }
	fn update_meter() -> Weight { estimate::<T::DbWeight>(3, 3) }
	fn deregister() -> Weight { estimate::<T::DbWeight>(6, 5) }
	fn repay_debt() -> Weight { estimate::<T::DbWeight>(4, 3) }
}

/// For tests: the same estimates with RocksDB's database weights.
impl WeightInfo for () {
	fn create_zone() -> Weight { estimate::<RocksDbWeight>(2, 2) }
	fn set_tariffs() -> Weight { estimate::<RocksDbWeight>(1, 1) }
	fn register() -> Weight { estimate::<RocksDbWeight>(5, 4) }
	fn approve() -> Weight { estimate::<RocksDbWeight>(2, 1) }
	fn suspend() -> Weight { estimate::<RocksDbWeight>(2, 2) }
	fn reinstate() -> Weight { estimate::<RocksDbWeight>(2, 2) }
	fn add_oracle() -> Weight { estimate::<RocksDbWeight>(2, 1) }
	fn remove_oracle() -> Weight { estimate::<RocksDbWeight>(2, 1) }
	fn update_meter() -> Weight { estimate::<RocksDbWeight>(3, 3) }
	fn deregister() -> Weight { estimate::<RocksDbWeight>(6, 5) }
	fn repay_debt() -> Weight { estimate::<RocksDbWeight>(4, 3) }
}
