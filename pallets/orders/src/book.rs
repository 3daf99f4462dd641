//! Placing and cancelling orders, and the book as clearing and settlement read it.
use crate::{pallet::*, types::*, BookEntry, MarketClock, OrderId, Side, SlotPhase};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use wattle_double_auction::ZonedOrder;
use wattle_primitives::{
	connection_capacity_wh, order_deposit, order_id, order_slot, AdmissionStatus, Balance,
	LedgerError, ParticipantRegistry, Slot, SlotLedger,
};

impl<T: Config> Pallet<T> {
	/// The caller's admission, its zone's tariffs and the market's rules: the checks every order
	/// of one call shares.
	pub(crate) fn quote(who: &T::AccountId) -> Result<Quote, DispatchError> {
		let participant = T::Registry::participant(who).ok_or(Error::<T>::NotRegistered)?;
		match participant.status {
			AdmissionStatus::Approved => {},
			AdmissionStatus::Pending => return Err(Error::<T>::NotApproved.into()),
			AdmissionStatus::Suspended => return Err(Error::<T>::Suspended.into()),
		}
		ensure!(participant.debt == 0, Error::<T>::InDebt);
		let config = Configuration::<T>::get();
		ensure!(participant.reputation >= config.min_reputation, Error::<T>::ReputationTooLow);
		let tariffs = T::Registry::zone(participant.zone).ok_or(Error::<T>::UnknownZone)?.tariffs;
		Ok(Quote { participant, tariffs, config, now_secs: <Self as MarketClock>::now_secs() })
	}

	/// Places one order under `quote`. Returns its id.
	pub(crate) fn do_place_order(
		quote: &Quote,
		who: &T::AccountId,
		spec: OrderSpec,
	) -> Result<OrderId, DispatchError> {
		let OrderSpec { slot, side, energy_wh, price } = spec;
		match side {
			Side::Buy => ensure!(quote.participant.role.may_buy(), Error::<T>::RoleCannotBuy),
			Side::Sell => ensure!(quote.participant.role.may_sell(), Error::<T>::RoleCannotSell),
		}
		match quote.config.phase(slot, quote.now_secs) {
			SlotPhase::Open => {},
			SlotPhase::NotOpen => return Err(Error::<T>::SlotTooFarAhead.into()),
			SlotPhase::Clearing => return Err(Error::<T>::GateClosed.into()),
			_ => return Err(Error::<T>::SlotInPast.into()),
		}
		ensure!(energy_wh > 0, Error::<T>::ZeroEnergy);
		ensure!(price > 0, Error::<T>::ZeroPrice);
		ensure!(price <= quote.config.max_price, Error::<T>::PriceTooHigh);

		let own = T::Ledger::orders(slot, who);
		let capacity =
			connection_capacity_wh(quote.participant.max_power_w, quote.config.slot_secs);
		let committed = own
			.iter()
			.filter(|order| order.side == side)
			.fold(0u64, |total, order| total.saturating_add(order.energy_wh));
		ensure!(
			committed.checked_add(energy_wh).is_some_and(|total| total <= capacity),
			Error::<T>::ExceedsConnectionCapacity
		);

		// A household's orders of one slot are all held under the tariffs of its first one, so a
		// tariff change never leaves part of its position under-held.
		let (grid_fee, collateral) = T::Ledger::terms(slot, who)
			.unwrap_or((quote.tariffs.grid_fee, quote.tariffs.seller_collateral));
		let mut summary = Books::<T>::get(slot);
		let order = BookEntry { id: order_id(slot, summary.placed), side, energy_wh, price };
		let held = order_deposit(&order, grid_fee, collateral).ok_or(Error::<T>::AmountOverflow)?;
		ensure!(summary.placed < T::MaxOrdersPerSlot::get(), Error::<T>::SlotFull);
		T::Ledger::add_order(slot, who, quote.participant.zone, grid_fee, collateral, order, held)
			.map_err(Self::ledger_error)?;
		// Pages fill in order and a cancellation leaves its room unused, so `seq / OrdersPerPage`
		// is the page and `placed` bounds the pages.
		SlotBook::<T>::try_mutate(slot, Self::page_of(order.id), |page| {
			page.try_push(BookLine { order, zone: quote.participant.zone, owner: who.clone() })
		})
		.map_err(|_| Error::<T>::SlotFull)?;
		summary.placed = summary.placed.saturating_add(1);
		summary.open = summary.open.saturating_add(1);
		Books::<T>::insert(slot, summary);
		Self::deposit_event(Event::OrderPlaced {
			id: order.id,
			who: who.clone(),
			slot,
			side,
			energy_wh,
			price,
			held,
		});
		Ok(order.id)
	}

