//! Weights of `pallet_orders`: PROVISIONAL, estimated for the new storage shape and not yet
//! measured. Regenerate with `scripts/benchmark.sh` before relying on them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, dead_code)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// The weight of each call of `pallet_orders`.
pub trait WeightInfo {
	fn place_order() -> Weight;
	fn cancel_order() -> Weight;
	fn place_orders(n: u32, ) -> Weight;
}

/// Estimated weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn place_order() -> Weight {
		Weight::from_parts(70000000, 4000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(60000000, 4000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn place_orders(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(Weight::from_parts(60000000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
	}
}

/// The same estimates with RocksDB's database weights, for mock runtimes.
impl WeightInfo for () {
	fn place_order() -> Weight {
		Weight::from_parts(70000000, 4000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(60000000, 4000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn place_orders(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(Weight::from_parts(60000000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(n.into())))
	}
}
