//! Storage migrations of the registry, run by the runtime's `Executive` at an upgrade.
//!
//! Each is a [`frame_support::migrations::VersionedMigration`]: it runs only while the pallet's
//! on-chain storage version is the one it starts from, sets the next one, and is a no-op once
//! run, so a runtime may keep listing it.
pub mod v1 {
	//! Version 1: each participant carries `billed_from`, the first slot it is billed for
	//! whether it trades or not (issue 13).
	use crate::{pallet::*, AdmissionStatus, ParticipantInfo, Role, ZoneId};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_core::sr25519;
	use wattle_primitives::{Balance, MarketClock};

	/// A participant as version 0 stored it.
	#[derive(Encode, Decode)]
	pub struct ParticipantInfoV0 {
		pub role: Role,
		pub zone: ZoneId,
		pub status: AdmissionStatus,
		pub meter_key: sr25519::Public,
		pub max_power_w: u32,
		pub reputation: u16,
		pub debt: Balance,
	}

	/// Adds `billed_from` to every participant: for the admitted ones the slot after the one
	/// the clock shows (migrations run before the block's timestamp is set, so it is the last
	/// block's), as if they were approved now; `None` for the pending ones.
	/// One read and one write a participant, in one block: fine for the registries of today's
	/// networks; a registry of a city needs a multi-block migration (`pallet-migrations`).
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let from = T::Clock::current_slot().saturating_add(1);
			let mut count = 0u64;
			Registry::<T>::translate::<ParticipantInfoV0, _>(|_, old| {
				count = count.saturating_add(1);
				let billed_from = (old.status != AdmissionStatus::Pending).then_some(from);
				Some(ParticipantInfo {
					role: old.role,
					zone: old.zone,
					status: old.status,
					meter_key: old.meter_key,
					max_power_w: old.max_power_w,
					reputation: old.reputation,
					debt: old.debt,
					billed_from,
				})
			});
			log::info!(target: "wattle::participants", "v1: {count} participants billed from slot {from}");
			// The clock's two reads, then one read and one write a participant.
			T::DbWeight::get().reads_writes(count.saturating_add(2), count)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((Registry::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre_upgrade state"))?;
			let after = Registry::<T>::iter_values().count() as u64;
			ensure!(before == after, "a participant was lost in the migration");
			// The registry's own invariant; the rest of `try_state` waits for later versions.
			ensure!(
				Registry::<T>::iter_values()
					.all(|p| p.status == AdmissionStatus::Pending || p.billed_from.is_some()),
				"an admitted participant who is not billed"
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

pub mod v2 {
	//! Version 2: every zone has a link to the hub (issue 16), unbounded until its operator
	//! sets its caps, so that a market of zones created before market splitting clears as it
	//! did: at one price.
	use crate::pallet::*;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use wattle_primitives::ZoneLink;

	/// Gives every zone an unbounded link. One read a zone and one write; a market has at most
	/// `MAX_ZONES` zones.
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut zones: alloc::vec::Vec<_> = Zones::<T>::iter_keys().collect();
			zones.sort_unstable();
			let count = zones.len() as u64;
			let links = zones.into_iter().map(ZoneLink::unbounded).collect::<alloc::vec::Vec<_>>();
			if links.len() > wattle_primitives::MAX_ZONES as usize {
				log::error!(target: "wattle::participants", "v2: {count} zones, links for the first {}", wattle_primitives::MAX_ZONES);
			}
			Links::<T>::put(BoundedVec::truncate_from(links));
			log::info!(target: "wattle::participants", "v2: {count} zones linked to the hub, unbounded");
			T::DbWeight::get().reads_writes(count, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`UncheckedMigrateToV2`], run only at storage version 1, which it moves to 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
