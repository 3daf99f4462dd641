//! Weights of `pallet-metering`.
//!
//! PROVISIONAL: estimates (per reading: 4 reads, 1 write and 100 µs, dominated by the sr25519
//! verification), not yet measured. `scripts/benchmark.sh` replaces this file with the output of
//! `wattle-node benchmark pallet`.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// The weight of each call of this pallet.
pub trait WeightInfo {
	fn submit_readings(readings: u32) -> Weight;
}

fn estimate(db: RuntimeDbWeight, readings: u32) -> Weight {
	let n = readings as u64;
	Weight::from_parts(20_000_000, 4_000)
		.saturating_add(Weight::from_parts(100_000_000, 2_000).saturating_mul(n))
		.saturating_add(db.reads_writes(1 + 4 * n, n))
}

/// Weights for the Wattle runtime, using its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_readings(readings: u32) -> Weight { estimate(T::DbWeight::get(), readings) }
}

/// For tests: the same estimates with RocksDB's database weights.
impl WeightInfo for () {
	fn submit_readings(readings: u32) -> Weight { estimate(RocksDbWeight::get(), readings) }
}
