//! Weights of `pallet_settlement`: PROVISIONAL, estimated for the new storage shape and not yet
//! measured. Regenerate with `scripts/benchmark.sh` before relying on them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, dead_code)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// The weight of each call of `pallet_settlement`.
pub trait WeightInfo {
	fn settle_households(n: u32, ) -> Weight;
	fn prune_page() -> Weight;
	fn prune_records(n: u32, ) -> Weight;
	fn empty_slot() -> Weight;
}

/// Estimated weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn settle_households(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(Weight::from_parts(70000000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn prune_page() -> Weight {
		Weight::from_parts(18000000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn prune_records(n: u32, ) -> Weight {
		Weight::from_parts(5000000, 4000)
			.saturating_add(Weight::from_parts(3000000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn empty_slot() -> Weight {
		Weight::from_parts(28000000, 4000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

/// The same estimates with RocksDB's database weights, for mock runtimes.
impl WeightInfo for () {
	fn settle_households(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(Weight::from_parts(70000000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn prune_page() -> Weight {
		Weight::from_parts(18000000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn prune_records(n: u32, ) -> Weight {
		Weight::from_parts(5000000, 4000)
			.saturating_add(Weight::from_parts(3000000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn empty_slot() -> Weight {
		Weight::from_parts(28000000, 4000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
