//! Native benchmark of the clearing algorithm against a bare sort of the same prices.
//!
//! `cargo run --release -p wattle-double-auction --example clearing_vs_sort -- [ORDERS] [RUNS] [ZONES]`
//!
//! Builds a book of ORDERS orders (default 100,000: a city's slot), half bids and half asks, with
//! prices around 0.20 WTL/kWh so that the book crosses in its middle, and times `clear` against
//! `sort_unstable` of the orders' prices, taking the median of RUNS runs (default 9). Then the
//! same book spread over ZONES zones (default 10), every other zone behind a link of 20 kWh
//! each way so that the market splits, through `clear_split` and `verify_split`. The goal:
//! each clearing within 3x the time of the bare sort.
use std::time::{Duration, Instant};
use wattle_double_auction::{
	clear, clear_split, verify, verify_split, Order, Side, SplitResult, ZoneLink, ZonedOrder,
};

/// A small deterministic generator (xorshift64*), so every run sees the same book.
struct Xorshift(u64);

impl Xorshift {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
}

fn book(orders: usize) -> Vec<Order> {
	let mut rng = Xorshift(0x5eed_cafe_f00d_beef);
	(0..orders)
		.map(|i| {
			let side = if rng.next().is_multiple_of(2) { Side::Buy } else { Side::Sell };
			// 0.10..0.30 WTL/kWh in steps of 0.0001, in planck per Wh: many distinct prices.
			let price = 100_000_000 + (rng.next() % 2_000) as u128 * 100_000;
			let energy_wh = 1 + rng.next() % 2_000;
			Order { id: i as u64, side, energy_wh, price }
		})
		.collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
	samples.sort();
	samples[samples.len() / 2]
}

/// `orders` in `zones` zones, each order's zone drawn at random, and the zones' links: every
/// other one capped at 20 kWh each way.
fn split_book(book: &[Order], zones: u32) -> (Vec<ZonedOrder>, Vec<ZoneLink>) {
	let mut rng = Xorshift(0x0020_ae5e_ed0f_f00d);
	let orders = book
		.iter()
		.map(|order| ZonedOrder { zone: (rng.next() % zones as u64) as u32, order: *order })
		.collect();
	let links = (0..zones)
		.map(|zone| match zone % 2 {
			0 => ZoneLink { zone, export_cap_wh: 20_000, import_cap_wh: 20_000 },
			_ => ZoneLink::unbounded(zone),
		})
		.collect();
	(orders, links)
}

fn ms(duration: Duration) -> f64 {
	duration.as_secs_f64() * 1e3
}

fn main() {
	let mut args = std::env::args().skip(1);
	let orders: usize = args.next().map_or(100_000, |a| a.parse().expect("ORDERS is a number"));
	let runs: usize = args.next().map_or(9, |a| a.parse().expect("RUNS is a number"));
	let zones: u32 = args.next().map_or(10, |a| a.parse().expect("ZONES is a number"));
	let book = book(orders);
	let (split, links) = split_book(&book, zones);

	let (mut clearing, mut sorting, mut verifying) = (Vec::new(), Vec::new(), Vec::new());
	let (mut split_clearing, mut split_verifying) = (Vec::new(), Vec::new());
	let (mut result, mut split_result) = (None, None);
	for _ in 0..runs {
		let started = Instant::now();
		let cleared = clear(&book).expect("the volume fits in u64");
		clearing.push(started.elapsed());

		let mut prices: Vec<u128> = book.iter().map(|order| order.price).collect();
		let started = Instant::now();
		prices.sort_unstable();
		sorting.push(started.elapsed());
		std::hint::black_box(&prices);

		let started = Instant::now();
		verify(&book, &cleared).expect("the algorithm's result verifies");
		verifying.push(started.elapsed());
		result = Some(cleared);

		let started = Instant::now();
		let cleared = clear_split(&split, &links).expect("the links are sorted, the zones known");
		split_clearing.push(started.elapsed());
		let started = Instant::now();
		verify_split(&split, &links, &cleared).expect("the algorithm's split result verifies");
		split_verifying.push(started.elapsed());
		split_result = Some(cleared);
	}
	let (clearing, sorting, verifying) = (median(clearing), median(sorting), median(verifying));
	let (split_clearing, split_verifying) = (median(split_clearing), median(split_verifying));
	println!("orders: {orders}, runs: {runs} (medians)");
	println!("result: {:?}", result.expect("runs >= 1"));
	println!("clear:              {:>10.3} ms", ms(clearing));
	println!("sort prices:        {:>10.3} ms", ms(sorting));
	println!("verify:             {:>10.3} ms", ms(verifying));
	println!("clear / sort:       {:>10.2} (goal: at most 3)", ms(clearing) / ms(sorting));
	if let Some(SplitResult::Trade(split)) = &split_result {
		let congested = split.zones.iter().filter(|zone| zone.price != split.hub_price).count();
		println!(
			"split: {zones} zones, {congested} split from the hub at {}, congestion rent {}",
			split.hub_price,
			split.congestion_rent()
		);
	}
	println!("clear_split:        {:>10.3} ms", ms(split_clearing));
	println!("verify_split:       {:>10.3} ms", ms(split_verifying));
	println!("clear_split / sort: {:>10.2} (goal: at most 3)", ms(split_clearing) / ms(sorting));
}
