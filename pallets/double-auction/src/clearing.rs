//! The clearing algorithm: sort each side once, match greedily, and read the canonical result off
//! where the matching stopped.

use crate::types::{
	Clearing, ClearingResult, EnergyWh, Marginal, NonZeroEnergyWh, Order, OrderId, Price, Side,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::borrow::Borrow;
use scale_info::TypeInfo;

/// Why a book has no clearing result.
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
)]
pub enum ClearError {
	/// The energy that would trade exceeds `u64::MAX` Wh, so no result can state the volume.
	/// The pallet's bounds on orders per slot and energy per order rule this out; it is reported
	/// rather than wrapped so that a mistake in those bounds cannot yield a wrong result.
	VolumeOverflow,
}

/// What the matching needs of an order, copied out so that sorting moves 32 bytes per order and
/// never follows a pointer.
#[derive(Clone, Copy)]
struct BookEntry {
	price: Price,
	id: OrderId,
	energy_wh: EnergyWh,
}

/// Where the greedy matching stopped on one side. Because each side is matched in its sorted
/// order, this position describes every fill of the side: the first `fully_filled` entries are
/// filled completely, the next one is filled `partial_fill_wh` (possibly zero), the rest nothing.
#[derive(Default)]
struct SideCut {
	fully_filled: usize,
	/// Always below the energy of the entry at `fully_filled`.
	partial_fill_wh: EnergyWh,
}

impl SideCut {
	/// The energy the entry at the cut still has to trade.
	fn remaining_of(&self, entry: &BookEntry) -> EnergyWh {
		entry.energy_wh.saturating_sub(self.partial_fill_wh)
	}

	/// Records that the entry at the cut traded `traded_wh` more, moving past it once it is full.
	fn advance(&mut self, traded_wh: EnergyWh, entry: &BookEntry) {
		let filled_wh = self.partial_fill_wh.saturating_add(traded_wh);
		if filled_wh >= entry.energy_wh {
			self.fully_filled = self.fully_filled.saturating_add(1);
			self.partial_fill_wh = 0;
		} else {
			self.partial_fill_wh = filled_wh;
		}
	}

	/// The last entry, in matching order, that received energy, with its fill. It has the worst
	/// price among the side's trading orders, and the highest id among those at that price.
	fn last_filled<'a>(&self, side: &'a [BookEntry]) -> Option<(&'a BookEntry, NonZeroEnergyWh)> {
		match NonZeroEnergyWh::new(self.partial_fill_wh) {
			Some(partial_fill_wh) => {
				side.get(self.fully_filled).map(|entry| (entry, partial_fill_wh))
			},
			None => {
				let entry = side.get(self.fully_filled.checked_sub(1)?)?;
				NonZeroEnergyWh::new(entry.energy_wh).map(|energy_wh| (entry, energy_wh))
			},
		}
	}

	/// The first entry, in matching order, left short of its energy: it has the best price among
	/// the side's orders left short.
	fn first_short<'a>(&self, side: &'a [BookEntry]) -> Option<&'a BookEntry> {
		side.get(self.fully_filled)
	}
}

/// Clears a slot's book by the rule in the crate documentation.
///
/// O(n log n) for n orders: one unstable sort per side, then a single linear pass. The only
/// allocations are the two vectors holding each side's entries. Orders without energy are
/// ignored. Ids must be unique across the book; the input may be in any order.
pub fn clear<I>(orders: I) -> Result<ClearingResult, ClearError>
where
	I: IntoIterator,
	I::Item: Borrow<Order>,
{
	let mut bids: Vec<BookEntry> = Vec::new();
	let mut asks: Vec<BookEntry> = Vec::new();
	for order in orders {
		let order: &Order = order.borrow();
		if order.energy_wh == 0 {
			continue;
		}
		let entry = BookEntry { price: order.price, id: order.id, energy_wh: order.energy_wh };
		match order.side {
			Side::Buy => bids.push(entry),
			Side::Sell => asks.push(entry),
		}
	}
	// Best price first; among equal prices, the earlier order first.
	bids.sort_unstable_by(|a, b| b.price.cmp(&a.price).then(a.id.cmp(&b.id)));
	asks.sort_unstable_by(|a, b| a.price.cmp(&b.price).then(a.id.cmp(&b.id)));

	let (bid_cut, ask_cut, volume_wh) = match_greedily(&bids, &asks)?;
	let (Some(volume_wh), Some((last_bid, bid_fill_wh)), Some((last_ask, ask_fill_wh))) =
		(NonZeroEnergyWh::new(volume_wh), bid_cut.last_filled(&bids), ask_cut.last_filled(&asks))
	else {
		return Ok(ClearingResult::NoTrade);
	};

	// Step 4 of the rule. Sorted order puts the extreme of each set at the cut: the highest
	// selling ask and the lowest buying bid are the last filled, the highest short bid and the
	// lowest short ask are the first short.
	let price_floor =
		bid_cut.first_short(&bids).map_or(last_ask.price, |bid| bid.price.max(last_ask.price));
	let price_ceiling =
		ask_cut.first_short(&asks).map_or(last_bid.price, |ask| ask.price.min(last_bid.price));
	let price = clearing_price_within(price_floor, price_ceiling);

	// Every trading order is priced at least as well as `price`, and the last filled one has the
	// worst price of them; so if any order of the side at `price` trades, it is the last filled,
	// which also has the highest id there.
	let marginal_if_at_price = |entry: &BookEntry, fill_wh: NonZeroEnergyWh| {
		(entry.price == price).then_some(Marginal { id: entry.id, fill_wh })
	};
	Ok(ClearingResult::Trade(Clearing {
		price,
		volume_wh,
		marginal_bid: marginal_if_at_price(last_bid, bid_fill_wh),
		marginal_ask: marginal_if_at_price(last_ask, ask_fill_wh),
	}))
}

/// Steps 2 and 3 of the rule: while the best remaining bid is priced at least as high as the best
/// remaining ask, trade as much as both still hold. Returns where each side stopped and the
/// volume.
///
/// Each round fills at least one of the two entries, so the loop runs at most `bids.len() +
/// asks.len()` times.
fn match_greedily(
	bids: &[BookEntry],
	asks: &[BookEntry],
) -> Result<(SideCut, SideCut, EnergyWh), ClearError> {
	let mut bid_cut = SideCut::default();
	let mut ask_cut = SideCut::default();
	let mut volume_wh: EnergyWh = 0;
	while let (Some(bid), Some(ask)) =
		(bids.get(bid_cut.fully_filled), asks.get(ask_cut.fully_filled))
	{
		if bid.price < ask.price {
			break;
		}
		let traded_wh = bid_cut.remaining_of(bid).min(ask_cut.remaining_of(ask));
		volume_wh = volume_wh.checked_add(traded_wh).ok_or(ClearError::VolumeOverflow)?;
		bid_cut.advance(traded_wh, bid);
		ask_cut.advance(traded_wh, ask);
	}
	Ok((bid_cut, ask_cut, volume_wh))
}

/// The clearing price for the interval `[floor, ceiling]`: its midpoint, rounded down. Written as
/// `floor + (ceiling - floor) / 2` so that it cannot overflow. Callers ensure `floor <= ceiling`;
/// were it not so, the result would be `floor`.
pub(crate) fn clearing_price_within(floor: Price, ceiling: Price) -> Price {
	floor.saturating_add(ceiling.saturating_sub(floor) / 2)
}
