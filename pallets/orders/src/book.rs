//! A slot's book: orders kept in pages so that no read or walk of it is ever unbounded.
use crate::pallet::*;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
};
use scale_info::TypeInfo;
use wattle_double_auction::{fill_of, ClearingResult, Order as BookEntry, OrderId, Side};
use wattle_primitives::{Balance, EnergyWh, Position, Slot, ZoneId};

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
	/// Its fill once its slot is cleared: the energy it contracted to buy or sell.
	pub cleared_wh: Option<EnergyWh>,
	/// What a contracted bid has paid for its energy into the market's escrow at settlement.
	pub escrowed: Balance,
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
	/// Orders listed in the book: open, or contracted and not yet pruned after settlement.
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

impl<T: Config> wattle_primitives::OrderBook<T::AccountId> for Pallet<T> {
	fn orders_per_page() -> u32 {
		T::OrdersPerPage::get()
	}

	fn max_pages() -> u32 {
		T::MaxOrdersPerSlot::get().div_ceil(T::OrdersPerPage::get().max(1))
	}

	fn pages(slot: Slot) -> u32 {
		Books::<T>::get(slot).pages
	}

	fn open_orders(slot: Slot) -> u32 {
		Books::<T>::get(slot).open
	}

	fn is_open(slot: Slot) -> bool {
		Books::<T>::get(slot).status == BookStatus::Open
	}

	fn page(slot: Slot, page: u32) -> alloc::vec::Vec<BookEntry> {
		SlotBook::<T>::get(slot, page).into_inner()
	}

	fn close(slot: Slot, result: Option<&ClearingResult>) {
		Books::<T>::mutate(slot, |summary| {
			summary.status =
				if result.is_some() { BookStatus::Cleared } else { BookStatus::Voided };
		});
	}

	fn apply_page(slot: Slot, page: u32, result: Option<&ClearingResult>) -> u32 {
		let entries = SlotBook::<T>::get(slot, page);
		for entry in entries.iter() {
			let Some(mut order) = OpenOrders::<T>::get(entry.id) else { continue };
			let fill = result.map_or(0, |result| fill_of(entry, result));
			let keep = match (result, order.side) {
				(Some(ClearingResult::Trade(clearing)), Side::Buy) => {
					(fill as Balance).saturating_mul(clearing.price.saturating_add(order.grid_fee))
				},
				// An ask's hold is energy times the collateral per Wh, so this division is exact.
				(Some(_), Side::Sell) => (order.held / (order.energy_wh.max(1) as Balance))
					.saturating_mul(fill as Balance),
				_ => 0,
			};
			let excess = order.held.saturating_sub(keep);
			// Releasing less than is held cannot fail; `BestEffort` keeps a hold changed by hand
			// from stopping the walk.
			let released = T::Currency::release(
				&HoldReason::Order.into(),
				&order.owner,
				excess,
				Precision::BestEffort,
			)
			.unwrap_or_default();
			order.held = order.held.saturating_sub(released);
			if fill == 0 {
				Self::remove_from_book(entry.id, &order);
			} else {
				order.cleared_wh = Some(fill);
				OpenOrders::<T>::insert(entry.id, order);
			}
		}
		entries.len() as u32
	}

	fn contracted_owner(id: OrderId) -> Option<T::AccountId> {
		OpenOrders::<T>::get(id).filter(|order| order.cleared_wh.is_some()).map(|order| order.owner)
	}

	fn collect_bid(id: OrderId, price: Balance, escrow: &T::AccountId) -> Balance {
		let Some(mut order) = OpenOrders::<T>::get(id) else { return 0 };
		let (Side::Buy, Some(fill), 0) = (order.side, order.cleared_wh, order.escrowed) else {
			return 0;
		};
		let amount = (fill as Balance).saturating_mul(price).min(order.held);
		// The hold was sized at contract formation to cover exactly this plus the grid fee.
		let moved = T::Currency::transfer_on_hold(
			&HoldReason::Order.into(),
			&order.owner,
			escrow,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)
		.unwrap_or_default();
		order.held = order.held.saturating_sub(moved);
		order.escrowed = moved;
		OpenOrders::<T>::insert(id, order);
		moved
	}

	fn position(slot: Slot, who: &T::AccountId) -> Option<Position> {
		let mut position: Option<Position> = None;
		for order in AccountOrders::<T>::get(who, slot).iter().filter_map(OpenOrders::<T>::get) {
			let Some(fill) = order.cleared_wh else { continue };
			let p = position.get_or_insert(Position { zone: order.zone, ..Default::default() });
			p.held = p.held.saturating_add(order.held);
			match order.side {
				Side::Buy => {
					p.bought_wh = p.bought_wh.saturating_add(fill);
					p.grid_fee =
						p.grid_fee.saturating_add((fill as Balance).saturating_mul(order.grid_fee));
				},
				Side::Sell => p.sold_wh = p.sold_wh.saturating_add(fill),
			}
		}
		position
	}

	fn close_position(
		slot: Slot,
		who: &T::AccountId,
		payee: &T::AccountId,
		amount: Balance,
	) -> Balance {
		let ids = AccountOrders::<T>::take(who, slot);
		let held = ids
			.iter()
			.filter_map(|id| OpenOrders::<T>::take(id))
			.fold(0, |total: Balance, order| total.saturating_add(order.held));
		AccountSlots::<T>::mutate(who, |slots| slots.retain(|s| *s != slot));
		let reason = HoldReason::Order.into();
		let paid = T::Currency::transfer_on_hold(
			&reason,
			who,
			payee,
			amount.min(held),
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)
		.unwrap_or_default();
		// What the orders hold is on hold under this reason, so the release is exact; a hold
		// changed by other means must not stop settlement.
		let _ =
			T::Currency::release(&reason, who, held.saturating_sub(paid), Precision::BestEffort);
		paid
	}