	/// Cancels `who`'s order `id` while its slot is open, paying its deposit back.
	pub(crate) fn do_cancel_order(who: &T::AccountId, id: OrderId) -> DispatchResult {
		let slot = order_slot(id);
		let page = Self::page_of(id);
		let mut lines = SlotBook::<T>::get(slot, page);
		let index =
			lines.iter().position(|line| line.order.id == id).ok_or(Error::<T>::UnknownOrder)?;
		let line = lines.remove(index);
		ensure!(line.owner == *who, Error::<T>::NotOrderOwner);
		match Self::phase(slot) {
			SlotPhase::Open | SlotPhase::NotOpen => {},
			_ => return Err(Error::<T>::GateClosed.into()),
		}
		let (grid_fee, collateral) = T::Ledger::terms(slot, who).ok_or(Error::<T>::UnknownOrder)?;
		let released =
			order_deposit(&line.order, grid_fee, collateral).ok_or(Error::<T>::AmountOverflow)?;
		T::Ledger::cancel_order(slot, who, id, released).map_err(Self::ledger_error)?;
		SlotBook::<T>::insert(slot, page, lines);
		Books::<T>::mutate(slot, |summary| summary.open = summary.open.saturating_sub(1));
		Self::deposit_event(Event::OrderCancelled { id, who: who.clone(), slot, released });
		Ok(())
	}

	fn ledger_error(error: LedgerError) -> DispatchError {
		match error {
			LedgerError::TooManyOrders => Error::<T>::TooManyOrdersForAccount,
			LedgerError::InsufficientBalance => Error::<T>::InsufficientBalance,
			LedgerError::UnknownOrder => Error::<T>::UnknownOrder,
			LedgerError::Settled | LedgerError::DuplicateReading => Error::<T>::SlotSettled,
		}
		.into()
	}

	pub(crate) fn pages_of(summary: &BookSummary) -> u32 {
		summary.placed.div_ceil(T::OrdersPerPage::get().max(1))
	}

	/// How big `slot`'s book is.
	pub fn book_summary(slot: Slot) -> BookSummary {
		Books::<T>::get(slot)
	}

	/// Page `page` of `slot`'s book, with the orders' owners.
	pub fn book_page(slot: Slot, page: u32) -> Vec<BookLine<T::AccountId>> {
		SlotBook::<T>::get(slot, page).into_inner()
	}
}

impl<T: Config> wattle_primitives::OrderBook for Pallet<T> {
	fn orders_per_page() -> u32 {
		T::OrdersPerPage::get()
	}

	fn max_pages() -> u32 {
		T::MaxOrdersPerSlot::get().div_ceil(T::OrdersPerPage::get().max(1))
	}

	fn pages(slot: Slot) -> u32 {
		Self::pages_of(&Books::<T>::get(slot))
	}

	fn open_orders(slot: Slot) -> u32 {
		Books::<T>::get(slot).open
	}

	fn page(slot: Slot, page: u32) -> Vec<ZonedOrder> {
		SlotBook::<T>::get(slot, page)
			.into_iter()
			.map(|line| ZonedOrder { zone: line.zone, order: line.order })
			.collect()
	}

	fn prune_last_page(slot: Slot) -> u32 {
		let mut summary = Books::<T>::get(slot);
		let Some(last) = Self::pages_of(&summary).checked_sub(1) else {
			Books::<T>::remove(slot);
			return 0;
		};
		let listed = SlotBook::<T>::take(slot, last).len() as u32;
		summary.open = summary.open.saturating_sub(listed);
		if last == 0 {
			Books::<T>::remove(slot);
		} else {
			summary.placed = last.saturating_mul(T::OrdersPerPage::get());
			Books::<T>::insert(slot, summary);
		}
		last
	}
}

impl<T: Config> wattle_primitives::BookFixtures for Pallet<T> {
	// A benchmark's book of known size: no user input reaches it.
	#[allow(clippy::arithmetic_side_effects)]
	fn fill_for_benchmarks(slot: Slot, orders: u32, zones: &[wattle_primitives::ZoneId]) {
		use codec::Decode;
		use sp_runtime::traits::TrailingZeroInput;
		let per_page = T::OrdersPerPage::get().max(1);
		let owner = T::AccountId::decode(&mut TrailingZeroInput::zeroes())
			.expect("infinite input decodes; qed");
		let mut summary = Books::<T>::get(slot);
		let mut page: BoundedVec<BookLine<T::AccountId>, T::OrdersPerPage> = BoundedVec::new();
		for i in 0..orders {
			let seq = summary.placed;
			let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
			// Prices spread over 0.10..0.30 WTL/kWh on both sides, so the book crosses widely.
			let price = 100_000_000 + ((i as Balance * 7_919) % 200) * 1_000_000;
			let order = BookEntry { id: order_id(slot, seq), side, energy_wh: 10, price };
			// Zone 0 without zones: the zone of every benchmark genesis.
			let zone = zones.get((i as usize / 2) % zones.len().max(1)).copied().unwrap_or(0);
			let _ = page.try_push(BookLine { order, zone, owner: owner.clone() });
			summary.placed = summary.placed.saturating_add(1);
			summary.open = summary.open.saturating_add(1);
			if summary.placed.is_multiple_of(per_page) || i + 1 == orders {
				SlotBook::<T>::insert(slot, seq / per_page, core::mem::take(&mut page));
			}
		}
		Books::<T>::insert(slot, summary);
	}
}
