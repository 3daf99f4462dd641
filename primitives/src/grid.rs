//! The grid between the zones (step 5 at grid level): each zone's link to the hub with its caps
//! (pallet `participants`), and the prices a cleared slot settles at, one a zone.
use crate::{EnergyWh, Slot, ZoneId};
use alloc::vec::Vec;
use wattle_double_auction::{Clearing, Order, Price, SplitClearing};

pub use wattle_double_auction::{ZoneLink, MAX_ZONES};

/// The zones' links to the hub (pallet `participants`), as clearing reads them.
pub trait GridLinks {
	/// Every zone's link for `slot`, in ascending zone order: its operator's default caps,
	/// lowered where the operator limited them for the slot. Fixed once the slot's gate closes.
	fn links(slot: Slot) -> Vec<ZoneLink>;
	/// Forgets what was kept for `slot` alone, once its outcome is forgotten.
	fn forget(slot: Slot);
}

/// Builds grids without transactions, for the benchmarks of the pallets that read links. Kept
/// apart from [`GridLinks`], which is all that production code uses.
pub trait GridFixtures {
	/// Makes the market have `zones` zones (at most [`MAX_ZONES`]), creating those missing, each
	/// with an operator of its own, every other one behind a link of `cap_wh` each way. Returns
	/// every zone, in ascending order.
	fn zones_for_benchmarks(zones: u32, cap_wh: EnergyWh) -> Vec<ZoneId>;
}

impl GridFixtures for () {
	fn zones_for_benchmarks(_: u32, _: EnergyWh) -> Vec<ZoneId> {
		Vec::new()
	}
}

/// No grid: no zones. For mock runtimes without the participants pallet.
impl GridLinks for () {
	fn links(_: Slot) -> Vec<ZoneLink> {
		Vec::new()
	}
	fn forget(_: Slot) {}
}

/// The prices a slot cleared at, from which every order's fill follows.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum ClearedPrices {
	/// One price for the whole market: the results of runtimes before market splitting.
	Single(Clearing),
	/// One price a zone (market splitting).
	Split(SplitClearing),
}

impl ClearedPrices {
	/// The price that buyers of `zone` pay and its sellers receive.
	pub fn price_of(&self, zone: ZoneId) -> Price {
		match self {
			Self::Single(clearing) => clearing.price,
			Self::Split(split) => split.zone(zone).map_or(split.hub_price, |zone| zone.price),
		}
	}

	/// The energy `order`, an order of `zone`, trades.
	pub fn fill_of(&self, zone: ZoneId, order: &Order) -> EnergyWh {
		match self {
			Self::Single(clearing) => clearing.fill_of(order),
			Self::Split(split) => split.zone(zone).map_or(0, |zone| zone.fill_of(order)),
		}
	}

	/// The hub's price: the one price of an unsplit market.
	pub fn hub_price(&self) -> Price {
		match self {
			Self::Single(clearing) => clearing.price,
			Self::Split(split) => split.hub_price,
		}
	}

	/// The congestion rent that `zone`'s link earns: `(hub price − zone price) · net export`.
	pub fn congestion_rent_of(&self, zone: ZoneId) -> u128 {
		match self {
			Self::Single(_) => 0,
			Self::Split(split) => split
				.zone(zone)
				.map_or(0, |clearing| SplitClearing::congestion_rent_of(clearing, split.hub_price)),
		}
	}
}