	fn prune_last_page(slot: Slot) -> u32 {
		let mut summary = Books::<T>::get(slot);
		let Some(last) = summary.pages.checked_sub(1) else {
			Books::<T>::remove(slot);
			return 0;
		};
		let listed = SlotBook::<T>::take(slot, last).len() as u32;
		summary.pages = last;
		summary.open = summary.open.saturating_sub(listed);
		if last == 0 {
			Books::<T>::remove(slot);
		} else {
			Books::<T>::insert(slot, summary);
		}
		last
	}

	fn fill_for_benchmarks(slot: Slot, orders: u32, with_owners: bool) {
		Self::fill_book_for_benchmarks(slot, orders, with_owners)
	}

	fn contract_for_benchmarks(slot: Slot, who: &T::AccountId, fill_wh: EnergyWh, price: Balance) {
		use frame_support::traits::fungible::{Inspect, Mutate};
		use wattle_primitives::ParticipantRegistry;
		let zone = T::Registry::participant(who).expect("admitted before its orders; qed").zone;
		let tariffs = T::Registry::zone(zone).expect("a participant's zone exists; qed").tariffs;
		let (grid_fee, collateral) = (tariffs.grid_fee, tariffs.seller_collateral);
		for i in 0..T::MaxOrdersPerAccountPerSlot::get() {
			let id = NextOrderId::<T>::get();
			let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
			let per_wh = match side {
				Side::Buy => price.saturating_add(grid_fee),
				Side::Sell => collateral,
			};
			let held = per_wh.saturating_mul(fill_wh as Balance);
			let balance = T::Currency::balance(who);
			T::Currency::set_balance(who, balance.saturating_add(held));
			let entry = BookEntry { id, side, energy_wh: fill_wh, price };
			let page = Self::add_to_book(who, slot, entry).expect("within the bounds; qed");
			T::Currency::hold(&HoldReason::Order.into(), who, held).expect("funded above; qed");
			NextOrderId::<T>::put(id.saturating_add(1));
			OpenOrders::<T>::insert(
				id,
				OrderRecord {
					owner: who.clone(),
					slot,
					side,
					energy_wh: fill_wh,
					price,
					zone,
					grid_fee,
					held,
					page,
					cleared_wh: Some(fill_wh),
					escrowed: 0,
				},
			);
		}
		Books::<T>::mutate(slot, |summary| summary.status = BookStatus::Cleared);
	}
}

impl<T: Config> Pallet<T> {
	fn fill_book_for_benchmarks(slot: Slot, orders: u32, with_owners: bool) {
		use frame_support::traits::fungible::Mutate;
		use sp_runtime::traits::TrailingZeroInput;
		let per_page = T::OrdersPerPage::get().max(1);
		let mut summary = Books::<T>::get(slot);
		let first = NextOrderId::<T>::get();
		let mut page: BoundedVec<BookEntry, T::OrdersPerPage> = BoundedVec::new();
		for i in 0..orders {
			let id = first.saturating_add(i as OrderId);
			let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
			// Prices spread over 0.10..0.30 WTL/kWh on both sides, so the book crosses widely.
			let price = 100_000_000 + ((i as Balance * 7_919) % 200) * 1_000_000;
			let entry = BookEntry { id, side, energy_wh: 10, price };
			if with_owners {
				let owner = T::AccountId::decode(&mut TrailingZeroInput::new(
					&(b"wattle/bench-owner", i).encode(),
				))
				.expect("infinite input decodes; qed");
				let held = 10 * (price + 30_000_000);
				T::Currency::set_balance(&owner, held.saturating_mul(10));
				let _ = T::Currency::hold(&HoldReason::Order.into(), &owner, held);
				OpenOrders::<T>::insert(
					id,
					OrderRecord {
						owner: owner.clone(),
						slot,
						side,
						energy_wh: 10,
						price,
						zone: 0,
						grid_fee: 30_000_000,
						held,
						page: summary.pages,
						cleared_wh: None,
						escrowed: 0,
					},
				);
				AccountOrders::<T>::mutate(&owner, slot, |own| {
					let _ = own.try_push(id);
				});
				AccountSlots::<T>::mutate(&owner, |slots| {
					let _ = slots.try_push(slot);
				});
			}
			let _ = page.try_push(entry);
			if page.len() as u32 == per_page || i + 1 == orders {
				SlotBook::<T>::insert(slot, summary.pages, core::mem::take(&mut page));
				summary.pages = summary.pages.saturating_add(1);
			}
		}
		summary.placed = summary.placed.saturating_add(orders);
		summary.open = summary.open.saturating_add(orders);
		Books::<T>::insert(slot, summary);
		NextOrderId::<T>::put(first.saturating_add(orders as OrderId));
	}
}

impl<T: Config> wattle_primitives::MarketObligations<T::AccountId> for Pallet<T> {
	fn has_open_obligations(who: &T::AccountId) -> bool {
		!AccountSlots::<T>::get(who).is_empty()
	}
}
