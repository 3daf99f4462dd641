//! The check of a submitted split result: O(n) over the orders, fed one at a time so that the
//! runtime can read a large book in pages, then O(zones^2) over the zones at the end.

use crate::{
	split_prices::{hub_price_of, zone_price_of, PriceBounds},
	types::{EnergyWh, Order, OrderId, Price, Side},
	verification::{is_valid_marginal, VerifyError},
	zones::{SplitClearing, SplitResult, ZoneClearing, ZoneLink, ZonedOrder, MAX_ZONES},
};
use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::borrow::Borrow;
use scale_info::TypeInfo;

/// The rule a submitted split result breaks, one variant a check of the crate documentation.
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
pub enum SplitVerifyError {
	/// The links are not in strictly ascending zone order, or more than [`MAX_ZONES`].
	LinksNotSorted,
	/// The result's zones are not the links' zones, one each, in the same order.
	ZonesMismatch,
	/// An order's zone has no link.
	UnknownZone,
	/// The result claims no trade, but a zone's book crosses, or a bid of one zone meets an ask
	/// of another and the links can carry energy from the one to the other.
	BookCrosses,
	/// The result claims a trade in which nothing trades.
	EmptyTrade,
	/// A marginal bid's id is not that of any bid of its zone.
	MarginalBidNotFound,
	/// A marginal ask's id is not that of any ask of its zone.
	MarginalAskNotFound,
	/// A marginal bid's id is that of an ask.
	MarginalBidIsAnAsk,
	/// A marginal ask's id is that of a bid.
	MarginalAskIsABid,
	/// A marginal bid is not priced exactly at its zone's price.
	MarginalBidOffPrice,
	/// A marginal ask is not priced exactly at its zone's price.
	MarginalAskOffPrice,
	/// A marginal bid's fill exceeds the bid's energy.
	MarginalBidOverfilled,
	/// A marginal ask's fill exceeds the ask's energy.
	MarginalAskOverfilled,
	/// A zone's bids' fills do not add up to what it claims to buy.
	BoughtMismatch,
	/// A zone's asks' fills do not add up to what it claims to sell.
	SoldMismatch,
	/// A zone's net export is beyond its link's export or import cap.
	LinkOverloaded,
	/// The zones' net exports do not add up to zero: the hub would trade.
	FlowsUnbalanced,
	/// A bid and an ask of one zone priced exactly at its price are both left short.
	BothSidesShortAtPrice,
	/// Two zones at the hub price could trade more with each other: one has an ask at that
	/// price left short and room to export, the other a bid left short and room to import.
	VolumeNotMaximal,
	/// At the hub price a later ask of one zone sells while an earlier ask of another is left
	/// short, and the links would let the earlier one sell instead.
	AskPriorityBroken,
	/// At the hub price a later bid of one zone buys while an earlier bid of another is left
	/// short, and the links would let the earlier one buy instead.
	BidPriorityBroken,
	/// No hub price is consistent with the fills, or the claimed one is not their midpoint.
	HubPriceNotMidpoint,
	/// A zone's price is not the one its fills and the hub price imply.
	PriceNotMidpoint,
	/// A zone is priced below the hub without its export at the cap, or above the hub without
	/// its import at the cap.
	SplitWithoutCongestion,
}

impl SplitVerifyError {
	fn marginal_not_found(side: Side) -> Self {
		VerifyError::marginal_not_found(side).into()
	}
	fn volume_mismatch(side: Side) -> Self {
		VerifyError::volume_mismatch(side).into()
	}
}

/// The rules the two checks share name the same failure: within a zone, a split result is
/// checked as a single auction is.
impl From<VerifyError> for SplitVerifyError {
	fn from(error: VerifyError) -> Self {
		match error {
			VerifyError::BookCrosses => Self::BookCrosses,
			VerifyError::MarginalBidNotFound => Self::MarginalBidNotFound,
			VerifyError::MarginalAskNotFound => Self::MarginalAskNotFound,
			VerifyError::MarginalBidIsAnAsk => Self::MarginalBidIsAnAsk,
			VerifyError::MarginalAskIsABid => Self::MarginalAskIsABid,
			VerifyError::MarginalBidOffPrice => Self::MarginalBidOffPrice,
			VerifyError::MarginalAskOffPrice => Self::MarginalAskOffPrice,
			VerifyError::MarginalBidOverfilled => Self::MarginalBidOverfilled,
			VerifyError::MarginalAskOverfilled => Self::MarginalAskOverfilled,
			VerifyError::BidVolumeMismatch => Self::BoughtMismatch,
			VerifyError::AskVolumeMismatch => Self::SoldMismatch,
			VerifyError::BothSidesShortAtPrice => Self::BothSidesShortAtPrice,
			VerifyError::PriceNotMidpoint => Self::PriceNotMidpoint,
		}
	}
}

/// What one side of a zone's orders fed so far add up to.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
struct SideTally {
	/// Sum of the fills so far; never above the claimed total.
	filled_wh: EnergyWh,
	/// Whether the claimed marginal order has been fed and passed its checks.
	marginal_seen: bool,
	/// The lowest id among the side's orders priced exactly at the zone's price left short.
	lowest_short_at_price: Option<OrderId>,
	/// For a claimed no-trade: the best price of the side (highest bid, lowest ask).
	best_price: Option<Price>,
}

