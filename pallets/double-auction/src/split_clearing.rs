//! Market splitting: clears a book whose orders sit in zones hanging off one hub, each zone's
//! link to the hub with an export and an import cap. The rule is in the crate documentation.
//!
//! The computation, for `n` orders in `z` zones:
//! 1. Sort each zone's bids and asks by price, best first, as 16-byte entries: O(n log n). Only
//!    the one level per side where a zone's fill stops is then sorted by id.
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

/// How the clearing keys prices: by the prices themselves when every price fits a `u64` (sorting
/// 16-byte entries costs about what sorting the prices does), else by their rank among the
/// book's distinct prices and 0. Keys keep the prices' order and everything before the final
/// midpoint rules only compares prices with each other, so both give the same result.
enum PriceKeys {
	Direct,
	Ranked(Vec<Price>),
}

impl PriceKeys {
	fn key_of(&self, price: Price) -> u64 {
		match self {
			// Only called with prices that fit (see `clear_split`).
			Self::Direct => price as u64,
			Self::Ranked(prices) => prices.partition_point(|p| *p < price) as u64,
		}
	}

	/// The key of `price` if some order may be priced there.
	fn exact_key(&self, price: Price) -> Option<u64> {
		match self {
			Self::Direct => u64::try_from(price).ok(),
			Self::Ranked(prices) => prices.binary_search(&price).ok().map(|rank| rank as u64),
		}
	}

	/// The price an order's key stands for.
	fn price_of(&self, key: u64) -> Price {
		match self {
			Self::Direct => Price::from(key),
			Self::Ranked(prices) => prices.get(key as usize).copied().unwrap_or(Price::MAX),
		}
	}
}

/// Per order, by its position in the input: its id and its energy.
type Facts = [(OrderId, EnergyWh)];

/// One side of a zone's book, best price first; within the price levels where the order of ids
/// decides who trades, lowest id first (see [`SortedSide::order_level_by_id`]); with the running
/// sums of energy.
struct SortedSide {
	side: Side,
	/// `(price key, position)`.
	entries: Vec<(u64, usize)>,
	/// `prefix[i]` is the energy of the first `i` entries.
	prefix: Vec<u128>,
}

impl SortedSide {
	fn new(side: Side, mut entries: Vec<(u64, usize)>, facts: &Facts) -> Self {
		match side {
			Side::Buy => entries.sort_unstable_by_key(|(key, _)| core::cmp::Reverse(*key)),
			Side::Sell => entries.sort_unstable_by_key(|(key, _)| *key),
		}
		let mut side = Self { side, entries, prefix: Vec::new() };
		side.sum_energy(facts);
		side
	}

	fn sum_energy(&mut self, facts: &Facts) {
		self.prefix.clear();
		self.prefix.reserve(self.entries.len() + 1);
		let mut sum = 0u128;
		self.prefix.push(sum);
		for (_, position) in &self.entries {
			sum = sum.saturating_add(u128::from(facts[*position].1));
			self.prefix.push(sum);
		}
	}

	/// Puts the orders priced `price` in id order: only there, where the zone's fill stops,
	/// does the order of ids decide who trades.
	fn order_level_by_id(&mut self, price: u64, facts: &Facts) {
		let (better, at_least) = self.split_at(price);
		if at_least - better > 1 {
			self.entries[better..at_least].sort_unstable_by_key(|(_, position)| facts[*position].0);
			for index in better..at_least {
				let energy = u128::from(facts[self.entries[index].1].1);
				self.prefix[index + 1] = self.prefix[index] + energy;
			}
		}
	}

	fn energy_of(&self, index: usize) -> EnergyWh {
		(self.prefix[index + 1] - self.prefix[index]) as EnergyWh
	}

	/// Whether an order keyed `order_price` is priced better than `price` for this side.
	fn better(&self, order_price: u64, price: u64) -> bool {
		match self.side {
			Side::Buy => order_price > price,
			Side::Sell => order_price < price,
		}
	}

	/// How many entries are priced strictly better than `price`, and how many at least as well.
	fn split_at(&self, price: u64) -> (usize, usize) {
		let better = self.entries.partition_point(|(key, _)| self.better(*key, price));
		let at_least = better + self.entries[better..].partition_point(|(key, _)| *key == price);
		(better, at_least)
	}

