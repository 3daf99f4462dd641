//! Storage migrations of the books, run by the runtime's `Executive` at an upgrade.
pub mod v1 {
	//! Version 1: each order of a book carries its household's zone (issue 16), which clearing
	//! needs to split the market at congested links.
	use crate::{pallet::*, BookEntry, BookLine};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use wattle_primitives::ParticipantRegistry;

	/// An order of a book as version 0 stored it.
	#[derive(Encode, Decode)]
	pub struct BookLineV0<AccountId> {
		pub order: BookEntry,
		pub owner: AccountId,
	}

	/// Writes each order's zone, the zone of the household that placed it (households never
	/// change zone), into every page of every book still stored: the open slots and those not
	/// yet settled. One registry read an order, in one block: fine for today's networks; a
	/// city's books need a multi-block migration (`pallet-migrations`).
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut pages, mut orders) = (0u64, 0u64);
			SlotBook::<T>::translate::<BoundedVec<BookLineV0<T::AccountId>, T::OrdersPerPage>, _>(
				|_, _, old| {
					pages = pages.saturating_add(1);
					orders = orders.saturating_add(old.len() as u64);
					let lines = old.into_iter().map(|line| BookLine {
						order: line.order,
						// A household without an entry has left: its orders were pruned with it,
						// so this does not happen; zone 0 keeps the page decodable if it did.
						zone: T::Registry::participant(&line.owner).map_or(0, |p| p.zone),
						owner: line.owner,
					});
					Some(BoundedVec::truncate_from(lines.collect()))
				},
			);
			log::info!(target: "wattle::orders", "v1: {orders} orders on {pages} pages given their zone");
			T::DbWeight::get().reads_writes(pages.saturating_add(orders), pages)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let orders: u64 = SlotBook::<T>::iter_keys()
				.map(|(slot, page)| {
					frame_support::storage::unhashed::get::<
						BoundedVec<BookLineV0<T::AccountId>, T::OrdersPerPage>,
					>(&SlotBook::<T>::hashed_key_for(slot, page))
					.map_or(0, |lines| lines.len() as u64)
				})
				.sum();
			Ok(orders.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre_upgrade state"))?;
			let after: u64 = SlotBook::<T>::iter_values().map(|lines| lines.len() as u64).sum();
			ensure!(before == after, "an order was lost in the migration");
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
