//! The walk through a slot being settled, in steps small enough that any block can take one:
//! collect each contracted bid, settle each participant, forget the book and old bills.
use crate::{
	pallet::*,
	rule::{self, ReputationRule},
	types::*,
	weights::WeightInfo,
};
use alloc::vec::Vec;
use frame_support::{
	defensive,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Preservation},
	},
};
use wattle_double_auction::{Order, Side};
use wattle_primitives::{
	Balance, ClearedSlots, ClearingState, MarketClock, MeterReadings, OrderBook,
	ParticipantRegistry, Slot, SlotPhase,
};

/// The page of the book a walk is reading, kept in memory between its steps.
type PageCache = Option<(Slot, u32, Vec<Order>)>;

/// What lies at a place in a slot's book.
enum At {
	Order(Order),
	PageEnd,
	BookEnd,
}

impl<T: Config> Pallet<T> {
	/// The most one step can weigh, a page load included.
	pub fn step_bound() -> Weight {
		T::WeightInfo::collect_bid()
			.max(T::WeightInfo::settle_participant())
			.max(T::WeightInfo::prune_page())
			.max(T::WeightInfo::prune_bill())
			.max(T::WeightInfo::empty_slot())
			.saturating_add(T::WeightInfo::load_page())
	}

	/// What a walk weighs besides its steps: reading and writing where it stands.
	fn walk_base() -> Weight {
		T::DbWeight::get().reads_writes(3, 1)
	}

	/// The most a walk of `steps` steps can weigh.
	pub fn walk_weight(steps: u32) -> Weight {
		Self::walk_base().saturating_add(Self::step_bound().saturating_mul(steps as u64))
	}

	/// Takes up to `max_steps` steps of settlement within `limit`, only in `only` if given.
	/// Returns the steps taken and their weight.
	pub(crate) fn walk(max_steps: u32, limit: Weight, only: Option<Slot>) -> (u32, Weight) {
		let issuance = T::Currency::total_issuance();
		let mut used = Self::walk_base();
		let bound = Self::step_bound();
		let mut progress = InProgress::<T>::get();
		let mut cache: PageCache = None;
		let mut steps = 0;
		while steps < max_steps && used.saturating_add(bound).all_lte(limit) {
			let Some(weight) = Self::step(&mut progress, &mut cache, only) else { break };
			used = used.saturating_add(weight);
			steps += 1;
		}
		InProgress::<T>::set(progress);
		if T::Currency::total_issuance() != issuance {
			defensive!("settlement changed the total issuance");
		}
		(steps, used)
	}

	/// One step, or `None` when there is nothing to do now.
	fn step(
		progress: &mut Option<Progress>,
		cache: &mut PageCache,
		only: Option<Slot>,
	) -> Option<Weight> {
		let Some(mut p) = *progress else {
			*progress = Self::start(only);
			return progress.map(|_| T::WeightInfo::empty_slot());
		};
		let transition = T::WeightInfo::empty_slot();
		let weight = match p.stage {
			Stage::Collect { page, index } => match Self::entry_at(p.slot, page, index, cache) {
				(At::Order(order), loaded) => {
					if order.side == Side::Buy {
						let moved =
							T::Book::collect_bid(order.id, p.totals.price, &Self::escrow_account());
						p.collected = p.collected.saturating_add(moved);
					}
					p.stage = Stage::Collect { page, index: index.saturating_add(1) };
					Self::cached(T::WeightInfo::collect_bid(), loaded)
				},
				(At::PageEnd, _) => {
					p.stage = Stage::Collect { page: page.saturating_add(1), index: 0 };
					transition
				},
				(At::BookEnd, _) => {
					p.stage = Stage::Positions { page: 0, index: 0 };
					transition
				},
			},
			Stage::Positions { page, index } => match Self::entry_at(p.slot, page, index, cache) {
				(At::Order(order), loaded) => {
					p.stage = Stage::Positions { page, index: index.saturating_add(1) };
					match T::Book::contracted_owner(order.id) {
						Some(who) => {
							Self::settle_participant(&mut p, &who);
							Self::cached(T::WeightInfo::settle_participant(), loaded)
						},
						// Its owner was settled with an earlier order.
						None => Self::cached(T::DbWeight::get().reads(1), loaded),
					}
				},
				(At::PageEnd, _) => {
					p.stage = Stage::Positions { page: page.saturating_add(1), index: 0 };
					transition
				},
				(At::BookEnd, _) => {
					p.stage = Stage::Readings;
					transition
				},
			},
			Stage::Readings => match T::Meter::any_reading(p.slot) {
				Some((who, _)) => {
					Self::settle_participant(&mut p, &who);
					T::WeightInfo::settle_participant()
				},
				None => {
					p.stage = Stage::PruneBook;
					transition
				},
			},
			Stage::PruneBook => {
				if T::Book::prune_last_page(p.slot) == 0 {
					T::Clearing::forget(p.slot);
					p.stage = Stage::PruneBills;
				}
				T::WeightInfo::prune_page()
			},
			Stage::PruneBills => {
				let expired = p.slot.checked_sub(T::BillRetentionSlots::get());
				if expired.is_some_and(|old| Bills::<T>::drain_prefix(old).next().is_some()) {
					T::WeightInfo::prune_bill()
				} else {
					Self::finish(&p, expired);
					*progress = None;
					return Some(transition);
				}
			},
		};
		*progress = Some(p);
		Some(weight)
	}

