//! The price rules of a split market, shared by the clearing and the verifier: from the fills,
//! each zone's interval of prices that its fills allow, the hub's interval, and the midpoints.

use crate::{
	clearing::clearing_price_within,
	types::{EnergyWh, Price, Side},
	zones::ZoneLink,
};
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The prices a zone's fills allow: at least `floor` (the highest price of an ask that sells
/// or of a bid left short) and at most `ceiling` (the lowest price of a bid that buys or of an
/// ask left short); `None` where no order bounds it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct PriceBounds {
	pub floor: Option<Price>,
	pub ceiling: Option<Price>,
}

impl PriceBounds {
	/// Accounts for an order of `side` priced `price` that trades `fill_wh` of `energy_wh`.
	pub fn add(&mut self, side: Side, price: Price, fill_wh: EnergyWh, energy_wh: EnergyWh) {
		if energy_wh == 0 {
			return;
		}
		let short = fill_wh < energy_wh;
		let trades = fill_wh > 0;
		let (raises_floor, lowers_ceiling) = match side {
			Side::Buy => (short, trades),
			Side::Sell => (trades, short),
		};
		if raises_floor {
			self.floor = Some(self.floor.map_or(price, |floor| floor.max(price)));
		}
		if lowers_ceiling {
			self.ceiling = Some(self.ceiling.map_or(price, |ceiling| ceiling.min(price)));
		}
	}

	fn contains(&self, price: Price) -> bool {
		self.floor.is_none_or(|floor| floor <= price)
			&& self.ceiling.is_none_or(|ceiling| price <= ceiling)
	}
}

/// The midpoint rule on an interval that may be open on either side: the midpoint (rounded
/// down) of a bounded one, its one bound if only one exists, `None` if it is empty.
fn midpoint(floor: Option<Price>, ceiling: Option<Price>) -> Option<Price> {
	match (floor, ceiling) {
		(Some(floor), Some(ceiling)) if floor > ceiling => None,
		(Some(floor), Some(ceiling)) => Some(clearing_price_within(floor, ceiling)),
		(Some(bound), None) | (None, Some(bound)) => Some(bound),
		(None, None) => None,
	}
}

/// The hub price the zones' fills imply: the midpoint of the prices every zone allows the hub.
/// A zone whose link is within both caps must trade at the hub price, so the hub price is within
/// its bounds; one whose export is at its cap may be priced below the hub, so only its floor
/// bounds the hub; one whose import is at its cap only its ceiling; one that can neither export
/// nor import, nothing. `Some(0)` if nothing bounds it, `None` if the bounds leave no price.
pub(crate) fn hub_price_of<'a>(
	zones: impl IntoIterator<Item = (&'a ZoneLink, i128, &'a PriceBounds)>,
) -> Option<Price> {
	let (mut floor, mut ceiling): (Option<Price>, Option<Price>) = (None, None);
	for (link, net_export_wh, bounds) in zones {
		let (export_full, import_full) =
			(link.export_full(net_export_wh), link.import_full(net_export_wh));
		// A link at its import cap lets the zone's price stand above the hub's, so the zone's
		// floor no longer binds the hub; at its export cap, its ceiling no longer does.
		let (bounds_floor, bounds_ceiling) = (!import_full, !export_full);
		if bounds_floor {
			if let Some(zone_floor) = bounds.floor {
				floor = Some(floor.map_or(zone_floor, |floor| floor.max(zone_floor)));
			}
		}
		if bounds_ceiling {
			if let Some(zone_ceiling) = bounds.ceiling {
				ceiling = Some(ceiling.map_or(zone_ceiling, |ceiling| ceiling.min(zone_ceiling)));
			}
		}
	}
	match (floor, ceiling) {
		(None, None) => Some(0),
		(floor, ceiling) => midpoint(floor, ceiling),
	}
}

/// A zone's price given the hub's: the hub price if the zone's fills allow it (its link is not
/// congested), else the midpoint of what they allow (the zone is split from the hub).
pub(crate) fn zone_price_of(bounds: &PriceBounds, hub_price: Price) -> Price {
	if bounds.contains(hub_price) {
		return hub_price;
	}
	midpoint(bounds.floor, bounds.ceiling).unwrap_or(hub_price)
}
