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

/// Where the matching stopped on one side, as far as the result needs it.
struct Cut {
	/// The last order, in matching order, that received energy: `(price, id, fill)`. It has the
	/// worst price among the side's trading orders, and the highest id among those at that
	/// price.
	last_filled: Option<(Price, OrderId, NonZeroEnergyWh)>,
	/// The best price among the side's orders left short of their energy.
	first_short_price: Option<Price>,
}

/// Clears a slot's book by the rule in the crate documentation.
///
/// O(n log n) for n orders, dominated by one sort. Orders without energy are ignored. Ids must
/// be unique across the book; the input may be in any order.
///
/// The sort is by price alone, on 16-byte entries, so that it costs about what sorting the
/// book's prices costs (many orders share a price): matching fills whole price levels in any
/// order, and only at the one level per side where matching stops does the order of ids decide
/// who trades, so only that level is sorted by id. A book with a price of 2^62 planck per Wh or
/// more, an order of 2^40 Wh or more, or more than 2^24 orders does not fit the packed entries
/// and is cleared by sorting whole orders by (price, id) instead; both give the same result.
pub fn clear<I>(orders: I) -> Result<ClearingResult, ClearError>
where
	I: IntoIterator,
	I::Item: Borrow<Order>,
{
	let mut orders = orders.into_iter();
	let mut packed = PackedBook::with_capacity(orders.size_hint().0);
	while let Some(order) = orders.next() {
		let order: &Order = order.borrow();
		if order.energy_wh == 0 {
			continue;
		}
		if !packed.push(order) {
			let mut book = packed.unpack();
			book.push(order);
			for order in orders {
				book.push(order.borrow());
			}
			return book.clear();
		}
	}
	packed.clear()
}

/// The result from where matching stopped on each side and the volume: step 4 of the rule and
/// the canonical marginal orders.
fn result_of(bids: Cut, asks: Cut, volume_wh: EnergyWh) -> ClearingResult {
	let (Some(volume_wh), Some(last_bid), Some(last_ask)) =
		(NonZeroEnergyWh::new(volume_wh), bids.last_filled, asks.last_filled)
	else {
		return ClearingResult::NoTrade;
	};
	let (last_bid_price, last_ask_price) = (last_bid.0, last_ask.0);
	// The highest selling ask and the lowest buying bid are the last filled, the highest short
	// bid and the lowest short ask are the first short.
	let price_floor = bids.first_short_price.map_or(last_ask_price, |p| p.max(last_ask_price));
	let price_ceiling = asks.first_short_price.map_or(last_bid_price, |p| p.min(last_bid_price));
	let price = clearing_price_within(price_floor, price_ceiling);
	// Every trading order is priced at least as well as `price`, and the last filled one has the
	// worst price of them; so if any order of the side at `price` trades, it is the last filled,
	// which also has the highest id there.
	let marginal_if_at_price = |(at, id, fill_wh): (Price, OrderId, NonZeroEnergyWh)| {
		(at == price).then_some(Marginal { id, fill_wh })
	};
	ClearingResult::Trade(Clearing {
		price,
		volume_wh,
		marginal_bid: marginal_if_at_price(last_bid),
		marginal_ask: marginal_if_at_price(last_ask),
	})
}

/// The book packed for a fast sort: per order a key (side, then price in matching order) and
/// its energy with its position in `ids`.
struct PackedBook {
	entries: Vec<(u64, u64)>,
	ids: Vec<OrderId>,
}

const SIDE_BIT: u64 = 1 << 63;
const MAX_PACKED_PRICE: u64 = (1 << 62) - 1;
const POSITION_BITS: u32 = 24;
const POSITION_MASK: u64 = (1 << POSITION_BITS) - 1;
const MAX_PACKED_ENERGY: u64 = (1 << (64 - POSITION_BITS)) - 1;

impl PackedBook {
	fn with_capacity(orders: usize) -> Self {
		Self { entries: Vec::with_capacity(orders), ids: Vec::with_capacity(orders) }
	}

	/// Adds `order`, or returns false if it does not fit the packing.
	fn push(&mut self, order: &Order) -> bool {
		let position = self.ids.len() as u64;
		let fits = order.price <= MAX_PACKED_PRICE as Price
			&& order.energy_wh <= MAX_PACKED_ENERGY
			&& position <= POSITION_MASK;
		if !fits {
			return false;
		}
		let price = order.price as u64;
		// Ascending keys put bids first, best (highest) price first, then asks, lowest first.
		let key = match order.side {
			Side::Buy => bid_key(price),
			Side::Sell => SIDE_BIT | price,
		};
		self.entries.push((key, (order.energy_wh << POSITION_BITS) | position));
		self.ids.push(order.id);
		true
	}

