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
//!
//! Every order takes 16 bytes of `facts`, so a book holds fewer than 2^59 orders, each below
//! 2^64 Wh: any sum of energies here is below 2^123, and the `u128` and `i128` arithmetic on a
//! few of them and on links' caps cannot overflow. The saturating operations below never
//! saturate; what can exceed `u64::MAX`, a zone's volume, is reported as
//! [`SplitError::VolumeOverflow`].

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

/// The id and energy of the order at `position`.
fn fact_at(facts: &Facts, position: usize) -> (OrderId, EnergyWh) {
	*facts.get(position).expect("an entry's position is where its order was pushed to `facts`; qed")
}

/// One side's orders as `(price key, position in the facts)`.
type Entries = Vec<(u64, usize)>;

/// One side of a zone's book, best price first; within the price levels where the order of ids
/// decides who trades, lowest id first (see [`SortedSide::order_level_by_id`]); with the running
/// sums of energy.
struct SortedSide {
	side: Side,
	/// `(price key, position)`.
	entries: Entries,
	/// `prefix[i]` is the energy of the first `i` entries, for every `i` up to their number.
	prefix: Vec<u128>,
}

impl SortedSide {
	fn new(side: Side, mut entries: Entries, facts: &Facts) -> Self {
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
		self.prefix.reserve(self.entries.len().saturating_add(1));
		let mut sum = 0u128;
		self.prefix.push(sum);
		for (_, position) in &self.entries {
			sum = sum.saturating_add(u128::from(fact_at(facts, *position).1));
			self.prefix.push(sum);
		}
	}

	/// Puts the orders priced `price` in id order: only there, where the zone's fill stops,
	/// does the order of ids decide who trades.
	fn order_level_by_id(&mut self, price: u64, facts: &Facts) {
		let (better, at_least) = self.split_at(price);
		let Some(level) = self.entries.get_mut(better..at_least).filter(|level| level.len() > 1)
		else {
			return;
		};
		level.sort_unstable_by_key(|(_, position)| fact_at(facts, *position).0);
		let Some((before_level, sums_after)) =
			self.prefix.get_mut(better..=at_least).and_then(|sums| sums.split_first_mut())
		else {
			return;
		};
		let mut sum = *before_level;
		for ((_, position), sum_after) in level.iter().zip(sums_after) {
			sum = sum.saturating_add(u128::from(fact_at(facts, *position).1));
			*sum_after = sum;
		}
	}

	/// The energy of the first `count` entries, or of all of them if there are fewer.
	fn energy_of_first(&self, count: usize) -> u128 {
		self.prefix.get(count).or(self.prefix.last()).copied().unwrap_or(0)
	}

	/// The energy of the entry at `index`; 0 past the last entry.
	fn energy_of(&self, index: usize) -> EnergyWh {
		match self.prefix.get(index..) {
			// The running sums do not decrease.
			Some([before, after, ..]) => after.saturating_sub(*before) as EnergyWh,
			_ => 0,
		}
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
		// At least as well: `price` is not better than the order's.
		let at_least = self.entries.partition_point(|(key, _)| !self.better(price, *key));
		(better, at_least)
	}

	/// Energy priced strictly better than `price`, and energy priced exactly `price`.
	fn energy_around(&self, price: u64) -> (u128, u128) {
		let (better, at_least) = self.split_at(price);
		let better_wh = self.energy_of_first(better);
		(better_wh, self.energy_of_first(at_least).saturating_sub(better_wh))
	}

	/// How this side fills when the orders better than `price` fill completely and those at
	/// `price` share `at_level` Wh in id order.
	fn filled(&self, price: u64, at_level: i128) -> SideFill<'_> {
		let (better, at_least) = self.split_at(price);
		let at_level = u128::try_from(at_level).unwrap_or(0);
		let better_wh = self.energy_of_first(better);
		let level_wh = self.energy_of_first(at_least).saturating_sub(better_wh);
		let traded_wh = better_wh.saturating_add(at_level.min(level_wh));
		// Every order has energy, so the running sums rise strictly: the orders that trade are
		// those that start below `traded_wh`, the ones that fill completely those that end
		// within it.
		let trading = self
			.prefix
			.split_last()
			.map_or(0, |(_, sums_before)| sums_before.partition_point(|sum| *sum < traded_wh));
		let full = self
			.prefix
			.split_first()
			.map_or(0, |(_, sums_after)| sums_after.partition_point(|sum| *sum <= traded_wh));
		SideFill { sorted: self, traded_wh, trading, full }
	}
}

