//! Weights of `pallet-clearing`.
//!
//! PROVISIONAL: estimates, not yet measured. `scripts/benchmark.sh` replaces this file with the
//! output of `wattle-node benchmark pallet`.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// The weight of each call and hook of this pallet.
pub trait WeightInfo {
	/// Checking a result against a book of `pages` pages and storing it.
	fn verify_result(pages: u32) -> Weight;
	/// Clearing a book of `orders` orders on chain at the slot's start.
	fn clear_on_chain(orders: u32) -> Weight;
	/// Voiding a slot.
	fn void_slot() -> Weight;
	/// Turning a page of `orders` orders into contracts.
	fn form_contracts(orders: u32) -> Weight;
	fn set_authorities() -> Weight;
}

fn verify(db: RuntimeDbWeight, pages: u32) -> Weight {
	// A page: one read of about 17 KB and 512 verifier steps.
	Weight::from_parts(30_000_000, 2_000)
		.saturating_add(Weight::from_parts(2_000_000, 17_000).saturating_mul(pages as u64))
		.saturating_add(db.reads_writes(6 + pages as u64, 4))
}

fn clear_on_chain(db: RuntimeDbWeight, orders: u32) -> Weight {
	Weight::from_parts(30_000_000, 2_000)
		.saturating_add(Weight::from_parts(20_000, 40).saturating_mul(orders as u64))
		.saturating_add(db.reads_writes(6 + orders as u64 / 512 + 1, 4))
}

fn form_contracts(db: RuntimeDbWeight, orders: u32) -> Weight {
	// Per order: its record, the owner's balance and holds, written back.
	Weight::from_parts(10_000_000, 17_000)
		.saturating_add(Weight::from_parts(60_000, 300).saturating_mul(orders as u64))
		.saturating_add(db.reads_writes(3 + 4 * orders as u64, 2 + 3 * orders as u64))
}

/// Weights for the Wattle runtime, using its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn verify_result(pages: u32) -> Weight { verify(T::DbWeight::get(), pages) }
	fn clear_on_chain(orders: u32) -> Weight { clear_on_chain(T::DbWeight::get(), orders) }
	fn void_slot() -> Weight { T::DbWeight::get().reads_writes(4, 4).saturating_add(Weight::from_parts(20_000_000, 1_000)) }
	fn form_contracts(orders: u32) -> Weight { form_contracts(T::DbWeight::get(), orders) }
	fn set_authorities() -> Weight { T::DbWeight::get().writes(1).saturating_add(Weight::from_parts(10_000_000, 0)) }
}

/// For tests: the same estimates with RocksDB's database weights.
impl WeightInfo for () {
	fn verify_result(pages: u32) -> Weight { verify(RocksDbWeight::get(), pages) }
	fn clear_on_chain(orders: u32) -> Weight { clear_on_chain(RocksDbWeight::get(), orders) }
	fn void_slot() -> Weight { RocksDbWeight::get().reads_writes(4, 4).saturating_add(Weight::from_parts(20_000_000, 1_000)) }
	fn form_contracts(orders: u32) -> Weight { form_contracts(RocksDbWeight::get(), orders) }
	fn set_authorities() -> Weight { RocksDbWeight::get().writes(1).saturating_add(Weight::from_parts(10_000_000, 0)) }
}
