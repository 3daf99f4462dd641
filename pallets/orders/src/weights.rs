//! Weights of `pallet-orders`.
//!
//! PROVISIONAL: these numbers are estimates (reads and writes counted by hand from the code at
//! the worst case of every bound, plus 100 µs of execution), not yet measured.
//! `scripts/benchmark.sh` replaces this file with the output of `wattle-node benchmark pallet`.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// The weight of each call of this pallet.
pub trait WeightInfo {
	fn place_order() -> Weight;
	fn cancel_order() -> Weight;
}

const EXECUTION: u64 = 100_000_000;
/// A full page of the book (33 bytes an order) plus the account's lists, rounded up.
const PROOF: u64 = 40_000;

fn estimate(db: RuntimeDbWeight, reads: u64, writes: u64) -> Weight {
	Weight::from_parts(EXECUTION, PROOF).saturating_add(db.reads_writes(reads, writes))
}

/// Weights for the Wattle runtime, using its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn place_order() -> Weight { estimate(T::DbWeight::get(), 28, 7) }
	fn cancel_order() -> Weight { estimate(T::DbWeight::get(), 7, 7) }
}

/// For tests: the same estimates with RocksDB's database weights.
impl WeightInfo for () {
	fn place_order() -> Weight { estimate(RocksDbWeight::get(), 28, 7) }
	fn cancel_order() -> Weight { estimate(RocksDbWeight::get(), 7, 7) }
}
