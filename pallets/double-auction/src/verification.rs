//! The check of a submitted result: O(n), no sorting, and fed one order at a time so that the
//! runtime can read a large book from storage in pages across blocks.

use crate::{
	clearing::clearing_price_within,
	types::{Clearing, ClearingResult, EnergyWh, Order, Price, Side},
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::borrow::Borrow;
use scale_info::TypeInfo;

/// The rule a submitted result breaks. Each variant names one check of the crate documentation,
/// so that the runtime can tell the submitter which one failed.
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
pub enum VerifyError {
	/// The result claims no trade, but some bid is priced at or above some ask.
	BookCrosses,
	/// The marginal bid's id is not that of any order in the book.
	MarginalBidNotFound,
	/// The marginal ask's id is not that of any order in the book.
	MarginalAskNotFound,
	/// The marginal bid's id is that of an ask.
	MarginalBidIsAnAsk,
	/// The marginal ask's id is that of a bid.
	MarginalAskIsABid,
	/// The marginal bid is not priced exactly at the clearing price.
	MarginalBidOffPrice,
	/// The marginal ask is not priced exactly at the clearing price.
	MarginalAskOffPrice,
	/// The marginal bid's fill exceeds the bid's energy.
	MarginalBidOverfilled,
	/// The marginal ask's fill exceeds the ask's energy.
	MarginalAskOverfilled,
	/// The bids' fills do not add up to the volume (or add up to more than `u64::MAX` Wh).
	BidVolumeMismatch,
	/// The asks' fills do not add up to the volume (or add up to more than `u64::MAX` Wh).
	AskVolumeMismatch,
	/// A bid and an ask priced exactly at the clearing price are both left short, so they could
	/// still trade with each other: the volume is not the largest the book allows.
	BothSidesShortAtPrice,
	/// The price is not the midpoint, rounded down, of the interval that the fills determine.
	PriceNotMidpoint,
}

impl VerifyError {
	pub(crate) fn marginal_not_found(side: Side) -> Self {
		match side {
			Side::Buy => Self::MarginalBidNotFound,
			Side::Sell => Self::MarginalAskNotFound,
		}
	}

	/// The marginal order claimed for `side` is an order of the other side.
	pub(crate) fn marginal_on_wrong_side(side: Side) -> Self {
		match side {
			Side::Buy => Self::MarginalBidIsAnAsk,
			Side::Sell => Self::MarginalAskIsABid,
		}
	}

	pub(crate) fn marginal_off_price(side: Side) -> Self {
		match side {
			Side::Buy => Self::MarginalBidOffPrice,
			Side::Sell => Self::MarginalAskOffPrice,
		}
	}

	pub(crate) fn marginal_overfilled(side: Side) -> Self {
		match side {
			Side::Buy => Self::MarginalBidOverfilled,
			Side::Sell => Self::MarginalAskOverfilled,
		}
	}

	pub(crate) fn volume_mismatch(side: Side) -> Self {
		match side {
			Side::Buy => Self::BidVolumeMismatch,
			Side::Sell => Self::AskVolumeMismatch,
		}
	}
}

/// Checks a submitted result against a book fed one order at a time.
///
/// Create it with [`Verifier::new`], [`feed`](Verifier::feed) every order of the slot exactly once
/// in any order, then call [`finish`](Verifier::finish). Each order adds to sums, maxima, minima
/// and flags, so the state is O(1) and its SCALE encoding (at most
/// [`MaxEncodedLen::max_encoded_len`] bytes) can be stored between the blocks that read the
/// book's pages.
///
/// The first failure is kept: once a feed fails, every later feed and `finish` report the same
/// error, so a caller that stores the state and checks only at the end cannot miss it.
///
/// What the verifier cannot see is an order that was never fed, or fed twice; the caller must
/// count the orders it feeds against the slot's order count. Ids must be unique across the book.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Verifier {
	tally: Tally,
	first_failure: Option<VerifyError>,
}

/// What has been learned from the orders fed so far, by kind of result.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
enum Tally {
	NoTrade(BestPrices),
	Trade(TradeTally),
}

