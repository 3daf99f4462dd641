//! The walk through a slot being settled: every registered household once, from a stored cursor
//! (those with a record of the slot and those billed without one), then the slot's book, then
//! the records that have left the retention period.
use crate::{
	cut_links::CutInWalk,
	pallet::*,
	rule::{self, ReputationRule},
	types::*,
	weights::WeightInfo,
};
use alloc::collections::btree_map::BTreeMap;
use frame_support::{
	defensive,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Preservation},
	},
	weights::WeightMeter,
};
use wattle_double_auction::Side;
use wattle_primitives::{
	connection_capacity_wh, Balance, ClearedPrices, ClearedSlots, ClearingState, EnergyWh,
	MarketClock, MarketConfig, OrderBook, ParticipantInfo, ParticipantRegistry, Position, Reading,
	Slot, SlotPhase, ZoneInfo,
};

/// A zone as a walk meets it: its record, and its link's cut if its operator curtailed it.
struct ZoneInWalk<AccountId> {
	info: Option<ZoneInfo<AccountId>>,
	cut: Option<CutInWalk>,
}

/// The zones a walk has met, each read once.
type Zones<T> = BTreeMap<u32, ZoneInWalk<<T as frame_system::Config>::AccountId>>;

impl<T: Config> Pallet<T> {
	/// What settling one more household adds to a walk.
	pub fn household_weight() -> Weight {
		T::WeightInfo::settle_households(1).saturating_sub(T::WeightInfo::settle_households(0))
	}

	/// What meeting one more zone adds to a walk: its record, its operator's account and its
	/// link's cut, stored again when the walk moved its sharing on.
	fn zone_weight() -> Weight {
		T::DbWeight::get().reads_writes(3, 2)
	}

	/// What paying one zone's dues weighs: its cut, its record, the escrow's and its
	/// operator's accounts.
	fn zone_dues_weight() -> Weight {
		T::DbWeight::get().reads_writes(4, 2)
	}

	/// The most one step can weigh.
	pub fn step_bound() -> Weight {
		Self::household_weight()
			.saturating_add(Self::zone_weight())
			.max(T::WeightInfo::prune_page())
			.max(T::WeightInfo::prune_records(1))
			.max(T::WeightInfo::empty_slot())
			.max(Self::zone_dues_weight())
	}

	/// What a walk weighs besides its steps: where it stands, and the escrow's account.
	fn walk_base() -> Weight {
		T::WeightInfo::settle_households(0)
	}

	/// The most a walk of `steps` steps can weigh.
	pub fn walk_weight(steps: u32) -> Weight {
		Self::walk_base().saturating_add(Self::step_bound().saturating_mul(steps as u64))
	}

	/// Takes up to `max_steps` steps of settlement within `limit`, only in `only` if given.
	/// Returns the steps taken and their weight.
	pub(crate) fn walk(max_steps: u32, limit: Weight, only: Option<Slot>) -> (u32, Weight) {
		let mut meter = WeightMeter::with_limit(limit);
		// A walk that could not take one step would only read where it stands.
		if !meter.can_consume(Self::walk_base().saturating_add(Self::step_bound())) {
			return (0, Weight::zero());
		}
		meter.consume(Self::walk_base());
		let issuance = T::Currency::total_issuance();
		let mut progress = InProgress::<T>::get();
		let mut steps = 0;
		while steps < max_steps && meter.can_consume(Self::step_bound()) {
			let taken = match progress.take() {
				None => {
					progress = Self::start(only);
					if progress.is_none() {
						break;
					}
					meter.consume(T::WeightInfo::empty_slot());
					1
				},
				Some(p) => {
					Self::advance(p, &mut progress, max_steps.saturating_sub(steps), &mut meter)
				},
			};
			if taken == 0 {
				break;
			}
			steps = steps.saturating_add(taken);
		}
		InProgress::<T>::set(progress);
		if T::Currency::total_issuance() != issuance {
			defensive!("settlement changed the total issuance");
		}
		(steps, meter.consumed())
	}