	/// The orders packed so far, for the general path.
	fn unpack(self) -> FieldBook {
		let mut book = FieldBook::default();
		// Not sorted yet, so each entry still sits beside the id pushed with it.
		for ((key, packed), id) in self.entries.into_iter().zip(self.ids) {
			let (side, price) = unpack_key(key);
			book.push(&Order {
				id,
				side,
				energy_wh: packed >> POSITION_BITS,
				price: price as Price,
			});
		}
		book
	}

	fn clear(mut self) -> Result<ClearingResult, ClearError> {
		self.entries.sort_unstable_by_key(|(key, _)| *key);
		let split = self.entries.partition_point(|(key, _)| key & SIDE_BIT == 0);
		let (bids, asks) = self.entries.split_at(split);
		let mut bid_levels = Levels::new(bids);
		let mut ask_levels = Levels::new(asks);
		let mut volume_wh: EnergyWh = 0;
		while let (Some(bid), Some(ask)) = (bid_levels.current(), ask_levels.current()) {
			if bid.price < ask.price {
				break;
			}
			let traded_wh = bid.remaining_wh.min(ask.remaining_wh);
			volume_wh = volume_wh.checked_add(traded_wh).ok_or(ClearError::VolumeOverflow)?;
			bid_levels.take(traded_wh);
			ask_levels.take(traded_wh);
		}
		Ok(result_of(bid_levels.cut(&self.ids), ask_levels.cut(&self.ids), volume_wh))
	}
}

/// The key of a bid priced `price`, at most [`MAX_PACKED_PRICE`]: the higher the price, the lower
/// the key.
fn bid_key(price: u64) -> u64 {
	// Callers pack only prices up to `MAX_PACKED_PRICE`, so this never saturates.
	MAX_PACKED_PRICE.saturating_sub(price)
}

fn unpack_key(key: u64) -> (Side, u64) {
	if key & SIDE_BIT == 0 {
		// `bid_key` is its own inverse on `0..=MAX_PACKED_PRICE`.
		(Side::Buy, bid_key(key))
	} else {
		(Side::Sell, key & !SIDE_BIT)
	}
}

/// The id of the order that `packed` stands for.
fn id_of(ids: &[OrderId], packed: u64) -> OrderId {
	let position = (packed & POSITION_MASK) as usize;
	*ids.get(position)
		.expect("an entry packs the position at which its order's id was pushed to `ids`; qed")
}

/// One price level of a side: consecutive orders of the sorted side sharing one price.
#[derive(Clone, Copy)]
struct Level<'a> {
	orders: &'a [(u64, u64)],
	price: u64,
	/// What the level has left to trade.
	remaining_wh: EnergyWh,
	/// What it has traded.
	traded_wh: EnergyWh,
}

/// Walks one sorted side level by level, best price first.
struct Levels<'a> {
	/// The orders after the current level.
	rest: &'a [(u64, u64)],
	level: Option<Level<'a>>,
	/// The last level filled completely.
	previous: Option<Level<'a>>,
}

impl<'a> Levels<'a> {
	fn new(side: &'a [(u64, u64)]) -> Self {
		let mut levels = Self { rest: side, level: None, previous: None };
		levels.level = levels.next_level();
		levels
	}

