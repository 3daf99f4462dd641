//! What a slot's book holds and what its clearing yields: the orders, and the O(1) result from
//! which every order's fill follows.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::num::NonZeroU64;
use scale_info::TypeInfo;

/// Identifies an order. Both sides draw ids from one counter in placement order, so ids are
/// unique across the whole book and a lower id means an earlier order: ties at the clearing price
/// are settled in favour of the earlier order.
pub type OrderId = u64;

/// A limit price in planck per watt-hour (the unit of `wattle_primitives::Balance` per Wh).
pub type Price = u128;

/// Energy in watt-hours, as `wattle_primitives::EnergyWh`.
pub type EnergyWh = u64;

/// Energy in watt-hours that cannot be zero. A traded volume and a marginal order's fill are
/// positive by definition; using this type makes a zero there unrepresentable, so such a result
/// fails to decode instead of needing a rule of its own.
pub type NonZeroEnergyWh = NonZeroU64;

/// Which way an order trades.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Side {
	/// A bid: buys at most `energy_wh` at a price no higher than its limit.
	Buy,
	/// An ask: sells at most `energy_wh` at a price no lower than its limit.
	Sell,
}

impl Side {
	/// The side this order trades against.
	pub fn opposite(self) -> Self {
		match self {
			Side::Buy => Side::Sell,
			Side::Sell => Side::Buy,
		}
	}
}

/// A limit order for one delivery slot.
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
pub struct Order {
	/// Unique across both sides of the book; increases with placement.
	pub id: OrderId,
	/// Whether the order buys or sells.
	pub side: Side,
	/// The most energy the order trades. The pallet admits only positive amounts; an order
	/// without energy could never trade, so clearing and verification ignore it.
	pub energy_wh: EnergyWh,
	/// The limit: the highest price a bid pays, the lowest an ask accepts.
	pub price: Price,
}

/// The one order of a side priced exactly at the clearing price that may be filled partially.
///
/// Among the orders of its side priced exactly at the clearing price, it is the one with the
/// highest id that receives any energy. Those with lower ids are filled completely, it is filled
/// `fill_wh`, and those with higher ids receive nothing. When every order of the side at that
/// price is filled completely, it is the one with the highest id and `fill_wh` is its whole energy.
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
pub struct Marginal {
	/// The marginal order; it must be an order of this side priced exactly at the clearing price.
	pub id: OrderId,
	/// Its fill, from 1 up to its whole energy.
	pub fill_wh: NonZeroEnergyWh,
}

/// A slot that trades, in canonical form: each field is fixed by the book alone.
///
/// Every order's fill follows from this and the order itself (see [`Clearing::fill_of`]):
/// - a bid priced above `price`, or an ask priced below it, is filled completely;
/// - a bid priced below `price`, or an ask priced above it, receives nothing;
/// - an order priced exactly at `price` is filled completely if its id is below its side's
///   marginal id, `fill_wh` if it is the marginal order, and not at all if its id is above it or
///   its side has no marginal order.
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
pub struct Clearing {
	/// The uniform price, in planck per Wh, that every buyer pays and every seller receives.
	pub price: Price,
	/// Energy traded, equal to the sum of the bids' fills and to the sum of the asks' fills.
	pub volume_wh: NonZeroEnergyWh,
	/// The bid with the highest id among the bids priced exactly `price` that receive energy;
	/// `None` if no bid at that price receives any.
	pub marginal_bid: Option<Marginal>,
	/// The ask with the highest id among the asks priced exactly `price` that sell energy; `None`
	/// if no ask at that price sells any.
	pub marginal_ask: Option<Marginal>,
}

impl Clearing {
	/// The marginal order of `side`.
	pub fn marginal(&self, side: Side) -> Option<Marginal> {
		match side {
			Side::Buy => self.marginal_bid,
			Side::Sell => self.marginal_ask,
		}
	}

	/// The energy `order` trades under this clearing, by the rules in the type's documentation.
	///
	/// Meaningful only for a result that [`crate::verify`] accepted for the book holding `order`:
	/// for an unchecked result the marginal fill may exceed the order's energy.
	pub fn fill_of(&self, order: &Order) -> EnergyWh {
		fill_at(order, self.price, self.marginal(order.side))
	}
}

/// The energy `order` trades at `price` when its side's marginal order is `marginal`: the rule
/// of [`Clearing::fill_of`], shared with the zones of a split market.
pub(crate) fn fill_at(order: &Order, price: Price, marginal: Option<Marginal>) -> EnergyWh {
	if order.price != price {
		let priced_to_trade = match order.side {
			Side::Buy => order.price > price,
			Side::Sell => order.price < price,
		};
		return if priced_to_trade { order.energy_wh } else { 0 };
	}
	match marginal {
		Some(marginal) if order.id < marginal.id => order.energy_wh,
		Some(marginal) if order.id == marginal.id => marginal.fill_wh.get(),
		_ => 0,
	}
}

/// The outcome of clearing a slot, small enough to store in O(1) whatever the size of the book.
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
pub enum ClearingResult {
	/// The book does not cross: every bid is priced below every ask, or a side is empty. Nothing
	/// trades and there is no price.
	NoTrade,
	/// Energy trades at one price.
	Trade(Clearing),
}

/// The energy `order` trades under `result`: zero without trade, else [`Clearing::fill_of`].
///
/// Meaningful only for a result that [`crate::verify`] accepted for the book holding `order`.
pub fn fill_of(order: &Order, result: &ClearingResult) -> EnergyWh {
	match result {
		ClearingResult::NoTrade => 0,
		ClearingResult::Trade(clearing) => clearing.fill_of(order),
	}
}