	/// Moves `p` on by up to `max` steps within `meter`; leaves the walk in `progress` (`None`
	/// when the slot is done). Returns the steps taken.
	fn advance(
		mut p: Progress,
		progress: &mut Option<Progress>,
		max: u32,
		meter: &mut WeightMeter,
	) -> u32 {
		let steps = match p.stage.clone() {
			Stage::Households { after } => Self::settle_households(&mut p, after, max, meter),
			Stage::PayRents { next } => {
				meter.consume(Self::zone_dues_weight());
				Self::pay_rent(&mut p, next);
				1
			},
			Stage::PruneBook => {
				meter.consume(T::WeightInfo::prune_page());
				if T::Book::prune_last_page(p.slot) == 0 {
					p.stage = Stage::PruneExpired { cursor: None };
				}
				1
			},
			Stage::PruneExpired { cursor } => {
				let Some(expired) = p.slot.checked_sub(T::BillRetentionSlots::get()) else {
					Self::finish(&p, None);
					return 1;
				};
				let per_record =
					T::WeightInfo::prune_records(1).saturating_sub(T::WeightInfo::prune_records(0));
				let room = meter.remaining().saturating_sub(T::WeightInfo::prune_records(0));
				let limit = Self::fits(room, per_record).min(max.saturating_mul(8)).max(1);
				let (pruned, next) = Self::prune_expired(expired, cursor, limit);
				meter.consume(T::WeightInfo::prune_records(pruned));
				match next {
					Some(next) => p.stage = Stage::PruneExpired { cursor: Some(next) },
					None => {
						Self::finish(&p, Some(expired));
						return 1;
					},
				}
				1
			},
		};
		*progress = Some(p);
		steps
	}

	/// Removes up to `limit` records of `slot` after raw key `cursor`. Returns how many it removed
	/// and where to go on, `None` once none is left. One key iterator walks forward from the
	/// stored key, so no record is looked at twice: a fresh iteration from the slot's prefix (or
	/// `clear_prefix`, whose cursor frame-support ignores) would meet again, within one block,
	/// every key deleted before it.
	pub(crate) fn prune_expired(
		slot: Slot,
		cursor: Option<BoundedVec<u8, RawKeyLen>>,
		limit: u32,
	) -> (u32, Option<BoundedVec<u8, RawKeyLen>>) {
		let mut keys = match cursor {
			Some(key) => Positions::<T>::iter_key_prefix_from(slot, key.into_inner()),
			None => Positions::<T>::iter_key_prefix(slot),
		};
		let mut pruned = 0;
		while pruned < limit {
			let Some(who) = keys.next() else { return (pruned, None) };
			Positions::<T>::remove(slot, &who);
			pruned = pruned.saturating_add(1);
		}
		(pruned, Some(BoundedVec::truncate_from(keys.last_raw_key().to_vec())))
	}

	/// How many `per` fit in `room`.
	fn fits(room: Weight, per: Weight) -> u32 {
		let by_time = room.ref_time().checked_div(per.ref_time()).unwrap_or(u64::MAX);
		let by_proof = room.proof_size().checked_div(per.proof_size()).unwrap_or(u64::MAX);
		by_time.min(by_proof).min(u32::MAX as u64) as u32
	}

	/// Visits up to `max` registered households after the one encoded in `after`, settling
	/// each that has a record of `p`'s slot or is billed for it. Returns how many it visited.
	fn settle_households(
		p: &mut Progress,
		after: Option<BoundedVec<u8, RawKeyLen>>,
		max: u32,
		meter: &mut WeightMeter,
	) -> u32 {
		let after = after.and_then(|encoded| T::AccountId::decode(&mut &encoded[..]).ok());
		let mut participants = T::Registry::participants_after(after.as_ref());
		let mut last = after;
		let mut zones: Zones<T> = BTreeMap::new();
		let config = T::Clock::config();
		let mut visited = 0;
		let household = Self::household_weight();
		while visited < max {
			let fresh_zone = Self::zone_weight();
			if !meter.can_consume(household.saturating_add(fresh_zone)) {
				break;
			}
			let Some((who, participant)) = participants.next() else {
				p.stage = Stage::PayRents { next: 0 };
				Self::store_cuts(p.slot, &zones);
				// Reaching the end costs a step even when nothing is left to settle.
				return visited.max(1);
			};
			meter.consume(household);
			visited = visited.saturating_add(1);
			if let Some(record) = Self::record_to_settle(p.slot, &who, &participant) {
				let zone = zones.entry(record.zone).or_insert_with(|| {
					meter.consume(fresh_zone);
					ZoneInWalk {
						info: T::Registry::zone(record.zone),
						cut: Self::cut_in_walk(p.slot, record.zone, p.clearing.as_ref()),
					}
				});
				let info = zone.info.clone();
				Self::settle_household(p, &config, &who, &participant, record, info, &mut zone.cut);
			}
			last = Some(who);
		}
		Self::store_cuts(p.slot, &zones);
		p.stage =
			Stage::Households { after: last.map(|who| BoundedVec::truncate_from(who.encode())) };
		visited
	}