/// For a claimed no-trade: the best price of each side so far, to see whether the book crosses.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
struct BestPrices {
	highest_bid: Option<Price>,
	lowest_ask: Option<Price>,
}

/// For a claimed trade: per side totals, and the bounds of step 4's price interval so far.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
struct TradeTally {
	clearing: Clearing,
	bids: SideTally,
	asks: SideTally,
	/// `lo` of step 4: the highest price of an ask that sells or of a bid left short.
	price_floor: Option<Price>,
	/// `hi` of step 4: the lowest price of a bid that buys or of an ask left short.
	price_ceiling: Option<Price>,
}

/// What one side's orders fed so far add up to.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
struct SideTally {
	/// Sum of the fills of this side's orders fed so far; never above the claimed volume.
	volume_wh: EnergyWh,
	/// Whether the marginal order claimed for this side has been fed and passed its checks.
	marginal_seen: bool,
	/// Whether an order of this side priced exactly at the clearing price is left short.
	short_at_price: bool,
}

impl Verifier {
	/// Starts checking `result`; no order has been fed yet.
	pub fn new(result: &ClearingResult) -> Self {
		let tally = match result {
			ClearingResult::NoTrade => {
				Tally::NoTrade(BestPrices { highest_bid: None, lowest_ask: None })
			},
			ClearingResult::Trade(clearing) => Tally::Trade(TradeTally {
				clearing: *clearing,
				bids: SideTally::default(),
				asks: SideTally::default(),
				price_floor: None,
				price_ceiling: None,
			}),
		};
		Self { tally, first_failure: None }
	}

	/// Accounts for one order of the book. Fails as soon as the order alone, or with those fed
	/// before it, proves the result wrong; which rule is reported can then depend on the feeding
	/// order, but whether the result is rejected does not.
	pub fn feed(&mut self, order: &Order) -> Result<(), VerifyError> {
		if let Some(failure) = self.first_failure {
			return Err(failure);
		}
		let outcome = match &mut self.tally {
			Tally::NoTrade(best_prices) => best_prices.feed(order),
			Tally::Trade(tally) => tally.feed(order),
		};
		if let Err(failure) = outcome {
			self.first_failure = Some(failure);
		}
		outcome
	}

	/// The verdict, once every order of the book has been fed.
	pub fn finish(self) -> Result<(), VerifyError> {
		if let Some(failure) = self.first_failure {
			return Err(failure);
		}
		match &self.tally {
			Tally::NoTrade(best_prices) => best_prices.check(),
			Tally::Trade(tally) => tally.finish(),
		}
	}
}

impl BestPrices {
	fn feed(&mut self, order: &Order) -> Result<(), VerifyError> {
		// An order without energy cannot trade, so it cannot make the book cross.
		if order.energy_wh == 0 {
			return Ok(());
		}
		match order.side {
			Side::Buy => {
				self.highest_bid =
					Some(self.highest_bid.map_or(order.price, |highest| highest.max(order.price)))
			},
			Side::Sell => {
				self.lowest_ask =
					Some(self.lowest_ask.map_or(order.price, |lowest| lowest.min(order.price)))
			},
		}
		self.check()
	}

	fn check(&self) -> Result<(), VerifyError> {
		match (self.highest_bid, self.lowest_ask) {
			(Some(highest_bid), Some(lowest_ask)) if highest_bid >= lowest_ask => {
				Err(VerifyError::BookCrosses)
			},
			_ => Ok(()),
		}
	}
}

impl TradeTally {
	fn side_mut(&mut self, side: Side) -> &mut SideTally {
		match side {
			Side::Buy => &mut self.bids,
			Side::Sell => &mut self.asks,
		}
	}

	fn side(&self, side: Side) -> &SideTally {
		match side {
			Side::Buy => &self.bids,
			Side::Sell => &self.asks,
		}
	}