	/// Energy priced strictly better than `price`, and energy priced exactly `price`.
	fn energy_around(&self, price: u64) -> (u128, u128) {
		let (better, at_least) = self.split_at(price);
		(self.prefix[better], self.prefix[at_least] - self.prefix[better])
	}

	/// How this side fills when the orders better than `price` fill completely and those at
	/// `price` share `at_level` Wh in id order.
	fn filled(&self, price: u64, at_level: i128) -> SideFill<'_> {
		let (better, at_least) = self.split_at(price);
		SideFill { sorted: self, better, at_least, at_level: u128::try_from(at_level).unwrap_or(0) }
	}
}

/// A side's fills (see [`SortedSide::filled`]): in sorted order, a run of orders that trade
/// completely, at most one that trades in part, and the rest nothing.
struct SideFill<'a> {
	sorted: &'a SortedSide,
	better: usize,
	at_least: usize,
	at_level: u128,
}

impl SideFill<'_> {
	/// The energy before the level.
	fn base(&self) -> u128 {
		self.sorted.prefix[self.better]
	}

	fn traded_wh(&self) -> u128 {
		let level = self.sorted.prefix[self.at_least] - self.base();
		self.base() + self.at_level.min(level)
	}

	/// How many entries receive energy.
	fn trading(&self) -> usize {
		let level = &self.sorted.prefix[self.better..self.at_least];
		self.better + level.partition_point(|before| before - self.base() < self.at_level)
	}

	/// How many entries receive all their energy.
	fn full(&self) -> usize {
		let level = &self.sorted.prefix[self.better + 1..=self.at_least];
		self.better + level.partition_point(|after| after - self.base() <= self.at_level)
	}

	fn fill_of(&self, index: usize) -> EnergyWh {
		if index < self.full() {
			self.sorted.energy_of(index)
		} else if index < self.trading() {
			(self.at_level - (self.sorted.prefix[index] - self.base())) as EnergyWh
		} else {
			0
		}
	}

	/// The prices these fills allow (see [`PriceBounds`]): only the worst-priced order that
	/// trades and the best-priced one left short bound them.
	fn bounds(&self, keys: &PriceKeys, bounds: &mut PriceBounds) {
		let sorted = self.sorted;
		let mut add = |index: usize| {
			let price = keys.price_of(sorted.entries[index].0);
			bounds.add(sorted.side, price, self.fill_of(index), sorted.energy_of(index));
		};
		if let Some(last_trading) = self.trading().checked_sub(1) {
			add(last_trading);
		}
		if self.full() < sorted.entries.len() {
			add(self.full());
		}
	}

	/// The marginal order at `price`: the highest id among the orders priced exactly there that
	/// receive energy.
	fn marginal_at(&self, keys: &PriceKeys, facts: &Facts, price: Price) -> Option<Marginal> {
		let key = keys.exact_key(price)?;
		let (start, end) = self.sorted.split_at(key);
		(start..end)
			.filter_map(|index| {
				let id = facts[self.sorted.entries[index].1].0;
				NonZeroEnergyWh::new(self.fill_of(index)).map(|fill_wh| Marginal { id, fill_wh })
			})
			.max_by_key(|marginal| marginal.id)
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
	fn offer_at(&self, price: u64) -> Offer {
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

	/// The lowest price (key) at which the zone, on its own, exports at least `net_export_wh`.
	fn lowest_price_exporting(&self, net_export_wh: i128, max_price: u64) -> u64 {
		lowest_price_where(max_price, |price| self.offer_at(price).high() >= net_export_wh)
	}
}

/// The smallest price key in `0..=max_price + 1` where `holds`, a predicate false below some
/// key and true from there on; `max_price + 1` if it holds nowhere below.
fn lowest_price_where(max_price: u64, holds: impl Fn(u64) -> bool) -> u64 {
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
	/// The level's price key.
	price: u64,
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
	fn trading_most(price: u64, offer: Offer, net_export_wh: i128) -> Self {
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
	clear_split_keyed(orders, links, false)
}

/// [`clear_split`] keying prices by rank even where they fit a `u64`, so that the tests run the
/// path of books with huge prices on every book.
#[cfg(test)]
pub(crate) fn clear_split_ranked(
	orders: &[ZonedOrder],
	links: &[ZoneLink],
) -> Result<SplitResult, SplitError> {
	clear_split_keyed(orders, links, true)
}

fn clear_split_keyed<I>(
	orders: I,
	links: &[ZoneLink],
	always_rank: bool,
) -> Result<SplitResult, SplitError>
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
	// Step 1: each zone's sides keyed by price (see `PriceKeys`), then sorted.
	let orders = orders.into_iter();
	let expected = orders.size_hint().0;
	// A little more than an even share, so that most zones' sides never grow.
	let per_side = expected / (2 * links.len().max(1)) + expected / (16 * links.len().max(1));
	let mut sides: Vec<(Vec<(u64, usize)>, Vec<(u64, usize)>)> = links
		.iter()
		.map(|_| (Vec::with_capacity(per_side), Vec::with_capacity(per_side)))
		.collect();
	let mut facts: Vec<(OrderId, EnergyWh)> = Vec::with_capacity(expected);
	let mut wide: Vec<(usize, Side, Price, usize)> = Vec::new();
	let zone_index = ZoneIndex::new(links);
	for order in orders {
		let ZonedOrder { zone, order } = *order.borrow();
		let index = zone_index.of(zone).ok_or(SplitError::UnknownZone)?;
		if order.energy_wh == 0 {
			continue;
		}
		let position = facts.len();
		facts.push((order.id, order.energy_wh));
		let Ok(key) = u64::try_from(order.price) else {
			wide.push((index, order.side, order.price, position));
			continue;
		};
		match order.side {
			Side::Buy => sides[index].0.push((key, position)),
			Side::Sell => sides[index].1.push((key, position)),
		}
	}
	let keys = if wide.is_empty() && !always_rank {
		PriceKeys::Direct
	} else {
		let direct = sides.iter().flat_map(|(bids, asks)| bids.iter().chain(asks));
		let mut prices: Vec<Price> = direct
			.map(|(key, _)| Price::from(*key))
			.chain(wide.iter().map(|(_, _, price, _)| *price))
			.chain([0])
			.collect();
		prices.sort_unstable();
		prices.dedup();
		let keys = PriceKeys::Ranked(prices);
		for (bids, asks) in &mut sides {
			for (key, _) in bids.iter_mut().chain(asks.iter_mut()) {
				*key = keys.key_of(Price::from(*key));
			}
		}
		for (index, side, price, position) in wide {
			let entry = (keys.key_of(price), position);
			match side {
				Side::Buy => sides[index].0.push(entry),
				Side::Sell => sides[index].1.push(entry),
			}
		}
		keys
	};
	let max_price = sides
		.iter()
		.flat_map(|(bids, asks)| bids.iter().chain(asks))
		.map(|(key, _)| *key)
		.max()
		.unwrap_or(0);
	let mut books: Vec<ZoneBook> = links
		.iter()
		.zip(sides)
		.map(|(link, (bids, asks))| ZoneBook {
			link: *link,
			bids: SortedSide::new(Side::Buy, bids, &facts),
			asks: SortedSide::new(Side::Sell, asks, &facts),
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
	for (index, book) in books.iter_mut().enumerate() {
		let offer = book.offer_at(hub_level);
		let capped = if offer.low() > i128::from(book.link.export_cap_wh) {
			Some(i128::from(book.link.export_cap_wh))
		} else if offer.high() < -i128::from(book.link.import_cap_wh) {
			Some(-i128::from(book.link.import_cap_wh))
		} else {
			None
		};
		let fill = match capped {
			Some(net_export_wh) => {
				let price = book.lowest_price_exporting(net_export_wh, max_price);
				let local = book.offer_at(price);
				cut_off_flow += net_export_wh;
				LevelFill::trading_most(price, local, net_export_wh)
			},
			None => {
				coupled.push(index);
				// Placeholder until the coupled zones share out the hub's level below.
				LevelFill::trading_most(hub_level, offer, book.clamp(offer.low()))
			},
		};
		book.bids.order_level_by_id(fill.price, &facts);
		book.asks.order_level_by_id(fill.price, &facts);
		fills.push(fill);
	}
	allocate_hub_level(&books, &facts, &mut fills, &coupled, -cut_off_flow);

	// Step 4: the prices and the marginal orders the fills imply.
	let mut bounds = Vec::with_capacity(books.len());
	let mut volume: u128 = 0;
	for (book, fill) in books.iter().zip(&fills) {
		let (bids, asks) =
			(book.bids.filled(fill.price, fill.bought), book.asks.filled(fill.price, fill.sold));
		let mut zone_bounds = PriceBounds::default();
		bids.bounds(&keys, &mut zone_bounds);
		asks.bounds(&keys, &mut zone_bounds);
		volume = volume.saturating_add(bids.traded_wh());
		bounds.push((book.link, fill.net_export_wh(), zone_bounds, bids, asks));
	}
	if volume == 0 {
		return Ok(SplitResult::NoTrade);
	}
	let hub_price = hub_price_of(bounds.iter().map(|(link, flow, b, _, _)| (link, *flow, b)))
		.unwrap_or_default();
	let mut zones = ZoneClearings::default();
	for (link, flow, zone_bounds, bids, asks) in &bounds {
		let price = zone_price_of(zone_bounds, hub_price);
		let volume_of = |side: &SideFill| {
			EnergyWh::try_from(side.traded_wh()).map_err(|_| SplitError::VolumeOverflow)
		};
		let clearing = ZoneClearing {
			zone: link.zone,
			price,
			bought_wh: volume_of(bids)?,
			sold_wh: volume_of(asks)?,
			marginal_bid: bids.marginal_at(&keys, &facts, price),
			marginal_ask: asks.marginal_at(&keys, &facts, price),
		};
		debug_assert_eq!(clearing.net_export_wh(), *flow);
		zones.try_push(clearing).map_err(|_| SplitError::TooManyZones)?;
	}
	Ok(SplitResult::Trade(SplitClearing { hub_price, zones }))
}

/// Finds an order's zone among the links: by a table when the zones are numbered below
/// [`ZoneIndex::TABLE`] (as an operator numbers them), else by a binary search.
enum ZoneIndex<'a> {
	Table(Vec<Option<usize>>),
	Search(&'a [ZoneLink]),
}

impl<'a> ZoneIndex<'a> {
	const TABLE: ZoneId = 1_024;

	fn new(links: &'a [ZoneLink]) -> Self {
		match links.last() {
			Some(last) if last.zone < Self::TABLE => {
				let mut table = alloc::vec![None; last.zone as usize + 1];
				for (index, link) in links.iter().enumerate() {
					table[link.zone as usize] = Some(index);
				}
				Self::Table(table)
			},
			_ => Self::Search(links),
		}
	}

	fn of(&self, zone: ZoneId) -> Option<usize> {
		match self {
			Self::Table(table) => table.get(zone as usize).copied().flatten(),
			Self::Search(links) => links.binary_search_by_key(&zone, |link| link.zone).ok(),
		}
	}
}

/// Shares out the hub price's level among the coupled zones: their net exports add up to
/// `total_export`, each within its link and its offer; then as much trades as can, then the
/// lower ids of each side trade first, through exchanges between pairs of zones until none
/// is left.
fn allocate_hub_level(
	books: &[ZoneBook],
	facts: &Facts,
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
						highest_filled(sorted_a, facts, fa.price, filled_a),
						lowest_short(sorted_b, facts, fb.price, filled_b),
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
fn level_of<'a>(
	side: &'a SortedSide,
	facts: &'a Facts,
	price: u64,
) -> impl Iterator<Item = (OrderId, i128, i128)> + 'a {
	let (better, at_least) = side.split_at(price);
	(better..at_least).map(move |index| {
		let before = (side.prefix[index] - side.prefix[better]) as i128;
		(facts[side.entries[index].1].0, before, i128::from(side.energy_of(index)))
	})
}

/// The highest id at the level that receives energy when `filled` Wh of it trade, and how much
/// it receives.
fn highest_filled(
	side: &SortedSide,
	facts: &Facts,
	price: u64,
	filled: i128,
) -> Option<(OrderId, i128)> {
	level_of(side, facts, price)
		.filter(|(_, before, _)| *before < filled)
		.last()
		.map(|(id, before, energy)| (id, energy.min(filled - before)))
}

/// The lowest id at the level left short when `filled` Wh of it trade, and what it lacks.
fn lowest_short(
	side: &SortedSide,
	facts: &Facts,
	price: u64,
	filled: i128,
) -> Option<(OrderId, i128)> {
	level_of(side, facts, price)
		.find(|(_, before, energy)| before + energy > filled)
		.map(|(id, before, energy)| (id, before + energy - filled.max(before)))
}