	fn store_cuts(slot: Slot, zones: &Zones<T>) {
		for (zone, met) in zones {
			if let Some(cut) = &met.cut {
				Self::store_cut(slot, *zone, cut);
			}
		}
	}

	/// What `who` is settled on in `slot`: its record, or an empty one if it is billed for the
	/// slot without having sent anything (it drew from the grid all the same); `None` if it is
	/// neither (not approved yet, or approved during the slot or after it).
	fn record_to_settle(
		slot: Slot,
		who: &T::AccountId,
		participant: &ParticipantInfo,
	) -> Option<SlotRecord<T::MaxOrdersPerAccountPerSlot>> {
		Positions::<T>::get(slot, who).or_else(|| {
			participant
				.billed_from
				.is_some_and(|from| from <= slot)
				.then(|| SlotRecord::new(participant.zone))
		})
	}

	/// The next slot's walk, if it can start now.
	fn start(only: Option<Slot>) -> Option<Progress> {
		let slot = NextSlotToSettle::<T>::get()?;
		if only.is_some_and(|only| only != slot) {
			return None;
		}
		Self::opening(slot).ok()
	}

	/// The slot being settled, or else the next one to settle.
	pub fn next_slot_to_settle() -> Option<Slot> {
		InProgress::<T>::get().map(|progress| progress.slot).or_else(NextSlotToSettle::<T>::get)
	}

	/// The start of `slot`'s walk, or why it cannot start yet: its metering window is open or
	/// its clearing is not final.
	pub(crate) fn opening(slot: Slot) -> Result<Progress, Error<T>> {
		ensure!(T::Clock::phase(slot) == SlotPhase::Settlement, Error::<T>::MeteringWindowOpen);
		let clearing = match T::Clearing::clearing_state(slot) {
			ClearingState::Pending => return Err(Error::<T>::ClearingPending),
			ClearingState::NoTrade => None,
			ClearingState::Traded(clearing) => Some(clearing),
		};
		let price = clearing.as_ref().map_or(0, |clearing| clearing.hub_price());
		Ok(Progress {
			slot,
			clearing,
			stage: Stage::Households { after: None },
			paid_in: 0,
			paid_out: 0,
			totals: SlotTotals { price, ..Default::default() },
			rent_paid: 0,
		})
	}

