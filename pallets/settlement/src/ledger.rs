//! The households' records of each slot, as the pallets before settlement fill them: orders
//! with their deposits (pallet `orders`) and meter readings (pallet `metering`).
use crate::{
	pallet::*,
	types::{is_cancelled, SlotRecord},
};
use alloc::vec::Vec;
use frame_support::traits::{fungible::Mutate, tokens::Preservation, Get};
use wattle_double_auction::{Order, OrderId};
use wattle_primitives::{
	Balance, LedgerError, MarketClock, MarketObligations, Reading, Slot, SlotLedger, ZoneId,
};

impl<T: Config> Pallet<T> {
	/// `who`'s record of `slot`, a new one in `zone` if it has none, unless it is settled.
	fn unsettled_record(
		slot: Slot,
		who: &T::AccountId,
		zone: ZoneId,
	) -> Result<SlotRecord<T::MaxOrdersPerAccountPerSlot>, LedgerError> {
		let record = Positions::<T>::get(slot, who).unwrap_or_else(|| SlotRecord::new(zone));
		match record.bill {
			Some(_) => Err(LedgerError::Settled),
			None => Ok(record),
		}
	}
}

impl<T: Config> SlotLedger<T::AccountId> for Pallet<T> {
	fn max_orders_per_slot() -> u32 {
		T::MaxOrdersPerAccountPerSlot::get()
	}

	fn orders(slot: Slot, who: &T::AccountId) -> Vec<Order> {
		Positions::<T>::get(slot, who)
			.map(|record| record.live_orders().copied().collect())
			.unwrap_or_default()
	}

	fn terms(slot: Slot, who: &T::AccountId) -> Option<(Balance, Balance)> {
		Positions::<T>::get(slot, who)
			.filter(|record| !record.orders.is_empty())
			.map(|record| (record.grid_fee, record.collateral))
	}

	fn add_order(
		slot: Slot,
		who: &T::AccountId,
		zone: ZoneId,
		grid_fee: Balance,
		collateral: Balance,
		order: Order,
		deposit: Balance,
	) -> Result<(), LedgerError> {
		let mut record = Self::unsettled_record(slot, who, zone)?;
		if record.orders.is_empty() {
			record.zone = zone;
			record.grid_fee = grid_fee;
			record.collateral = collateral;
		}
		record.orders.try_push(order).map_err(|_| LedgerError::TooManyOrders)?;
		record.deposit = record.deposit.saturating_add(deposit);
		T::Currency::transfer(who, &Self::escrow_account(), deposit, Preservation::Preserve)
			.map_err(|_| LedgerError::InsufficientBalance)?;
		Positions::<T>::insert(slot, who, record);
		Ok(())
	}

	fn cancel_order(
		slot: Slot,
		who: &T::AccountId,
		id: OrderId,
		deposit: Balance,
	) -> Result<(), LedgerError> {
		let mut record = Positions::<T>::get(slot, who).ok_or(LedgerError::UnknownOrder)?;
		let cancelled = record
			.orders
			.iter_mut()
			.find(|order| order.id == id && !is_cancelled(order))
			.ok_or(LedgerError::UnknownOrder)?;
		// The order stays in the record with no energy, so that it keeps counting against the
		// household's `MaxOrdersPerAccountPerSlot`: placing and cancelling again and again
		// cannot use up the slot's order count that every household shares.
		cancelled.energy_wh = 0;
		let refund = deposit.min(record.deposit);
		record.deposit = record.deposit.saturating_sub(refund);
		// The escrow holds every unsettled deposit, so it can always pay this one back.
		T::Currency::transfer(&Self::escrow_account(), who, refund, Preservation::Preserve)
			.map_err(|_| LedgerError::InsufficientBalance)?;
		Positions::<T>::insert(slot, who, record);
		Ok(())
	}

	fn record_reading(
		slot: Slot,
		who: &T::AccountId,
		zone: ZoneId,
		reading: Reading,
	) -> Result<(), LedgerError> {
		let mut record = Self::unsettled_record(slot, who, zone)?;
		if record.reading.is_some() {
			return Err(LedgerError::DuplicateReading);
		}
		record.reading = Some(reading);
		Positions::<T>::insert(slot, who, record);
		Ok(())
	}

	fn reading(slot: Slot, who: &T::AccountId) -> Option<Reading> {
		Positions::<T>::get(slot, who).and_then(|record| record.reading)
	}

	fn has_unsettled(who: &T::AccountId) -> bool {
		// Records exist from the first settled slot to `max_slots_ahead` slots after now. A
		// settlement backlog longer than the scan bound counts as open business, so the scan
		// stays bounded and deregistration merely waits.
		let config = T::Clock::config();
		let current = T::Clock::current_slot();
		let first = Self::next_slot_to_settle().map_or(current, |next| next.min(current));
		let last = current.saturating_add(config.max_slots_ahead as Slot);
		let bound = UNSETTLED_SCAN.saturating_add(config.max_slots_ahead as Slot);
		if last.saturating_sub(first) > bound {
			return true;
		}
		(first..=last)
			.any(|slot| Positions::<T>::get(slot, who).is_some_and(|record| record.is_open()))
	}
}

/// Slots beyond the ordering horizon that `has_unsettled` looks at: those clearing, in delivery,
/// metering and settling.
pub const UNSETTLED_SCAN: Slot = 32;

impl<T: Config> MarketObligations<T::AccountId> for Pallet<T> {
	fn has_open_obligations(who: &T::AccountId) -> bool {
		<Self as SlotLedger<T::AccountId>>::has_unsettled(who)
	}

	fn check_weight() -> frame_support::weights::Weight {
		let slots = (T::Clock::config().max_slots_ahead as u64)
			.saturating_add(UNSETTLED_SCAN)
			.saturating_add(1);
		T::DbWeight::get().reads(slots.saturating_add(3))
	}
}
