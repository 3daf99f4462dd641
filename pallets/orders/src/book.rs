//! A slot's book: orders kept in pages so that no read or walk of it is ever unbounded.
use crate::pallet::*;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use scale_info::TypeInfo;
use wattle_double_auction::{Order as BookEntry, OrderId, Side};
use wattle_primitives::{Balance, EnergyWh, Slot, ZoneId};

/// An open order, as its owner and settlement see it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct OrderRecord<AccountId> {
	/// Who placed it.
	pub owner: AccountId,
	/// The delivery slot.
	pub slot: Slot,
	/// Buy or sell.
	pub side: Side,
	/// The most energy it trades, in Wh.
	pub energy_wh: EnergyWh,
	/// Limit price, planck per Wh.
	pub price: Balance,
	/// The owner's zone at placement.
	pub zone: ZoneId,
	/// The zone's grid fee at placement, planck per Wh; what a bid's hold covers.
	pub grid_fee: Balance,
	/// Planck held for it now.
	pub held: Balance,
	/// The page of the slot's book it is listed on.
	pub page: u32,
}

/// Whether a slot's book still takes orders.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub enum BookStatus {
	/// Takes orders and cancellations until gate closure.
	#[default]
	Open,
	/// Cleared: every order is a contract for its fill.
	Cleared,
	/// Voided: nothing traded, every hold was released.
	Voided,
}

/// The size and state of a slot's book.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct BookSummary {
	/// Orders the slot received, cancelled ones included (bounded by `MaxOrdersPerSlot`).
	pub placed: u32,
	/// Orders open now.
	pub open: u32,
	/// Pages of `SlotBook` in use: 0..pages.
	pub pages: u32,
	/// Open, cleared or voided.
	pub status: BookStatus,
}

impl<T: Config> Pallet<T> {
	/// Lists `entry` in `slot`'s book and its owner's lists, checking every bound first.
	/// Returns the page it went to.
	pub(crate) fn add_to_book(
		who: &T::AccountId,
		slot: Slot,
		entry: BookEntry,
	) -> Result<u32, DispatchError> {
		let mut summary = Books::<T>::get(slot);
		ensure!(summary.placed < T::MaxOrdersPerSlot::get(), Error::<T>::SlotFull);
		let mut own = AccountOrders::<T>::get(who, slot);
		own.try_push(entry.id).map_err(|_| Error::<T>::TooManyOrdersForAccount)?;
		let mut slots = AccountSlots::<T>::get(who);
		if !slots.contains(&slot) {
			slots.try_push(slot).map_err(|_| Error::<T>::TooManyOpenSlots)?;
		}

		// New orders go to the last page; a full last page opens a new one. Cancellations leave
		// room on earlier pages, which stays unused: `placed` bounds the pages all the same.
		let mut page = summary.pages.saturating_sub(1);
		let mut entries = SlotBook::<T>::get(slot, page);
		if summary.pages == 0 || entries.is_full() {
			page = summary.pages;
			entries = BoundedVec::new();
			summary.pages = summary.pages.saturating_add(1);
		}
		entries.try_push(entry).map_err(|_| Error::<T>::SlotFull)?;

		summary.placed = summary.placed.saturating_add(1);
		summary.open = summary.open.saturating_add(1);
		SlotBook::<T>::insert(slot, page, entries);
		Books::<T>::insert(slot, summary);
		AccountOrders::<T>::insert(who, slot, own);
		AccountSlots::<T>::insert(who, slots);
		Ok(page)
	}

	/// Removes order `id` from its slot's book and its owner's lists, and forgets it.
	pub(crate) fn remove_from_book(id: OrderId, order: &OrderRecord<T::AccountId>) {
		SlotBook::<T>::mutate(order.slot, order.page, |entries| {
			entries.retain(|entry| entry.id != id);
		});
		Books::<T>::mutate(order.slot, |summary| summary.open = summary.open.saturating_sub(1));
		let own_left = AccountOrders::<T>::mutate(&order.owner, order.slot, |own| {
			own.retain(|other| *other != id);
			own.len()
		});
		if own_left == 0 {
			AccountOrders::<T>::remove(&order.owner, order.slot);
			AccountSlots::<T>::mutate(&order.owner, |slots| slots.retain(|s| *s != order.slot));
		}
		OpenOrders::<T>::remove(id);
	}

	/// Page `page` of `slot`'s book: what clearing needs of each order on it.
	pub fn book_page(slot: Slot, page: u32) -> BoundedVec<BookEntry, T::OrdersPerPage> {
		SlotBook::<T>::get(slot, page)
	}

	/// How big `slot`'s book is and whether it is still open.
	pub fn book_summary(slot: Slot) -> BookSummary {
		Books::<T>::get(slot)
	}
}

impl<T: Config> wattle_primitives::MarketObligations<T::AccountId> for Pallet<T> {
	fn has_open_obligations(who: &T::AccountId) -> bool {
		!AccountSlots::<T>::get(who).is_empty()
	}
}