/// One zone's link, claimed clearing and what its orders fed so far add up to.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
struct ZoneTally {
	link: ZoneLink,
	/// `None` for a claimed no-trade.
	clearing: Option<ZoneClearing>,
	bids: SideTally,
	asks: SideTally,
	bounds: PriceBounds,
}

impl ZoneTally {
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

	fn feed(&mut self, order: &Order) -> Result<(), SplitVerifyError> {
		let Some(clearing) = self.clearing else {
			let best = &mut self.side_mut(order.side).best_price;
			*best = Some(best.map_or(order.price, |best| match order.side {
				Side::Buy => best.max(order.price),
				Side::Sell => best.min(order.price),
			}));
			return Ok(());
		};
		if is_valid_marginal(order, clearing.price, |side| clearing.marginal(side))? {
			self.side_mut(order.side).marginal_seen = true;
		}
		let fill_wh = clearing.fill_of(order);
		let claimed = match order.side {
			Side::Buy => clearing.bought_wh,
			Side::Sell => clearing.sold_wh,
		};
		let tally = self.side_mut(order.side);
		tally.filled_wh = tally
			.filled_wh
			.checked_add(fill_wh)
			.filter(|filled| *filled <= claimed)
			.ok_or_else(|| SplitVerifyError::volume_mismatch(order.side))?;
		if fill_wh < order.energy_wh && order.price == clearing.price {
			tally.lowest_short_at_price =
				Some(tally.lowest_short_at_price.map_or(order.id, |lowest| lowest.min(order.id)));
		}
		self.bounds.add(order.side, order.price, fill_wh, order.energy_wh);
		if self.bids.lowest_short_at_price.is_some() && self.asks.lowest_short_at_price.is_some() {
			return Err(SplitVerifyError::BothSidesShortAtPrice);
		}
		Ok(())
	}

	/// The zone's own checks once every order is fed: marginals found, sums right, link within
	/// its caps.
	fn finish(&self, clearing: &ZoneClearing) -> Result<(), SplitVerifyError> {
		for side in [Side::Buy, Side::Sell] {
			if clearing.marginal(side).is_some() && !self.side(side).marginal_seen {
				return Err(SplitVerifyError::marginal_not_found(side));
			}
		}
		if self.bids.filled_wh != clearing.bought_wh {
			return Err(SplitVerifyError::BoughtMismatch);
		}
		if self.asks.filled_wh != clearing.sold_wh {
			return Err(SplitVerifyError::SoldMismatch);
		}
		if !self.link.carries(clearing.net_export_wh()) {
			return Err(SplitVerifyError::LinkOverloaded);
		}
		Ok(())
	}
}

/// Checks a submitted split result against a book fed one order at a time, as
/// [`crate::Verifier`] does for one zone: create it with [`SplitVerifier::new`],
/// [`feed`](SplitVerifier::feed) every order of the slot exactly once in any order, then call
/// [`finish`](SplitVerifier::finish). The state is O(zones) and bounded by `MaxEncodedLen`; the
/// first failure is kept. The caller counts the orders it feeds.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SplitVerifier {
	/// The claimed hub price; `None` for a claimed no-trade.
	hub_price: Option<Price>,
	zones: BoundedVec<ZoneTally, ConstU32<MAX_ZONES>>,
	first_failure: Option<SplitVerifyError>,
}

impl SplitVerifier {
	/// Starts checking `result` for a market with `links`; fails at once if the result's zones
	/// are not the links'.
	pub fn new(links: &[ZoneLink], result: &SplitResult) -> Result<Self, SplitVerifyError> {
		if links.len() > MAX_ZONES as usize || !links.is_sorted_by(|a, b| a.zone < b.zone) {
			return Err(SplitVerifyError::LinksNotSorted);
		}
		let (hub_price, clearings) = match result {
			SplitResult::NoTrade => (None, None),
			SplitResult::Trade(SplitClearing { hub_price, zones }) => {
				if zones.len() != links.len()
					|| zones.iter().zip(links).any(|(zone, link)| zone.zone != link.zone)
				{
					return Err(SplitVerifyError::ZonesMismatch);
				}
				(Some(*hub_price), Some(zones))
			},
		};
		let tallies = links
			.iter()
			.enumerate()
			.map(|(index, link)| ZoneTally {
				link: *link,
				clearing: clearings.and_then(|zones| zones.get(index).copied()),
				bids: SideTally::default(),
				asks: SideTally::default(),
				bounds: PriceBounds::default(),
			})
			.collect::<alloc::vec::Vec<_>>();
		let zones = BoundedVec::try_from(tallies).map_err(|_| SplitVerifyError::LinksNotSorted)?;
		Ok(Self { hub_price, zones, first_failure: None })
	}

