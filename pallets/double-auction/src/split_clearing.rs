//! Market splitting: clears a book whose orders sit in zones hanging off one hub, each zone's
//! link to the hub with an export and an import cap. The rule is in the crate documentation.
//!
//! The computation, for `n` orders in `z` zones:
//! 1. Sort each zone's bids and asks by price (best first), then id: O(n log n).
//! 2. Find the lowest hub price at which the zones' offers to the hub, each clamped to its
//!    link's caps, supply at least what they demand: a binary search over prices, each step
//!    O(z log n).
//! 3. At that price, a zone that would export more than its cap, or import more, is cut off at
//!    its cap and cleared on its own at a price of its own; the others are coupled at the hub
//!    price, and what the orders priced exactly there trade is allocated by volume, then by id
//!    (a few exchanges between pairs of zones, each of which fills or empties an order or fills
//!    a link).
//! 4. The prices follow from the fills by the midpoint rules, as the verifier computes them.

use crate::{
	split_prices::{hub_price_of, zone_price_of, PriceBounds},
	types::{EnergyWh, Marginal, NonZeroEnergyWh, OrderId, Price, Side},
	zones::{
		SplitClearing, SplitResult, ZoneClearing, ZoneClearings, ZoneId, ZoneLink, ZonedOrder,
	},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::borrow::Borrow;
use scale_info::TypeInfo;

/// Why a split book has no clearing result.
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
pub enum SplitError {
	/// The links are not in strictly ascending zone order.
	LinksNotSorted,
	/// More links than [`crate::MAX_ZONES`].
	TooManyZones,
	/// An order's zone has no link.
	UnknownZone,
	/// A zone would buy or sell more than `u64::MAX` Wh.
	VolumeOverflow,
}

/// An order as the clearing needs it.
#[derive(Clone, Copy)]
struct Entry {
	price: Price,
	id: OrderId,
	energy_wh: EnergyWh,
}

/// One side of a zone's book, best price first and, at equal prices, lowest id first; with the
/// running sums of energy.
struct SortedSide {
	side: Side,
	entries: Vec<Entry>,
	/// `prefix[i]` is the energy of the first `i` entries.
	prefix: Vec<u128>,
}

impl SortedSide {
	fn new(side: Side, mut entries: Vec<Entry>) -> Self {
		match side {
			Side::Buy => {
				entries.sort_unstable_by(|a, b| b.price.cmp(&a.price).then(a.id.cmp(&b.id)))
			},
			Side::Sell => {
				entries.sort_unstable_by(|a, b| a.price.cmp(&b.price).then(a.id.cmp(&b.id)))
			},
		}
		let mut prefix = Vec::with_capacity(entries.len() + 1);
		let mut sum = 0u128;
		prefix.push(sum);
		for entry in &entries {
			sum = sum.saturating_add(u128::from(entry.energy_wh));
			prefix.push(sum);
		}
		Self { side, entries, prefix }
	}

	/// Whether an order priced `order_price` is priced better than `price` for this side.
	fn better(&self, order_price: Price, price: Price) -> bool {
		match self.side {
			Side::Buy => order_price > price,
			Side::Sell => order_price < price,
		}
	}

	/// How many entries are priced strictly better than `price`, and how many at least as well.
	fn split_at(&self, price: Price) -> (usize, usize) {
		let better = self.entries.partition_point(|entry| self.better(entry.price, price));
		let at_least =
			better + self.entries[better..].partition_point(|entry| entry.price == price);
		(better, at_least)
	}

	/// Energy priced strictly better than `price`, and energy priced exactly `price`.
	fn energy_around(&self, price: Price) -> (u128, u128) {
		let (better, at_least) = self.split_at(price);
		(self.prefix[better], self.prefix[at_least] - self.prefix[better])
	}
}

/// A zone's book and link.
struct ZoneBook {
	link: ZoneLink,
	bids: SortedSide,
	asks: SortedSide,
}

/// What a zone offers the hub at a price: its net export is anything in `low..=high`.
#[derive(Clone, Copy)]
struct Offer {
	/// Orders strictly better than the price: asks below it minus bids above it.
	strict_excess: i128,
	/// Energy of the bids priced exactly at the price.
	bids_at: i128,
	/// Energy of the asks priced exactly at the price.
	asks_at: i128,
}

impl Offer {
	fn low(&self) -> i128 {
		self.strict_excess - self.bids_at
	}
	fn high(&self) -> i128 {
		self.strict_excess + self.asks_at
	}
}

impl ZoneBook {
	fn offer_at(&self, price: Price) -> Offer {
		let (bids_above, bids_at) = self.bids.energy_around(price);
		let (asks_below, asks_at) = self.asks.energy_around(price);
		Offer {
			strict_excess: asks_below as i128 - bids_above as i128,
			bids_at: bids_at as i128,
			asks_at: asks_at as i128,
		}
	}

	fn clamp(&self, net_export_wh: i128) -> i128 {
		net_export_wh
			.min(i128::from(self.link.export_cap_wh))
			.max(-i128::from(self.link.import_cap_wh))
	}

	/// The lowest price at which the zone, on its own, exports at least `net_export_wh`.
	fn lowest_price_exporting(&self, net_export_wh: i128, max_price: Price) -> Price {
		lowest_price_where(max_price, |price| self.offer_at(price).high() >= net_export_wh)
	}
}

/// The smallest price in `0..=max_price + 1` where `holds`, a predicate false below some price
/// and true from there on; `max_price + 1` if it holds nowhere below.
fn lowest_price_where(max_price: Price, holds: impl Fn(Price) -> bool) -> Price {
	let (mut low, mut high) = (0, max_price.saturating_add(1));
	while low < high {
		let middle = low + (high - low) / 2;
		if holds(middle) {
			high = middle;
		} else {
			low = middle + 1;
		}
	}
	low
}

/// How a zone's orders at one price level fill: those priced better fill completely, the first
/// `bought`/`sold` Wh at the level in id order, the rest nothing.
#[derive(Clone, Copy)]
struct LevelFill {
	price: Price,
	offer: Offer,
	/// Energy of the level's bids that buys.
	bought: i128,
	/// Energy of the level's asks that sells.
	sold: i128,
}

impl LevelFill {
	/// The fill of a zone whose net export is `net_export_wh` at `price`, trading as much as
	/// the level allows: neither side is left short while the other still has energy at the
	/// price (callers keep `net_export_wh` within the offer).
	fn trading_most(price: Price, offer: Offer, net_export_wh: i128) -> Self {
		let level_excess = net_export_wh - offer.strict_excess;
		let bought = offer.bids_at.min(offer.asks_at - level_excess);
		Self { price, offer, bought, sold: bought + level_excess }
	}

	fn net_export_wh(&self) -> i128 {
		self.offer.strict_excess + self.sold - self.bought
	}
}

/// Clears a book split into zones by the market-splitting rule of the crate documentation.
///
/// `links` lists every zone of the market in strictly ascending zone order; every order's zone
/// must be among them. O(n log n) for n orders, plus O(zones^2) per exchange at the hub price.
/// Orders without energy are ignored. With every link unbounded the fills and the price are
/// those of [`crate::clear`].
pub fn clear_split<I>(orders: I, links: &[ZoneLink]) -> Result<SplitResult, SplitError>
where
	I: IntoIterator,
	I::Item: Borrow<ZonedOrder>,
{
	if links.len() > crate::MAX_ZONES as usize {
		return Err(SplitError::TooManyZones);
	}
	if links.windows(2).any(|pair| pair[0].zone >= pair[1].zone) {
		return Err(SplitError::LinksNotSorted);
	}
	let mut sides: Vec<(Vec<Entry>, Vec<Entry>)> =
		links.iter().map(|_| (Vec::new(), Vec::new())).collect();
	let mut max_price: Price = 0;
	for order in orders {
		let ZonedOrder { zone, order } = *order.borrow();
		let index = zone_index(links, zone).ok_or(SplitError::UnknownZone)?;
		if order.energy_wh == 0 {
			continue;
		}
		max_price = max_price.max(order.price);
		let entry = Entry { price: order.price, id: order.id, energy_wh: order.energy_wh };
		match order.side {
			Side::Buy => sides[index].0.push(entry),
			Side::Sell => sides[index].1.push(entry),
		}
	}
	let books: Vec<ZoneBook> = links
		.iter()
		.zip(sides)
		.map(|(link, (bids, asks))| ZoneBook {
			link: *link,
			bids: SortedSide::new(Side::Buy, bids),
			asks: SortedSide::new(Side::Sell, asks),
		})
		.collect();

	// Step 2: the lowest price at which the zones' clamped offers reach zero net.
	let hub_level = lowest_price_where(max_price, |price| {
		books.iter().map(|book| book.clamp(book.offer_at(price).high())).sum::<i128>() >= 0
	});

	// Step 3: cut off the zones whose offer does not fit their link there.
	let mut fills: Vec<LevelFill> = Vec::with_capacity(books.len());
	let mut coupled: Vec<usize> = Vec::new();
	let mut cut_off_flow: i128 = 0;
	for (index, book) in books.iter().enumerate() {
		let offer = book.offer_at(hub_level);
		let capped = if offer.low() > i128::from(book.link.export_cap_wh) {
			Some(i128::from(book.link.export_cap_wh))
		} else if offer.high() < -i128::from(book.link.import_cap_wh) {
			Some(-i128::from(book.link.import_cap_wh))
		} else {
			None
		};
		match capped {
			Some(net_export_wh) => {
				let price = book.lowest_price_exporting(net_export_wh, max_price);
				let local = book.offer_at(price);
				fills.push(LevelFill::trading_most(price, local, net_export_wh));
				cut_off_flow += net_export_wh;
			},
			None => {
				// Placeholder until the coupled zones share out the hub's level below.
				fills.push(LevelFill::trading_most(hub_level, offer, book.clamp(offer.low())));
				coupled.push(index);
			},
		}
	}
	allocate_hub_level(&books, &mut fills, &coupled, -cut_off_flow);

	// Step 4: every order's fill, then the prices and the marginal orders they imply.
	let zone_fills: Vec<(Vec<(Entry, EnergyWh)>, Vec<(Entry, EnergyWh)>)> = books
		.iter()
		.zip(&fills)
		.map(|(book, fill)| {
			(
				filled_side(&book.bids, fill.price, fill.bought),
				filled_side(&book.asks, fill.price, fill.sold),
			)
		})
		.collect();
	let mut bounds = Vec::with_capacity(books.len());
	let mut volume: u128 = 0;
	for ((book, (bids, asks)), fill) in books.iter().zip(&zone_fills).zip(&fills) {
		let mut zone_bounds = PriceBounds::default();
		for (entry, fill_wh) in bids {
			zone_bounds.add(Side::Buy, entry.price, *fill_wh, entry.energy_wh);
			volume = volume.saturating_add(u128::from(*fill_wh));
		}
		for (entry, fill_wh) in asks {
			zone_bounds.add(Side::Sell, entry.price, *fill_wh, entry.energy_wh);
		}
		bounds.push((book.link, fill.net_export_wh(), zone_bounds));
	}
	if volume == 0 {
		return Ok(SplitResult::NoTrade);
	}
	let hub_price =
		hub_price_of(bounds.iter().map(|(link, flow, b)| (link, *flow, b))).unwrap_or_default();
	let mut zones = ZoneClearings::default();
	for ((book, (bids, asks)), (_, flow, zone_bounds)) in books.iter().zip(&zone_fills).zip(&bounds)
	{
		let price = zone_price_of(zone_bounds, hub_price);
		let bought_wh: u128 = bids.iter().map(|(_, fill)| u128::from(*fill)).sum();
		let sold_wh: u128 = asks.iter().map(|(_, fill)| u128::from(*fill)).sum();
		let clearing = ZoneClearing {
			zone: book.link.zone,
			price,
			bought_wh: EnergyWh::try_from(bought_wh).map_err(|_| SplitError::VolumeOverflow)?,
			sold_wh: EnergyWh::try_from(sold_wh).map_err(|_| SplitError::VolumeOverflow)?,
			marginal_bid: marginal_at(bids, price),
			marginal_ask: marginal_at(asks, price),
		};
		debug_assert_eq!(clearing.net_export_wh(), *flow);
		zones.try_push(clearing).map_err(|_| SplitError::TooManyZones)?;
	}
	Ok(SplitResult::Trade(SplitClearing { hub_price, zones }))
}

fn zone_index(links: &[ZoneLink], zone: ZoneId) -> Option<usize> {
	links.binary_search_by_key(&zone, |link| link.zone).ok()
}

/// Each entry of `side` with its fill: better than `price` completely, at `price` the first
/// `at_level` Wh in id order.
fn filled_side(side: &SortedSide, price: Price, at_level: i128) -> Vec<(Entry, EnergyWh)> {
	let mut left = u128::try_from(at_level).unwrap_or(0);
	side.entries
		.iter()
		.map(|entry| {
			let fill_wh = if side.better(entry.price, price) {
				entry.energy_wh
			} else if entry.price == price {
				let fill = u128::from(entry.energy_wh).min(left);
				left -= fill;
				fill as EnergyWh
			} else {
				0
			};
			(*entry, fill_wh)
		})
		.collect()
}

/// The marginal order at `price`: the highest id among the side's orders priced exactly there
/// that receive energy.
fn marginal_at(side: &[(Entry, EnergyWh)], price: Price) -> Option<Marginal> {
	side.iter()
		.filter(|(entry, _)| entry.price == price)
		.filter_map(|(entry, fill)| NonZeroEnergyWh::new(*fill).map(|fill| (entry.id, fill)))
		.max_by_key(|(id, _)| *id)
		.map(|(id, fill_wh)| Marginal { id, fill_wh })
}

/// Shares out the hub price's level among the coupled zones: their net exports add up to
/// `total_export`, each within its link and its offer; then as much trades as can, then the
/// lower ids of each side trade first, through exchanges between pairs of zones until none
/// is left.
fn allocate_hub_level(
	books: &[ZoneBook],
	fills: &mut [LevelFill],
	coupled: &[usize],
	total_export: i128,
) {
	// Start every coupled zone at the least it can export, then raise zone by zone.
	let mut missing =
		total_export - coupled.iter().map(|&z| fills[z].net_export_wh()).sum::<i128>();
	for &zone in coupled {
		if missing <= 0 {
			break;
		}
		let fill = fills[zone];
		let most = books[zone].clamp(fill.offer.high());
		let raise = missing.min(most - fill.net_export_wh());
		fills[zone] = LevelFill::trading_most(fill.price, fill.offer, fill.net_export_wh() + raise);
		missing -= raise;
	}
	debug_assert_eq!(missing, 0, "the hub level is where the clamped offers balance");

	let room_out =
		|fill: &LevelFill, link: &ZoneLink| i128::from(link.export_cap_wh) - fill.net_export_wh();
	let room_in =
		|fill: &LevelFill, link: &ZoneLink| fill.net_export_wh() + i128::from(link.import_cap_wh);

	// More volume: a short ask of one zone with room to export meets a short bid of another
	// with room to import.
	loop {
		let mut moved = false;
		for &a in coupled {
			for &b in coupled {
				if a == b {
					continue;
				}
				let (fa, fb) = (fills[a], fills[b]);
				let amount = (fa.offer.asks_at - fa.sold)
					.min(fb.offer.bids_at - fb.bought)
					.min(room_out(&fa, &books[a].link))
					.min(room_in(&fb, &books[b].link));
				if amount > 0 {
					fills[a].sold += amount;
					fills[b].bought += amount;
					moved = true;
				}
			}
		}
		if !moved {
			break;
		}
	}

	// Earlier orders first: energy moves from a zone's highest filled order at the level to
	// another zone's lowest short one with a lower id, while the links allow.
	loop {
		let mut moved = false;
		for &a in coupled {
			for &b in coupled {
				if a == b {
					continue;
				}
				for side in [Side::Sell, Side::Buy] {
					let (fa, fb) = (fills[a], fills[b]);
					let (book_a, book_b) = (&books[a], &books[b]);
					let (sorted_a, sorted_b) = match side {
						Side::Buy => (&book_a.bids, &book_b.bids),
						Side::Sell => (&book_a.asks, &book_b.asks),
					};
					let (filled_a, filled_b) = match side {
						Side::Buy => (fa.bought, fb.bought),
						Side::Sell => (fa.sold, fb.sold),
					};
					let (Some((top_id, top_filled)), Some((short_id, short_left))) = (
						highest_filled(sorted_a, fa.price, filled_a),
						lowest_short(sorted_b, fb.price, filled_b),
					) else {
						continue;
					};
					if top_id < short_id {
						continue;
					}
					// Selling less in `a` and more in `b` moves export from `a` to `b`; buying
					// less in `a` and more in `b` moves it the other way.
					let links_allow = match side {
						Side::Sell => room_in(&fa, &book_a.link).min(room_out(&fb, &book_b.link)),
						Side::Buy => room_out(&fa, &book_a.link).min(room_in(&fb, &book_b.link)),
					};
					let amount = top_filled.min(short_left).min(links_allow);
					if amount <= 0 {
						continue;
					}
					match side {
						Side::Sell => {
							fills[a].sold -= amount;
							fills[b].sold += amount;
						},
						Side::Buy => {
							fills[a].bought -= amount;
							fills[b].bought += amount;
						},
					}
					moved = true;
				}
			}
		}
		if !moved {
			break;
		}
	}
}

/// The level's orders of `side` at `price` (lowest id first) with the energy before each.
fn level_of(side: &SortedSide, price: Price) -> impl Iterator<Item = (OrderId, i128, i128)> + '_ {
	let (better, at_least) = side.split_at(price);
	(better..at_least).map(move |index| {
		let before = (side.prefix[index] - side.prefix[better]) as i128;
		(side.entries[index].id, before, i128::from(side.entries[index].energy_wh))
	})
}

/// The highest id at the level that receives energy when `filled` Wh of it trade, and how much
/// it receives.
fn highest_filled(side: &SortedSide, price: Price, filled: i128) -> Option<(OrderId, i128)> {
	level_of(side, price)
		.filter(|(_, before, _)| *before < filled)
		.last()
		.map(|(id, before, energy)| (id, energy.min(filled - before)))
}

/// The lowest id at the level left short when `filled` Wh of it trade, and what it lacks.
fn lowest_short(side: &SortedSide, price: Price, filled: i128) -> Option<(OrderId, i128)> {
	level_of(side, price)
		.find(|(_, before, energy)| before + energy > filled)
		.map(|(id, before, energy)| (id, before + energy - filled.max(before)))
}