	/// Takes the best level off `rest`.
	fn next_level(&mut self) -> Option<Level<'a>> {
		let key = self.rest.first()?.0;
		// The side is sorted by key, so the orders sharing the first key come first.
		let (orders, rest) = self.rest.split_at(self.rest.partition_point(|(k, _)| *k == key));
		self.rest = rest;
		// Each order is below 2^40 Wh and a book below 2^24 orders: no overflow.
		let energy_wh = orders
			.iter()
			.fold(0, |sum: EnergyWh, (_, packed)| sum.saturating_add(packed >> POSITION_BITS));
		Some(Level { orders, price: unpack_key(key).1, remaining_wh: energy_wh, traded_wh: 0 })
	}

	fn current(&self) -> Option<Level<'a>> {
		self.level
	}

	/// Records that the current level traded `traded_wh`, at most what it has left.
	fn take(&mut self, traded_wh: EnergyWh) {
		let Some(mut level) = self.level else { return };
		// `traded_wh` is at most `remaining_wh`, and the two fields add up to the level's
		// energy, which fits: neither saturates.
		level.remaining_wh = level.remaining_wh.saturating_sub(traded_wh);
		level.traded_wh = level.traded_wh.saturating_add(traded_wh);
		if level.remaining_wh == 0 {
			self.previous = Some(level);
			self.level = self.next_level();
		} else {
			self.level = Some(level);
		}
	}

	/// Where this side stopped. Only here does the order of ids matter: within the level where
	/// matching stopped, energy went to orders in id order.
	fn cut(&self, ids: &[OrderId]) -> Cut {
		let id_of = |packed: u64| id_of(ids, packed);
		let energy_of = |packed: u64| packed >> POSITION_BITS;
		let Some(level) = self.level.filter(|level| level.traded_wh > 0) else {
			// Matching stopped at a level boundary: the last filled order is the highest id of
			// the last full level, and the current level is the best left short.
			let last_filled = self.previous.and_then(|full| {
				let last = full.orders.iter().max_by_key(|e| id_of(e.1))?;
				NonZeroEnergyWh::new(energy_of(last.1))
					.map(|fill| (full.price as Price, id_of(last.1), fill))
			});
			return Cut {
				last_filled,
				first_short_price: self.level.map(|level| level.price as Price),
			};
		};
		let mut in_id_order: Vec<(OrderId, EnergyWh)> =
			level.orders.iter().map(|(_, packed)| (id_of(*packed), energy_of(*packed))).collect();
		in_id_order.sort_unstable();
		let mut left_wh = level.traded_wh;
		let mut last_filled = None;
		for (id, energy_wh) in in_id_order {
			if left_wh == 0 {
				break;
			}
			let fill_wh = energy_wh.min(left_wh);
			left_wh = left_wh.saturating_sub(fill_wh);
			last_filled =
				NonZeroEnergyWh::new(fill_wh).map(|fill| (level.price as Price, id, fill));
		}
		// The level still has energy left (else matching would have moved past it).
		Cut { last_filled, first_short_price: Some(level.price as Price) }
	}
}

/// What the general path needs of an order.
#[derive(Clone, Copy)]
struct BookEntry {
	price: Price,
	id: OrderId,
	energy_wh: EnergyWh,
}

/// The book as whole orders sorted by (price, id): the path for books the packing cannot hold.
#[derive(Default)]
struct FieldBook {
	bids: Vec<BookEntry>,
	asks: Vec<BookEntry>,
}

impl FieldBook {
	fn push(&mut self, order: &Order) {
		if order.energy_wh == 0 {
			return;
		}
		let entry = BookEntry { price: order.price, id: order.id, energy_wh: order.energy_wh };
		match order.side {
			Side::Buy => self.bids.push(entry),
			Side::Sell => self.asks.push(entry),
		}
	}

	fn clear(mut self) -> Result<ClearingResult, ClearError> {
		// Best price first; among equal prices, the earlier order first.
		self.bids.sort_unstable_by(|a, b| b.price.cmp(&a.price).then(a.id.cmp(&b.id)));
		self.asks.sort_unstable_by(|a, b| a.price.cmp(&b.price).then(a.id.cmp(&b.id)));
		let (bid_cut, ask_cut, volume_wh) = match_greedily(&self.bids, &self.asks)?;
		Ok(result_of(bid_cut.into_cut(&self.bids), ask_cut.into_cut(&self.asks), volume_wh))
	}
}

/// Where the greedy matching stopped on one side of a [`FieldBook`]: the first `fully_filled`
/// entries are filled completely, the next one is filled `partial_fill_wh` (possibly zero), the
/// rest nothing.
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

	fn into_cut(self, side: &[BookEntry]) -> Cut {
		let last_filled = match NonZeroEnergyWh::new(self.partial_fill_wh) {
			Some(partial_fill_wh) => {
				side.get(self.fully_filled).map(|entry| (entry, partial_fill_wh))
			},
			None => self.fully_filled.checked_sub(1).and_then(|last| {
				let entry = side.get(last)?;
				NonZeroEnergyWh::new(entry.energy_wh).map(|energy_wh| (entry, energy_wh))
			}),
		};
		Cut {
			last_filled: last_filled.map(|(entry, fill)| (entry.price, entry.id, fill)),
			first_short_price: side.get(self.fully_filled).map(|entry| entry.price),
		}
	}
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

/// Clears `orders` by sorting whole orders by (price, id): the general path, also used by the
/// tests to check that the packed path gives the same result.
#[cfg(test)]
pub(crate) fn clear_by_fields(orders: &[Order]) -> Result<ClearingResult, ClearError> {
	let mut book = FieldBook::default();
	for order in orders {
		book.push(order);
	}
	book.clear()
}

/// The clearing price for the interval `[floor, ceiling]`: its midpoint, rounded down. Written as
/// `floor + (ceiling - floor) / 2` so that it cannot overflow. Callers ensure `floor <= ceiling`;
/// were it not so, the result would be `floor`.
pub(crate) fn clearing_price_within(floor: Price, ceiling: Price) -> Price {
	floor.saturating_add(ceiling.saturating_sub(floor) / 2)
}