	/// The slot being settled, or else the next one to settle.
	pub fn next_slot_to_settle() -> Option<Slot> {
		InProgress::<T>::get().map(|progress| progress.slot).or_else(NextSlotToSettle::<T>::get)
	}

	/// The next slot's walk, if it can start now.
	fn start(only: Option<Slot>) -> Option<Progress> {
		let slot = NextSlotToSettle::<T>::get()?;
		if only.is_some_and(|only| only != slot) {
			return None;
		}
		Self::opening(slot).ok()
	}

	/// The start of `slot`'s walk, or why it cannot start yet: its metering window is open or
	/// its contracts are still being formed.
	pub(crate) fn opening(slot: Slot) -> Result<Progress, Error<T>> {
		ensure!(T::Clock::phase(slot) == SlotPhase::Settlement, Error::<T>::MeteringWindowOpen);
		let (stage, price) = match T::Clearing::clearing_state(slot) {
			ClearingState::Pending => return Err(Error::<T>::ClearingPending),
			// Contract formation released every order of a slot without trade.
			ClearingState::NoTrade => (Stage::Readings, 0),
			ClearingState::Traded { price } => (Stage::Collect { page: 0, index: 0 }, price),
		};
		Ok(Progress {
			slot,
			stage,
			collected: 0,
			paid_out: 0,
			totals: SlotTotals { price, ..Default::default() },
		})
	}

	fn finish(p: &Progress, expired: Option<Slot>) {
		if p.collected != p.paid_out {
			defensive!("a slot's escrow did not end at zero");
		}
		if let Some(old) = expired {
			SlotTotalsOf::<T>::remove(old);
		}
		SlotTotalsOf::<T>::insert(p.slot, p.totals);
		NextSlotToSettle::<T>::put(p.slot.saturating_add(1));
		Self::deposit_event(Event::SlotSettled {
			slot: p.slot,
			participants: p.totals.participants,
			volume_wh: p.totals.volume_wh,
			price: p.totals.price,
		});
	}

	/// The order at `index` of page `page` of `slot`'s book, and whether the page was loaded.
	fn entry_at(slot: Slot, page: u32, index: u32, cache: &mut PageCache) -> (At, bool) {
		if page >= T::Book::pages(slot) {
			return (At::BookEnd, false);
		}
		let mut loaded = false;
		if !cache.as_ref().is_some_and(|(s, p, _)| (*s, *p) == (slot, page)) {
			*cache = Some((slot, page, T::Book::page(slot, page)));
			loaded = true;
		}
		let entry = cache.as_ref().and_then(|(_, _, entries)| entries.get(index as usize).copied());
		(entry.map_or(At::PageEnd, At::Order), loaded)
	}

	/// A step's benchmarked weight, plus loading a full page of the book if it did.
	fn cached(weight: Weight, loaded: bool) -> Weight {
		if loaded {
			weight.saturating_add(T::WeightInfo::load_page())
		} else {
			weight
		}
	}

