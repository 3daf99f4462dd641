//! Native benchmark of the clearing algorithm against a bare sort of the same prices.
//!
//! `cargo run --release -p wattle-double-auction --example clearing_vs_sort -- [ORDERS] [RUNS]`
//!
//! Builds a book of ORDERS orders (default 100,000: a city's slot), half bids and half asks, with
//! prices around 0.20 WTL/kWh so that the book crosses in its middle, and times `clear` against
//! `sort_unstable` of the orders' prices, taking the median of RUNS runs (default 9). The goal:
//! clearing within 3x the time of the bare sort.
use std::time::{Duration, Instant};
use wattle_double_auction::{clear, verify, Order, Side};

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
			let side = if rng.next() % 2 == 0 { Side::Buy } else { Side::Sell };
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

fn main() {
	let mut args = std::env::args().skip(1);
	let orders: usize = args.next().map_or(100_000, |a| a.parse().expect("ORDERS is a number"));
	let runs: usize = args.next().map_or(9, |a| a.parse().expect("RUNS is a number"));
	let book = book(orders);

	let mut clearing = Vec::new();
	let mut sorting = Vec::new();
	let mut verifying = Vec::new();
	let mut result = None;
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
	}
	let (clearing, sorting, verifying) = (median(clearing), median(sorting), median(verifying));
	println!("orders: {orders}, runs: {runs} (medians)");
	println!("result: {:?}", result.expect("runs >= 1"));
	println!("clear:        {:>10.3} ms", clearing.as_secs_f64() * 1e3);
	println!("sort prices:  {:>10.3} ms", sorting.as_secs_f64() * 1e3);
	println!("verify:       {:>10.3} ms", verifying.as_secs_f64() * 1e3);
	println!(
		"clear / sort: {:>10.2} (goal: at most 3)",
		clearing.as_secs_f64() / sorting.as_secs_f64()
	);
}
