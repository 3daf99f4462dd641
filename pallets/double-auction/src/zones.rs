//! What a market split into zones holds and what its clearing yields: each zone's link to the
//! hub, orders tagged with their zone, and the O(zones) result from which every fill follows.

use crate::types::{EnergyWh, Marginal, Order, Price, Side};
use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifies a grid zone, as `wattle_primitives::ZoneId`.
pub type ZoneId = u32;

/// The most zones one market clears together; the result and the verifier's state hold one
/// entry a zone.
pub const MAX_ZONES: u32 = 32;

/// The zones of a result, one entry a zone, in ascending zone order.
pub type ZoneClearings = BoundedVec<ZoneClearing, ConstU32<MAX_ZONES>>;

/// A zone's link to the hub (the substation) for one slot: the most energy the zone can send
/// to the hub, and take from it, in the slot.
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
pub struct ZoneLink {
	/// The zone the link connects.
	pub zone: ZoneId,
	/// The most the zone's sellers can deliver, net, to buyers outside it.
	pub export_cap_wh: EnergyWh,
	/// The most the zone's buyers can take, net, from sellers outside it.
	pub import_cap_wh: EnergyWh,
}

impl ZoneLink {
	/// A link that carries any flow: a market of such zones clears as one.
	pub fn unbounded(zone: ZoneId) -> Self {
		Self { zone, export_cap_wh: EnergyWh::MAX, import_cap_wh: EnergyWh::MAX }
	}

	/// The highest net export the link carries: its export cap.
	pub(crate) fn max_net_export_wh(&self) -> i128 {
		i128::from(self.export_cap_wh)
	}

	/// The lowest net export the link carries: its import cap, negated.
	pub(crate) fn min_net_export_wh(&self) -> i128 {
		// The cap is at most `u64::MAX`, so this does not saturate.
		i128::from(self.import_cap_wh).saturating_neg()
	}

	/// Whether `net_export_wh` is at the export cap: the zone cannot send more.
	pub(crate) fn export_full(&self, net_export_wh: i128) -> bool {
		net_export_wh >= self.max_net_export_wh()
	}

	/// Whether `net_export_wh` is at the import cap: the zone cannot take more.
	pub(crate) fn import_full(&self, net_export_wh: i128) -> bool {
		net_export_wh <= self.min_net_export_wh()
	}

	/// Whether `net_export_wh` is within both caps.
	pub(crate) fn carries(&self, net_export_wh: i128) -> bool {
		(self.min_net_export_wh()..=self.max_net_export_wh()).contains(&net_export_wh)
	}
}

/// An order of a market split into zones: the order and the zone of the household that placed
/// it.
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
pub struct ZonedOrder {
	/// The zone the energy is delivered in (a bid) or fed in from (an ask).
	pub zone: ZoneId,
	/// The order itself; ids are unique across all zones of the book.
	pub order: Order,
}

/// One zone of a split clearing: its price, what its orders buy and sell, and its marginal
/// orders at its price.
///
/// Within the zone the rule of the single auction holds at the zone's price: bids priced above
/// it and asks priced below it fill completely, those on the other side of it not at all, and
/// at exactly the price each side fills in id order up to its marginal order (see
/// [`ZoneClearing::fill_of`]).
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
pub struct ZoneClearing {
	/// The zone.
	pub zone: ZoneId,
	/// The price, in planck per Wh, that the zone's buyers pay and its sellers receive.
	pub price: Price,
	/// Energy the zone's bids buy.
	pub bought_wh: EnergyWh,
	/// Energy the zone's asks sell.
	pub sold_wh: EnergyWh,
	/// The bid with the highest id among the zone's bids priced exactly `price` that receive
	/// energy, with its fill; `None` if none does.
	pub marginal_bid: Option<Marginal>,
	/// The ask with the highest id among the zone's asks priced exactly `price` that sell
	/// energy, with its fill; `None` if none does.
	pub marginal_ask: Option<Marginal>,
}

impl ZoneClearing {
	/// Energy the zone sends to the hub: what it sells minus what it buys (negative when it
	/// imports).
	pub fn net_export_wh(&self) -> i128 {
		// Both are below 2^64, so the difference is exact.
		i128::from(self.sold_wh).saturating_sub(i128::from(self.bought_wh))
	}

	/// The marginal order of `side`.
	pub fn marginal(&self, side: Side) -> Option<Marginal> {
		match side {
			Side::Buy => self.marginal_bid,
			Side::Sell => self.marginal_ask,
		}
	}

	/// The energy `order`, an order of this zone, trades under this clearing.
	///
	/// Meaningful only for a result that [`crate::verify_split`] accepted for the book holding
	/// `order`: for an unchecked result the marginal fill may exceed the order's energy.
	pub fn fill_of(&self, order: &Order) -> EnergyWh {
		crate::types::fill_at(order, self.price, self.marginal(order.side))
	}
}

/// A slot that trades in a market split into zones, in canonical form: each field is fixed by
/// the book and the links alone.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct SplitClearing {
	/// The hub's price: the price of every zone whose link is not congested.
	pub hub_price: Price,
	/// Every zone of the market, in ascending zone order, as many as the links.
	pub zones: ZoneClearings,
}

impl SplitClearing {
	/// The clearing of `zone`, if the market has that zone.
	pub fn zone(&self, zone: ZoneId) -> Option<&ZoneClearing> {
		self.zones
			.binary_search_by_key(&zone, |clearing| clearing.zone)
			.ok()
			.and_then(|index| self.zones.get(index))
	}

	/// The energy `order` trades: zero if its zone is not in the market.
	pub fn fill_of(&self, order: &ZonedOrder) -> EnergyWh {
		self.zone(order.zone).map_or(0, |zone| zone.fill_of(&order.order))
	}

	/// Energy traded: the sum of what every zone buys.
	pub fn volume_wh(&self) -> EnergyWh {
		self.zones.iter().fold(0, |sum: EnergyWh, zone| sum.saturating_add(zone.bought_wh))
	}

	/// The congestion rent of `zone`: `(hub_price - price) * net_export`, what the buyers of the
	/// zones a congested link separates pay beyond what its sellers receive. Never negative in
	/// an accepted result: an exporting zone is priced at or below the hub, an importing one at
	/// or above.
	pub fn congestion_rent_of(zone: &ZoneClearing, hub_price: Price) -> u128 {
		let net_export_wh = zone.net_export_wh();
		if net_export_wh > 0 {
			hub_price.saturating_sub(zone.price).saturating_mul(net_export_wh.unsigned_abs())
		} else {
			zone.price.saturating_sub(hub_price).saturating_mul(net_export_wh.unsigned_abs())
		}
	}

	/// The congestion rent of the whole slot: buyers pay `Σ bought * price`, sellers receive
	/// `Σ sold * price`, and this is the difference.
	pub fn congestion_rent(&self) -> u128 {
		self.zones.iter().fold(0u128, |sum, zone| {
			sum.saturating_add(Self::congestion_rent_of(zone, self.hub_price))
		})
	}
}

/// The outcome of clearing a slot of a market split into zones, in O(zones) space.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum SplitResult {
	/// Nothing can trade: no zone's book crosses, and no bid of one zone meets an ask of another
	/// whose links can carry energy between them.
	NoTrade,
	/// Energy trades, at one price a zone.
	Trade(SplitClearing),
}

impl SplitResult {
	/// The energy `order` trades under this result.
	pub fn fill_of(&self, order: &ZonedOrder) -> EnergyWh {
		match self {
			SplitResult::NoTrade => 0,
			SplitResult::Trade(clearing) => clearing.fill_of(order),
		}
	}
}