	/// Settles `who` in the slot of `p`: its position if it has one, its reading if there is
	/// one. Consumes both, so it is never settled twice.
	pub(crate) fn settle_participant(p: &mut Progress, who: &T::AccountId) {
		let slot = p.slot;
		let position = T::Book::position(slot, who);
		let reading = T::Meter::take(slot, who);
		let zone_id = position
			.map(|position| position.zone)
			.or_else(|| T::Registry::participant(who).map(|participant| participant.zone));
		let zone = zone_id.and_then(T::Registry::zone);
		let Some(zone) = zone.filter(|_| !Bills::<T>::contains_key(slot, who)) else {
			// A reading of an account that has left the market, or (never expected) a second
			// settlement: consume what is left without moving money.
			if position.is_some() {
				defensive!("a position to settle twice or without its zone");
				T::Book::close_position(slot, who, who, 0);
			}
			return;
		};
		let charges = rule::charges(position.as_ref(), reading, p.totals.price, &zone.tariffs);
		let escrow = Self::escrow_account();
		if charges.energy_received > 0 {
			match T::Currency::transfer(
				&escrow,
				who,
				charges.energy_received,
				Preservation::Preserve,
			) {
				Ok(_) => p.paid_out = p.paid_out.saturating_add(charges.energy_received),
				Err(_) => {
					defensive!("the escrow lacks what the slot's buyers paid in");
				},
			}
		}

		let operator = &zone.operator;
		let owed = charges.owed_to_operator();
		let mut bill = Bill {
			price: p.totals.price,
			bought_wh: position.map_or(0, |position| position.bought_wh),
			sold_wh: position.map_or(0, |position| position.sold_wh),
			imported_wh: reading.map_or(0, |(imported, _)| imported),
			exported_wh: reading.map_or(0, |(_, exported)| exported),
			reading_missing: charges.reading_missing,
			energy_paid: charges.energy_paid,
			energy_received: charges.energy_received,
			grid_fee: charges.grid_fee,
			imbalance_wh: charges.imbalance_wh,
			imbalance_charge: charges.imbalance_charge,
			imbalance_credit: charges.imbalance_credit,
			penalty: charges.penalty,
			..Default::default()
		};
		if charges.imbalance_credit > owed {
			let credit = charges.imbalance_credit - owed;
			let paid = Self::pay_from_balance(operator, who, credit);
			bill.unpaid_by_operator = credit - paid;
			if position.is_some() {
				T::Book::close_position(slot, who, operator, 0);
			}
		} else {
			let due = owed - charges.imbalance_credit;
			bill.paid_from_hold = match position {
				Some(_) => T::Book::close_position(slot, who, operator, due),
				None => 0,
			};
			let rest = due.saturating_sub(bill.paid_from_hold);
			bill.paid_from_balance = Self::pay_from_balance(who, operator, rest);
			bill.debt = rest.saturating_sub(bill.paid_from_balance);
			if bill.debt > 0 && T::Registry::add_debt(who, bill.debt).is_err() {
				log::warn!(target: "wattle::settlement", "debt of a departed account is not recorded");
			}
		}

		let rule = ReputationRule {
			gain: T::ReputationGain::get(),
			imbalance_loss: T::ImbalanceLoss::get(),
			missing_reading_loss: T::MissingReadingLoss::get(),
			debt_loss: T::DebtLoss::get(),
		};
		let tolerance = T::Clock::config().imbalance_tolerance_wh;
		bill.reputation_change = rule.delta(&charges, position.is_some(), tolerance, bill.debt > 0);
		if bill.reputation_change != 0 {
			T::Registry::adjust_reputation(who, bill.reputation_change);
		}

		Self::add_to_totals(&mut p.totals, &bill);
		Bills::<T>::insert(slot, who, bill);
		Self::deposit_event(Event::Settled {
			slot,
			who: who.clone(),
			energy_paid: bill.energy_paid,
			energy_received: bill.energy_received,
			grid_fee: bill.grid_fee,
			imbalance_wh: bill.imbalance_wh,
			imbalance_charge: bill.imbalance_charge,
			imbalance_credit: bill.imbalance_credit,
			penalty: bill.penalty,
			debt: bill.debt,
		});
	}

	/// Moves up to `amount` of `from`'s free balance to `to`, keeping `from` alive. Returns
	/// what moved.
	fn pay_from_balance(from: &T::AccountId, to: &T::AccountId, amount: Balance) -> Balance {
		let payable =
			T::Currency::reducible_balance(from, Preservation::Preserve, Fortitude::Polite)
				.min(amount);
		if payable == 0 {
			return 0;
		}
		T::Currency::transfer(from, to, payable, Preservation::Preserve).unwrap_or_default()
	}

	fn add_to_totals(totals: &mut SlotTotals, bill: &Bill) {
		totals.participants = totals.participants.saturating_add(1);
		totals.volume_wh = totals.volume_wh.saturating_add(bill.bought_wh);
		let magnitude = bill.imbalance_wh.unsigned_abs();
		if bill.imbalance_wh < 0 {
			totals.shortfall_wh = totals.shortfall_wh.saturating_add(magnitude);
		} else {
			totals.surplus_wh = totals.surplus_wh.saturating_add(magnitude);
		}
		totals.grid_fees = totals.grid_fees.saturating_add(bill.grid_fee);
		totals.imbalance_charges = totals.imbalance_charges.saturating_add(bill.imbalance_charge);
		totals.imbalance_credits = totals.imbalance_credits.saturating_add(bill.imbalance_credit);
		totals.penalties = totals.penalties.saturating_add(bill.penalty);
		totals.missing_readings =
			totals.missing_readings.saturating_add(bill.reading_missing as u32);
		totals.debt = totals.debt.saturating_add(bill.debt);
	}
}