	fn finish(p: &Progress, expired: Option<Slot>) {
		if p.paid_in != p.paid_out.saturating_add(p.rent_paid) {
			defensive!("a slot's buyers paid other than its sellers and its congested links got");
		}
		if let Some(old) = expired {
			// The outcome and the cuts explain the bills' fills for as long as the bills are
			// kept.
			T::Clearing::forget(old);
			Self::forget_cuts(old);
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

	/// `record`'s contracted position under the slot's clearing: each order's fill follows from
	/// the O(zones) result and the record's zone. `None` if none of its orders traded.
	pub fn position_of(
		record: &SlotRecord<T::MaxOrdersPerAccountPerSlot>,
		clearing: Option<&ClearedPrices>,
	) -> Option<Position> {
		Self::contract_of(record, clearing, None).0
	}

	/// `record`'s position as [`Self::position_of`], shrunk by its share of its zone's `cut`
	/// when the link was curtailed (moving the cut's sharing on), with the energy the cut took.
	/// The grid fee is on what the bids receive after the cut.
	fn contract_of(
		record: &SlotRecord<T::MaxOrdersPerAccountPerSlot>,
		clearing: Option<&ClearedPrices>,
		cut: Option<&mut CutInWalk>,
	) -> (Option<Position>, EnergyWh) {
		let Some(clearing) = clearing else { return (None, 0) };
		let mut position = Position::default();
		for order in record.live_orders() {
			let fill = clearing.fill_of(record.zone, order);
			match order.side {
				Side::Buy => position.bought_wh = position.bought_wh.saturating_add(fill),
				Side::Sell => position.sold_wh = position.sold_wh.saturating_add(fill),
			}
		}
		let curtailed_wh = cut.map_or(0, |cut| Self::apply_cut(&mut position, cut));
		position.grid_fee = (position.bought_wh as Balance).saturating_mul(record.grid_fee);
		((position.bought_wh > 0 || position.sold_wh > 0).then_some(position), curtailed_wh)
	}

	/// Settles `who`'s `record` in the slot of `p`, moving every planck of its bill, and stores
	/// the bill in the record. Its contract is first shrunk by its share of its zone's `cut`.
	pub(crate) fn settle_household(
		p: &mut Progress,
		config: &MarketConfig,
		who: &T::AccountId,
		participant: &ParticipantInfo,
		mut record: SlotRecord<T::MaxOrdersPerAccountPerSlot>,
		zone: Option<ZoneInfo<T::AccountId>>,
		cut: &mut Option<CutInWalk>,
	) {
		if record.bill.is_some() {
			defensive!("a household's record to settle twice");
			return;
		}
		let slot = p.slot;
		let escrow = Self::escrow_account();
		let Some(zone) = zone else {
			// A zone that is gone: nothing can be charged, so the deposit goes back whole.
			Self::pay(&escrow, who, record.deposit);
			record.bill = Some(Bill::default());
			Positions::<T>::insert(slot, who, record);
			return;
		};
		let (position, curtailed_wh) =
			Self::contract_of(&record, p.clearing.as_ref(), cut.as_mut());
		// Buyers pay and sellers receive their own zone's price.
		let price = p.clearing.as_ref().map_or(0, |clearing| clearing.price_of(record.zone));
		let substitute = Reading {
			imported_wh: connection_capacity_wh(participant.max_power_w, config.slot_secs),
			exported_wh: 0,
		};
		let charges =
			rule::charges(position.as_ref(), record.reading, substitute, price, &zone.tariffs);
		let mut bill = Bill {
			price,
			bought_wh: position.map_or(0, |position| position.bought_wh),
			sold_wh: position.map_or(0, |position| position.sold_wh),
			imported_wh: charges.metered.imported_wh,
			exported_wh: charges.metered.exported_wh,
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
		Self::move_money(p, who, &zone.operator, &record, &charges, &mut bill);

		let rule = ReputationRule {
			gain: T::ReputationGain::get(),
			imbalance_loss: T::ImbalanceLoss::get(),
			missing_reading_loss: T::MissingReadingLoss::get(),
			debt_loss: T::DebtLoss::get(),
		};
		bill.reputation_change =
			rule.delta(&charges, position.is_some(), config.imbalance_tolerance_wh, bill.debt > 0);
		if bill.reputation_change != 0 {
			T::Registry::adjust_reputation(who, bill.reputation_change);
		}
		Self::add_to_totals(&mut p.totals, &bill);
		record.bill = Some(bill);
		Positions::<T>::insert(slot, who, record);
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
			curtailed_wh,
		});
	}

	/// Pays the `next`-th zone's congestion rent, `(hub price − zone price) · net export`, out of
	/// the escrow to the zone's operator, then moves to the next zone or on to the book. The
	/// buyers' payments left exactly the slot's rent in the escrow beyond what the sellers
	/// received, so the escrow ends the slot as it began.
	fn pay_rent(p: &mut Progress, next: u32) {
		let Some(ClearedPrices::Split(split)) = p.clearing.as_ref() else {
			p.stage = Stage::PruneBook;
			return;
		};
		let Some(zone) = split.zones.get(next as usize) else {
			p.stage = Stage::PruneBook;
			return;
		};
		p.stage = Stage::PayRents { next: next.saturating_add(1) };
		let dues = Self::zone_dues(p.slot, split, zone);
		// The operator paid for the energy its zone no longer imports when it cut the link.
		p.paid_in = p.paid_in.saturating_add(dues.prepaid);
		if dues.rent == 0 && dues.hub_supply == 0 {
			return;
		}
		let Some(info) = T::Registry::zone(zone.zone) else {
			defensive!("a congested zone without an operator: its rent stays in the escrow");
			return;
		};
		let escrow = Self::escrow_account();
		if dues.rent > 0 {
			Self::pay(&escrow, &info.operator, dues.rent);
			p.rent_paid = p.rent_paid.saturating_add(dues.rent);
			Self::deposit_event(Event::CongestionRentPaid {
				slot: p.slot,
				zone: zone.zone,
				operator: info.operator.clone(),
				amount: dues.rent,
			});
		}
		if dues.hub_supply > 0 {
			Self::pay(&escrow, &info.operator, dues.hub_supply);
			p.rent_paid = p.rent_paid.saturating_add(dues.hub_supply);
			Self::deposit_event(Event::HubSupplyPaid {
				slot: p.slot,
				zone: zone.zone,
				operator: info.operator,
				shed_wh: dues.shed_wh,
				amount: dues.hub_supply,
			});
		}
	}

	/// Every planck of one bill: the household's energy payment stays in the escrow for the
	/// sellers, its proceeds and the rest of its deposit come back out, what it owes the
	/// operator comes from its deposit, then its free balance, then becomes debt; a net credit
	/// comes from the operator.
	fn move_money(
		p: &mut Progress,
		who: &T::AccountId,
		operator: &T::AccountId,
		record: &SlotRecord<T::MaxOrdersPerAccountPerSlot>,
		charges: &rule::Charges,
		bill: &mut Bill,
	) {
		let escrow = Self::escrow_account();
		// A bid deposits `energy * (price + fee)` and `price >= clearing price`, so the deposit
		// always covers the energy payment and the grid fee.
		let Some(available) =
			record.deposit.saturating_add(charges.energy_received).checked_sub(charges.energy_paid)
		else {
			defensive!("a deposit short of its energy payment");
			return;
		};
		p.paid_in = p.paid_in.saturating_add(charges.energy_paid);
		p.paid_out = p.paid_out.saturating_add(charges.energy_received);
		let owed = charges.owed_to_operator();
		if charges.imbalance_credit > owed {
			Self::pay(&escrow, who, available);
			// Each subtraction below is of a smaller amount, checked or taken with `min`:
			// saturating never cuts one.
			let credit = charges.imbalance_credit.saturating_sub(owed);
			let paid = Self::pay_from_balance(operator, who, credit).moved;
			bill.unpaid_by_operator = credit.saturating_sub(paid);
			return;
		}
		let due = owed.saturating_sub(charges.imbalance_credit);
		let from_hold = due.min(available);
		// What the operator's account refuses to receive (it does not exist and the amount is
		// below the existential deposit) is no fault of the household's: it keeps that money,
		// and it does not become its debt.
		let mut refused: Balance = 0;
		if Self::try_pay(&escrow, operator, from_hold) {
			bill.paid_from_hold = from_hold;
		} else {
			refused = from_hold;
		}
		Self::pay(&escrow, who, available.saturating_sub(bill.paid_from_hold));
		let rest = due.saturating_sub(from_hold);
		let payment = Self::pay_from_balance(who, operator, rest);
		bill.paid_from_balance = payment.moved;
		refused = refused.saturating_add(payment.refused);
		bill.debt = rest.saturating_sub(payment.moved).saturating_sub(payment.refused);
		if refused > 0 {
			Self::deposit_event(Event::OperatorPaymentRefused {
				slot: p.slot,
				who: who.clone(),
				operator: operator.clone(),
				amount: refused,
			});
		}
		if bill.debt > 0 && T::Registry::add_debt(who, bill.debt).is_err() {
			log::warn!(target: "wattle::settlement", "debt of a departed account is not recorded");
		}
	}

	/// Pays `amount` out of the escrow, which holds every unsettled deposit.
	fn pay(from: &T::AccountId, to: &T::AccountId, amount: Balance) {
		if !Self::try_pay(from, to, amount) {
			defensive!("the escrow could not pay what it holds for a household");
		}
	}

	/// Pays `amount` out of the escrow; false if `to` cannot receive it.
	fn try_pay(from: &T::AccountId, to: &T::AccountId, amount: Balance) -> bool {
		amount == 0 || T::Currency::transfer(from, to, amount, Preservation::Preserve).is_ok()
	}

	/// Moves up to `amount` of `from`'s free balance to `to`, keeping `from` alive.
	fn pay_from_balance(from: &T::AccountId, to: &T::AccountId, amount: Balance) -> Payment {
		let payable =
			T::Currency::reducible_balance(from, Preservation::Preserve, Fortitude::Polite)
				.min(amount);
		if payable == 0 {
			return Payment::default();
		}
		match T::Currency::transfer(from, to, payable, Preservation::Preserve) {
			Ok(moved) => Payment { moved, refused: payable.saturating_sub(moved) },
			// `from` can pay `payable` (reducible balance), so only `to` refused it.
			Err(_) => Payment { moved: 0, refused: payable },
		}
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

/// What a payment out of a free balance did: `moved` from payer to payee, and the part the payer
/// could pay but the payee refused to receive.
#[derive(Default)]
struct Payment {
	moved: Balance,
	refused: Balance,
}