	/// Accounts for one order of the book.
	pub fn feed(&mut self, order: &ZonedOrder) -> Result<(), SplitVerifyError> {
		if let Some(failure) = self.first_failure {
			return Err(failure);
		}
		let outcome = self.feed_unchecked(order);
		if let Err(failure) = outcome {
			self.first_failure = Some(failure);
		}
		outcome
	}

	fn feed_unchecked(&mut self, order: &ZonedOrder) -> Result<(), SplitVerifyError> {
		let index = self
			.zones
			.binary_search_by_key(&order.zone, |tally| tally.link.zone)
			.map_err(|_| SplitVerifyError::UnknownZone)?;
		if order.order.energy_wh == 0 {
			return Ok(());
		}
		let tally = self.zones.get_mut(index).ok_or(SplitVerifyError::UnknownZone)?;
		tally.feed(&order.order)
	}

	/// The verdict, once every order of the book has been fed.
	pub fn finish(self) -> Result<(), SplitVerifyError> {
		if let Some(failure) = self.first_failure {
			return Err(failure);
		}
		match self.hub_price {
			None => self.finish_no_trade(),
			Some(hub_price) => self.finish_trade(hub_price),
		}
	}

	fn finish_no_trade(&self) -> Result<(), SplitVerifyError> {
		for seller in &self.zones {
			let Some(lowest_ask) = seller.asks.best_price else { continue };
			for buyer in &self.zones {
				let Some(highest_bid) = buyer.bids.best_price else { continue };
				let linked = seller.link.zone == buyer.link.zone
					|| seller.link.export_cap_wh > 0 && buyer.link.import_cap_wh > 0;
				if linked && highest_bid >= lowest_ask {
					return Err(SplitVerifyError::BookCrosses);
				}
			}
		}
		Ok(())
	}

	fn finish_trade(&self, hub_price: Price) -> Result<(), SplitVerifyError> {
		let mut zones = alloc::vec::Vec::with_capacity(self.zones.len());
		for tally in &self.zones {
			let clearing = tally.clearing.ok_or(SplitVerifyError::ZonesMismatch)?;
			tally.finish(&clearing)?;
			zones.push((tally, clearing, clearing.net_export_wh()));
		}
		if zones.iter().all(|(_, clearing, _)| clearing.bought_wh == 0) {
			return Err(SplitVerifyError::EmptyTrade);
		}
		if zones.iter().map(|(_, _, flow)| *flow).sum::<i128>() != 0 {
			return Err(SplitVerifyError::FlowsUnbalanced);
		}
		let implied_hub =
			hub_price_of(zones.iter().map(|(tally, _, flow)| (&tally.link, *flow, &tally.bounds)));
		if implied_hub != Some(hub_price) {
			return Err(SplitVerifyError::HubPriceNotMidpoint);
		}
		for (tally, clearing, flow) in &zones {
			if clearing.price != zone_price_of(&tally.bounds, hub_price) {
				return Err(SplitVerifyError::PriceNotMidpoint);
			}
			let split_low = clearing.price < hub_price && !tally.link.export_full(*flow);
			let split_high = clearing.price > hub_price && !tally.link.import_full(*flow);
			if split_low || split_high {
				return Err(SplitVerifyError::SplitWithoutCongestion);
			}
		}
		// Between the zones at the hub price: nothing more can trade, and earlier orders come
		// first as far as the links allow.
		let at_hub =
			|(_, clearing, _): &&(&ZoneTally, ZoneClearing, i128)| clearing.price == hub_price;
		for a in zones.iter().filter(at_hub) {
			for b in zones.iter().filter(at_hub) {
				if a.0.link.zone == b.0.link.zone {
					continue;
				}
				let (a_out, a_in) = (!a.0.link.export_full(a.2), !a.0.link.import_full(a.2));
				let (b_out, b_in) = (!b.0.link.export_full(b.2), !b.0.link.import_full(b.2));
				if a.0.asks.lowest_short_at_price.is_some()
					&& a_out && b.0.bids.lowest_short_at_price.is_some()
					&& b_in
				{
					return Err(SplitVerifyError::VolumeNotMaximal);
				}
				if let (Some(marginal), Some(short)) =
					(a.1.marginal_ask, b.0.asks.lowest_short_at_price)
				{
					if marginal.id > short && a_in && b_out {
						return Err(SplitVerifyError::AskPriorityBroken);
					}
				}
				if let (Some(marginal), Some(short)) =
					(a.1.marginal_bid, b.0.bids.lowest_short_at_price)
				{
					if marginal.id > short && a_out && b_in {
						return Err(SplitVerifyError::BidPriorityBroken);
					}
				}
			}
		}
		Ok(())
	}
}

/// Checks `result` against the whole book at once: [`SplitVerifier`] fed with every order in
/// turn. Accepts exactly the result that [`crate::clear_split`] computes for the same book and
/// links.
pub fn verify_split<I>(
	orders: I,
	links: &[ZoneLink],
	result: &SplitResult,
) -> Result<(), SplitVerifyError>
where
	I: IntoIterator,
	I::Item: Borrow<ZonedOrder>,
{
	let mut verifier = SplitVerifier::new(links, result)?;
	for order in orders {
		verifier.feed(order.borrow())?;
	}
	verifier.finish()
}