/// A side's fills (see [`SortedSide::filled`]): in sorted order, a run of orders that trade
/// completely, at most one that trades in part, and the rest nothing.
struct SideFill<'a> {
	sorted: &'a SortedSide,
	/// The energy the side trades.
	traded_wh: u128,
	/// How many entries receive energy.
	trading: usize,
	/// How many entries receive all their energy.
	full: usize,
}

impl SideFill<'_> {
	fn fill_of(&self, index: usize) -> EnergyWh {
		if index < self.full {
			self.sorted.energy_of(index)
		} else if index < self.trading {
			// The one order that trades in part: it starts below `traded_wh`.
			self.traded_wh.saturating_sub(self.sorted.energy_of_first(index)) as EnergyWh
		} else {
			0
		}
	}

	/// The prices these fills allow (see [`PriceBounds`]): only the worst-priced order that
	/// trades and the best-priced one left short bound them.
	fn bounds(&self, keys: &PriceKeys, bounds: &mut PriceBounds) {
		let sorted = self.sorted;
		let mut add = |index: usize| {
			if let Some((key, _)) = sorted.entries.get(index) {
				let price = keys.price_of(*key);
				bounds.add(sorted.side, price, self.fill_of(index), sorted.energy_of(index));
			}
		};
		if let Some(last_trading) = self.trading.checked_sub(1) {
			add(last_trading);
		}
		add(self.full);
	}

	/// The marginal order at `price`: the highest id among the orders priced exactly there that
	/// receive energy.
	fn marginal_at(&self, keys: &PriceKeys, facts: &Facts, price: Price) -> Option<Marginal> {
		let key = keys.exact_key(price)?;
		let (start, end) = self.sorted.split_at(key);
		let level = self.sorted.entries.iter().enumerate().take(end).skip(start);
		level
			.filter_map(|(index, (_, position))| {
				let id = fact_at(facts, *position).0;
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
		self.strict_excess.saturating_sub(self.bids_at)
	}
	fn high(&self) -> i128 {
		self.strict_excess.saturating_add(self.asks_at)
	}
}

impl ZoneBook {
	fn offer_at(&self, price: u64) -> Offer {
		let (bids_above, bids_at) = self.bids.energy_around(price);
		let (asks_below, asks_at) = self.asks.energy_around(price);
		Offer {
			strict_excess: (asks_below as i128).saturating_sub(bids_above as i128),
			bids_at: bids_at as i128,
			asks_at: asks_at as i128,
		}
	}

	fn clamp(&self, net_export_wh: i128) -> i128 {
		net_export_wh.min(self.link.max_net_export_wh()).max(self.link.min_net_export_wh())
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
		let middle = low.midpoint(high);
		if holds(middle) {
			high = middle;
		} else {
			// `middle` is below `high`, so this does not saturate.
			low = middle.saturating_add(1);
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
		let level_excess = net_export_wh.saturating_sub(offer.strict_excess);
		let bought = offer.bids_at.min(offer.asks_at.saturating_sub(level_excess));
		Self { price, offer, bought, sold: bought.saturating_add(level_excess) }
	}

	fn net_export_wh(&self) -> i128 {
		self.offer.strict_excess.saturating_add(self.sold).saturating_sub(self.bought)
	}

	/// Energy of the level's orders of `side` that trades.
	fn traded(&self, side: Side) -> i128 {
		match side {
			Side::Buy => self.bought,
			Side::Sell => self.sold,
		}
	}

	fn traded_mut(&mut self, side: Side) -> &mut i128 {
		match side {
			Side::Buy => &mut self.bought,
			Side::Sell => &mut self.sold,
		}
	}

	/// How much more the zone can export through `link`.
	fn room_out(&self, link: &ZoneLink) -> i128 {
		link.max_net_export_wh().saturating_sub(self.net_export_wh())
	}

	/// How much more the zone can import through `link`.
	fn room_in(&self, link: &ZoneLink) -> i128 {
		self.net_export_wh().saturating_sub(link.min_net_export_wh())
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
	if !links.is_sorted_by(|a, b| a.zone < b.zone) {
		return Err(SplitError::LinksNotSorted);
	}
	// Step 1: each zone's sides keyed by price (see `PriceKeys`), then sorted.
	let orders = orders.into_iter();
	let expected = orders.size_hint().0;
	// A little more than an even share, so that most zones' sides never grow.
	let per_zone = expected.checked_div(links.len()).unwrap_or(0);
	let per_side = (per_zone / 2).saturating_add(per_zone / 16);
	let mut sides: Vec<(Entries, Entries)> = links
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
		let (bids, asks) = sides.get_mut(index).ok_or(SplitError::UnknownZone)?;
		match order.side {
			Side::Buy => bids.push((key, position)),
			Side::Sell => asks.push((key, position)),
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
			let (bids, asks) = sides.get_mut(index).ok_or(SplitError::UnknownZone)?;
			match side {
				Side::Buy => bids.push(entry),
				Side::Sell => asks.push(entry),
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
	let mut is_coupled: Vec<bool> = Vec::with_capacity(books.len());
	let mut cut_off_flow: i128 = 0;
	for book in &mut books {
		let offer = book.offer_at(hub_level);
		let capped = if offer.low() > book.link.max_net_export_wh() {
			Some(book.link.max_net_export_wh())
		} else if offer.high() < book.link.min_net_export_wh() {
			Some(book.link.min_net_export_wh())
		} else {
			None
		};
		let fill = match capped {
			Some(net_export_wh) => {
				let price = book.lowest_price_exporting(net_export_wh, max_price);
				let local = book.offer_at(price);
				// At most `MAX_ZONES` caps, each below 2^64.
				cut_off_flow = cut_off_flow.saturating_add(net_export_wh);
				LevelFill::trading_most(price, local, net_export_wh)
			},
			None => {
				// Placeholder until the coupled zones share out the hub's level below.
				LevelFill::trading_most(hub_level, offer, book.clamp(offer.low()))
			},
		};
		book.bids.order_level_by_id(fill.price, &facts);
		book.asks.order_level_by_id(fill.price, &facts);
		fills.push(fill);
		is_coupled.push(capped.is_none());
	}
	let mut coupled: Vec<(&ZoneBook, &mut LevelFill)> = books
		.iter()
		.zip(&mut fills)
		.zip(&is_coupled)
		.filter_map(|(zone, is_coupled)| is_coupled.then_some(zone))
		.collect();
	allocate_hub_level(&mut coupled, &facts, cut_off_flow.saturating_neg());

	// Step 4: the prices and the marginal orders the fills imply.
	let mut bounds = Vec::with_capacity(books.len());
	let mut volume: u128 = 0;
	for (book, fill) in books.iter().zip(&fills) {
		let (bids, asks) =
			(book.bids.filled(fill.price, fill.bought), book.asks.filled(fill.price, fill.sold));
		let mut zone_bounds = PriceBounds::default();
		bids.bounds(&keys, &mut zone_bounds);
		asks.bounds(&keys, &mut zone_bounds);
		volume = volume.saturating_add(bids.traded_wh);
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
			EnergyWh::try_from(side.traded_wh).map_err(|_| SplitError::VolumeOverflow)
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
				let mut table = alloc::vec![None; (last.zone as usize).saturating_add(1)];
				// The links are sorted, so the last has the highest zone and every zone has a slot.
				for (index, link) in links.iter().enumerate() {
					if let Some(slot) = table.get_mut(link.zone as usize) {
						*slot = Some(index);
					}
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

/// Shares out the hub price's level among the coupled zones, each with its book and its fill:
/// their net exports add up to `total_export`, each within its link and its offer; then as much
/// trades as can, then the lower ids of each side trade first, through exchanges between pairs
/// of zones until none is left.
fn allocate_hub_level(
	coupled: &mut [(&ZoneBook, &mut LevelFill)],
	facts: &Facts,
	total_export: i128,
) {
	// Start every coupled zone at the least it can export, then raise zone by zone.
	let mut missing = total_export
		.saturating_sub(coupled.iter().map(|(_, fill)| fill.net_export_wh()).sum::<i128>());
	for (book, fill) in coupled.iter_mut() {
		if missing <= 0 {
			break;
		}
		let most = book.clamp(fill.offer.high());
		let raise = missing.min(most.saturating_sub(fill.net_export_wh()));
		**fill = LevelFill::trading_most(
			fill.price,
			fill.offer,
			fill.net_export_wh().saturating_add(raise),
		);
		missing = missing.saturating_sub(raise);
	}
	debug_assert_eq!(missing, 0, "the hub level is where the clamped offers balance");

	// More volume: a short ask of one zone with room to export meets a short bid of another
	// with room to import.
	loop {
		let mut moved = false;
		for a in 0..coupled.len() {
			for b in 0..coupled.len() {
				// Fails only for `a == b`: a zone does not trade with itself.
				let Ok([(book_a, fa), (book_b, fb)]) = coupled.get_disjoint_mut([a, b]) else {
					continue;
				};
				let amount = (fa.offer.asks_at.saturating_sub(fa.sold))
					.min(fb.offer.bids_at.saturating_sub(fb.bought))
					.min(fa.room_out(&book_a.link))
					.min(fb.room_in(&book_b.link));
				if amount > 0 {
					fa.sold = fa.sold.saturating_add(amount);
					fb.bought = fb.bought.saturating_add(amount);
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
		for a in 0..coupled.len() {
			for b in 0..coupled.len() {
				// Fails only for `a == b`.
				let Ok([(book_a, fa), (book_b, fb)]) = coupled.get_disjoint_mut([a, b]) else {
					continue;
				};
				for side in [Side::Sell, Side::Buy] {
					let (sorted_a, sorted_b) = match side {
						Side::Buy => (&book_a.bids, &book_b.bids),
						Side::Sell => (&book_a.asks, &book_b.asks),
					};
					let (Some((top_id, top_filled)), Some((short_id, short_left))) = (
						highest_filled(sorted_a, facts, fa.price, fa.traded(side)),
						lowest_short(sorted_b, facts, fb.price, fb.traded(side)),
					) else {
						continue;
					};
					if top_id < short_id {
						continue;
					}
					// Selling less in `a` and more in `b` moves export from `a` to `b`; buying
					// less in `a` and more in `b` moves it the other way.
					let links_allow = match side {
						Side::Sell => fa.room_in(&book_a.link).min(fb.room_out(&book_b.link)),
						Side::Buy => fa.room_out(&book_a.link).min(fb.room_in(&book_b.link)),
					};
					let amount = top_filled.min(short_left).min(links_allow);
					if amount <= 0 {
						continue;
					}
					let (traded_a, traded_b) = (fa.traded_mut(side), fb.traded_mut(side));
					*traded_a = traded_a.saturating_sub(amount);
					*traded_b = traded_b.saturating_add(amount);
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
	let better_wh = side.energy_of_first(better);
	let level = side.entries.iter().zip(&side.prefix).take(at_least).skip(better);
	level.map(move |((_, position), sum_before)| {
		let (id, energy_wh) = fact_at(facts, *position);
		(id, sum_before.saturating_sub(better_wh) as i128, i128::from(energy_wh))
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
		.map(|(id, before, energy)| (id, energy.min(filled.saturating_sub(before))))
}

/// The lowest id at the level left short when `filled` Wh of it trade, and what it lacks.
fn lowest_short(
	side: &SortedSide,
	facts: &Facts,
	price: u64,
	filled: i128,
) -> Option<(OrderId, i128)> {
	level_of(side, facts, price)
		.map(|(id, before, energy)| (id, before, before.saturating_add(energy)))
		.find(|(_, _, after)| *after > filled)
		.map(|(id, before, after)| (id, after.saturating_sub(filled.max(before))))
}