	fn feed(&mut self, order: &Order) -> Result<(), VerifyError> {
		let clearing = self.clearing;

		// A marginal order must be a real order of its side at the clearing price, within its
		// energy; otherwise an id that names no order, or the wrong one, could encode the same
		// fills as the canonical marginal and the result would not be unique.
		if is_valid_marginal(order, clearing.price, |side| clearing.marginal(side))? {
			self.side_mut(order.side).marginal_seen = true;
		}

		// Orders priced better than the clearing price fill completely and worse ones not at
		// all by construction of `fill_of`; only the sums and the interval remain to be checked.
		let fill_wh = clearing.fill_of(order);
		let short = fill_wh < order.energy_wh;
		let side = self.side_mut(order.side);
		side.volume_wh = side
			.volume_wh
			.checked_add(fill_wh)
			.filter(|volume_wh| *volume_wh <= clearing.volume_wh.get())
			.ok_or_else(|| VerifyError::volume_mismatch(order.side))?;
		if short && order.price == clearing.price {
			side.short_at_price = true;
		}

		let (bounds_price_from_below, bounds_price_from_above) = match order.side {
			Side::Buy => (short, fill_wh > 0),
			Side::Sell => (fill_wh > 0, short),
		};
		if bounds_price_from_below {
			self.price_floor =
				Some(self.price_floor.map_or(order.price, |floor| floor.max(order.price)));
		}
		if bounds_price_from_above {
			self.price_ceiling =
				Some(self.price_ceiling.map_or(order.price, |ceiling| ceiling.min(order.price)));
		}

		if self.bids.short_at_price && self.asks.short_at_price {
			return Err(VerifyError::BothSidesShortAtPrice);
		}
		Ok(())
	}

	fn finish(&self) -> Result<(), VerifyError> {
		let clearing = self.clearing;
		for side in [Side::Buy, Side::Sell] {
			if clearing.marginal(side).is_some() && !self.side(side).marginal_seen {
				return Err(VerifyError::marginal_not_found(side));
			}
		}
		for side in [Side::Buy, Side::Sell] {
			if self.side(side).volume_wh != clearing.volume_wh.get() {
				return Err(VerifyError::volume_mismatch(side));
			}
		}
		if self.bids.short_at_price && self.asks.short_at_price {
			return Err(VerifyError::BothSidesShortAtPrice);
		}
		// With the volumes right, some bid buys and some ask sells, so both bounds exist.
		match (self.price_floor, self.price_ceiling) {
			(Some(floor), Some(ceiling))
				if floor <= ceiling && clearing.price == clearing_price_within(floor, ceiling) =>
			{
				Ok(())
			},
			_ => Err(VerifyError::PriceNotMidpoint),
		}
	}
}

/// Whether `order` is the marginal order claimed for its side, where `marginal` gives each
/// side's claimed marginal at the clearing `price`; an error if the claim is wrong. A marginal
/// order must be a real order of its side at the price, within its energy: otherwise an id that
/// names no order, or the wrong one, could encode the same fills and the result would not be
/// unique. Shared by the single auction's check and each zone of a split one.
pub(crate) fn is_valid_marginal(
	order: &Order,
	price: Price,
	marginal: impl Fn(Side) -> Option<crate::types::Marginal>,
) -> Result<bool, VerifyError> {
	let other_side = order.side.opposite();
	if marginal(other_side).is_some_and(|claimed| claimed.id == order.id) {
		return Err(VerifyError::marginal_on_wrong_side(other_side));
	}
	let Some(claimed) = marginal(order.side).filter(|claimed| claimed.id == order.id) else {
		return Ok(false);
	};
	if order.price != price {
		return Err(VerifyError::marginal_off_price(order.side));
	}
	if claimed.fill_wh.get() > order.energy_wh {
		return Err(VerifyError::marginal_overfilled(order.side));
	}
	Ok(true)
}

/// Checks `result` against the whole book at once: [`Verifier`] fed with every order in turn.
/// Accepts exactly the result that [`crate::clear`] computes for the same book.
pub fn verify<I>(orders: I, result: &ClearingResult) -> Result<(), VerifyError>
where
	I: IntoIterator,
	I::Item: Borrow<Order>,
{
	let mut verifier = Verifier::new(result);
	for order in orders {
		let order: &Order = order.borrow();
		verifier.feed(order)?;
	}
	verifier.finish()
}
