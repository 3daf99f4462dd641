//! The operators' cuts of their links after a slot was cleared ([`Pallet::curtail_link`]), and
//! how the walk applies them: each household's share of the cut, and the operator's trade at
//! the hub. The arithmetic is [`crate::curtailment`]'s.
use crate::{
	curtailment::{self, Cut},
	pallet::*,
	types::Curtailment,
};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::Preservation},
};
use wattle_double_auction::{Side, SplitClearing};
use wattle_primitives::{
	Balance, ClearedPrices, ClearedSlots, ClearingState, EnergyWh, MarketClock,
	ParticipantRegistry, Position, Slot, SlotPhase, ZoneId,
};

/// A curtailed zone as a walk meets it: the cut and where its sharing stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct CutInWalk {
	pub cut: Cut,
	pub curtailment: Curtailment,
	/// Whether this walk has moved the sharing on, so that it must be stored.
	pub moved: bool,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_curtail_link(
		who: T::AccountId,
		slot: Slot,
		zone: ZoneId,
		export_cap_wh: EnergyWh,
		import_cap_wh: EnergyWh,
	) -> DispatchResult {
		let info = T::Registry::zone(zone).ok_or(Error::<T>::UnknownZone)?;
		ensure!(info.operator == who, Error::<T>::NotZoneOperator);
		ensure!(
			matches!(T::Clock::phase(slot), SlotPhase::Clearing | SlotPhase::Delivery),
			Error::<T>::NotCurtailableNow
		);
		let split = match T::Clearing::clearing_state(slot) {
			ClearingState::Pending => return Err(Error::<T>::NotCurtailableNow.into()),
			ClearingState::Traded(ClearedPrices::Split(split)) => split,
			ClearingState::Traded(ClearedPrices::Single(_)) | ClearingState::NoTrade => {
				return Err(Error::<T>::NothingCleared.into())
			},
		};
		let cleared = split.zone(zone).ok_or(Error::<T>::UnknownZone)?;
		let earlier = Curtailments::<T>::get(slot, zone);
		if let Some(earlier) = earlier {
			ensure!(
				export_cap_wh <= earlier.export_cap_wh && import_cap_wh <= earlier.import_cap_wh,
				Error::<T>::CurtailmentLoosened
			);
		}
		let cut = curtailment::cut(cleared, export_cap_wh, import_cap_wh)
			.ok_or(Error::<T>::NothingToCurtail)?;
		// A tighter cut of an import pays only for what it takes beyond the earlier one.
		let shed_before = earlier
			.and_then(|earlier| earlier.cut_of(cleared))
			.map_or(0, |earlier| earlier.shed_wh);
		let paid_now = match cut.side {
			Side::Buy => Balance::from(cut.shed_wh.saturating_sub(shed_before))
				.saturating_mul(split.hub_price),
			Side::Sell => 0,
		};
		if paid_now > 0 {
			T::Currency::transfer(&who, &Self::escrow_account(), paid_now, Preservation::Preserve)
				.map_err(|_| Error::<T>::OperatorCannotPay)?;
		}
		Curtailments::<T>::insert(
			slot,
			zone,
			Curtailment { export_cap_wh, import_cap_wh, settled_wh: 0 },
		);
		Self::deposit_event(Event::LinkCurtailed {
			slot,
			zone,
			export_cap_wh,
			import_cap_wh,
			side: cut.side,
			shed_wh: cut.shed_wh,
			paid_now,
		});
		Ok(())
	}

	/// `zone`'s cut in `slot`, cleared under `clearing`, if its operator curtailed its link.
	pub(crate) fn cut_in_walk(
		slot: Slot,
		zone: ZoneId,
		clearing: Option<&ClearedPrices>,
	) -> Option<CutInWalk> {
		let Some(ClearedPrices::Split(split)) = clearing else { return None };
		let curtailment = Curtailments::<T>::get(slot, zone)?;
		let cut = curtailment.cut_of(split.zone(zone)?)?;
		Some(CutInWalk { cut, curtailment, moved: false })
	}

	/// Shrinks `position` by its share of `cut` and moves the sharing on. Returns the energy
	/// its contract lost.
	pub(crate) fn apply_cut(position: &mut Position, cut: &mut CutInWalk) -> EnergyWh {
		let fill = match cut.cut.side {
			Side::Sell => &mut position.sold_wh,
			Side::Buy => &mut position.bought_wh,
		};
		if *fill == 0 {
			return 0;
		}
		let kept = cut.cut.kept_of(cut.curtailment.settled_wh, *fill);
		cut.curtailment.settled_wh = cut.curtailment.settled_wh.saturating_add(*fill);
		cut.moved = true;
		let lost = fill.saturating_sub(kept);
		*fill = kept;
		lost
	}

	/// Stores where the sharing of the cut of `zone` in `slot` stands.
	pub(crate) fn store_cut(slot: Slot, zone: ZoneId, cut: &CutInWalk) {
		if cut.moved {
			Curtailments::<T>::insert(slot, zone, cut.curtailment);
		}
	}

	/// What `zone`'s operator is owed and has paid for `slot` once every household is settled:
	/// the congestion rent on its flows after any cut, and its trade at the hub for the cut.
	pub fn zone_dues(
		slot: Slot,
		split: &SplitClearing,
		zone: &wattle_double_auction::ZoneClearing,
	) -> ZoneDues {
		let cut = Curtailments::<T>::get(slot, zone.zone)
			.and_then(|curtailment| curtailment.cut_of(zone));
		let Some(cut) = cut else {
			return ZoneDues {
				rent: SplitClearing::congestion_rent_of(zone, split.hub_price),
				..Default::default()
			};
		};
		let hub_value = cut.hub_value(split.hub_price);
		let (hub_supply, prepaid) = match cut.side {
			Side::Sell => (hub_value, 0),
			Side::Buy => (0, hub_value),
		};
		ZoneDues {
			rent: SplitClearing::congestion_rent_of(&cut.curtailed(zone), split.hub_price),
			hub_supply,
			prepaid,
			shed_wh: cut.shed_wh,
		}
	}

	/// Forgets the cuts of `slot`, once its bills are.
	pub(crate) fn forget_cuts(slot: Slot) {
		let _ = Curtailments::<T>::clear_prefix(slot, wattle_primitives::MAX_ZONES, None);
	}
}

/// What settlement owes a zone's operator, and was paid by it, once every household is settled.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ZoneDues {
	/// The congestion rent on the zone's flows after any cut.
	pub rent: Balance,
	/// The hub price of the energy the operator supplied at the hub for a cut export.
	pub hub_supply: Balance,
	/// The hub price of the energy the operator took at the hub for a cut import, paid into the
	/// escrow when it cut the link.
	pub prepaid: Balance,
	/// The energy the cut took out of the zone's contracts.
	pub shed_wh: EnergyWh,
}
