//! Storage migrations of settlement, run by the runtime's `Executive` at an upgrade.
pub mod v1 {
	//! Version 1: the walk's progress keeps the slot's prices per zone and the congestion rent
	//! paid (issue 16). Only a walk interrupted by the upgrade is stored, at most one.
	use crate::{pallet::*, Progress, SlotTotals, Stage};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use wattle_double_auction::Clearing;
	use wattle_primitives::{Balance, ClearedPrices, Slot};

	/// The walk's progress as version 0 stored it.
	#[derive(Encode, Decode)]
	pub struct ProgressV0 {
		pub slot: Slot,
		pub clearing: Option<Clearing>,
		pub stage: Stage,
		pub paid_in: Balance,
		pub paid_out: Balance,
		pub totals: SlotTotals,
	}

	/// Moves a walk in progress to the new shape: its one price becomes
	/// [`ClearedPrices::Single`], no rent was paid.
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let _ = InProgress::<T>::translate::<ProgressV0, _>(|old| {
				old.map(|old| Progress {
					slot: old.slot,
					clearing: old.clearing.map(ClearedPrices::Single),
					stage: old.stage,
					paid_in: old.paid_in,
					paid_out: old.paid_out,
					totals: old.totals,
					rent_paid: 0,
				})
			});
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(
				frame_support::storage::unhashed::get_raw(&InProgress::<T>::hashed_key()).is_none()
					|| InProgress::<T>::get().is_some(),
				"the walk in progress does not decode"
			);
			Ok(())
		}
	}

	/// [`UncheckedMigrateToV1`], run only at storage version 0, which it moves to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
