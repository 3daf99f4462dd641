//! The zones' links to the hub as clearing reads them ([`GridLinks`]), and the operator's
//! changes to them.
use crate::pallet::*;
use frame_support::pallet_prelude::*;
use wattle_primitives::{
	EnergyWh, GridLinks, MarketClock, Slot, SlotPhase, ZoneId, ZoneLink, MAX_ZONES,
};

impl<T: Config> GridLinks for Pallet<T> {
	fn links(slot: Slot) -> alloc::vec::Vec<ZoneLink> {
		let mut links = Links::<T>::get().into_inner();
		for link in links.iter_mut() {
			if let Some(limited) = SlotLinks::<T>::get(slot, link.zone) {
				*link = limited;
			}
		}
		links
	}

	fn forget(slot: Slot) {
		let _ = SlotLinks::<T>::clear_prefix(slot, MAX_ZONES, None);
	}
}

impl<T: Config> Pallet<T> {
	/// `zone`'s link with its default caps.
	pub(crate) fn default_link(zone: ZoneId) -> Option<ZoneLink> {
		let links = Links::<T>::get();
		links
			.binary_search_by_key(&zone, |link| link.zone)
			.ok()
			.and_then(|index| links.get(index).copied())
	}

	pub(crate) fn do_set_link_caps(
		zone: ZoneId,
		export_cap_wh: EnergyWh,
		import_cap_wh: EnergyWh,
	) -> DispatchResult {
		Links::<T>::try_mutate(|links| -> DispatchResult {
			let link =
				links.iter_mut().find(|link| link.zone == zone).ok_or(Error::<T>::UnknownZone)?;
			*link = ZoneLink { zone, export_cap_wh, import_cap_wh };
			Ok(())
		})?;
		Self::deposit_event(Event::LinkCapsSet { zone, export_cap_wh, import_cap_wh });
		Ok(())
	}

	/// The slots whose gate has closed and that have not started keep the caps they were
	/// cleared under when the defaults change: a result checked by the pool stays valid in
	/// the block. There are at most `gate_closure_secs / slot_secs + 1` of them.
	pub(crate) fn keep_caps_of_slots_in_clearing(zone: ZoneId) {
		let Some(default) = Self::default_link(zone) else { return };
		let config = T::Clock::config();
		let first = T::Clock::current_slot().saturating_add(1);
		let count = config.slots_in_clearing_at_most();
		for slot in first..first.saturating_add(count) {
			if T::Clock::phase(slot) == SlotPhase::Clearing
				&& !SlotLinks::<T>::contains_key(slot, zone)
			{
				SlotLinks::<T>::insert(slot, zone, default);
			}
		}
	}
}
