//! Market splitting against an independent oracle: the same welfare problem written as a linear
//! program and solved by `good_lp` with its pure-Rust `microlp` backend, on thousands of random
//! books with random link caps.
//!
//! - Welfare: the clearing's equals the LP optimum.
//! - Volume: among the welfare optima, the clearing trades the most (a second LP maximises the
//!   volume with the welfare held at its optimum).
//! - Volumes per zone: equal to the LP's on books whose prices are all distinct, where the
//!   optimum is unique.
//! - Prices: the zone and hub prices are optimal duals, shown in exact integers by strong
//!   duality (the dual objective at these prices equals the welfare); where the LP's duals are
//!   unique, optimal duals are those.

use good_lp::{
	constraint, microlp, variable, variables, Expression, Solution, SolverModel, Variable,
};
use proptest::prelude::*;
use wattle_double_auction::{
	clear_split, EnergyWh, Order, OrderId, Price, Side, SplitResult, ZoneId, ZoneLink, ZonedOrder,
};

const ZONES: u32 = 3;

/// The LP optimum: welfare, the most volume at that welfare, and each zone's bought energy and
/// net export in the volume LP's solution.
struct LpOptimum {
	welfare: f64,
	volume: f64,
	bought: Vec<f64>,
	net_export: Vec<f64>,
}

fn lp_optimum(book: &[ZonedOrder], links: &[ZoneLink]) -> LpOptimum {
	let solve = |least_welfare: Option<f64>| {
		let mut vars = variables!();
		let fills: Vec<Variable> = book
			.iter()
			.map(|order| vars.add(variable().min(0).max(order.order.energy_wh as f64)))
			.collect();
		let flows: Vec<Variable> = links
			.iter()
			.map(|link| {
				let mut flow = variable();
				if link.import_cap_wh != EnergyWh::MAX {
					flow = flow.min(-(link.import_cap_wh as f64));
				}
				if link.export_cap_wh != EnergyWh::MAX {
					flow = flow.max(link.export_cap_wh as f64);
				}
				vars.add(flow)
			})
			.collect();
		let welfare: Expression = book
			.iter()
			.zip(&fills)
			.map(|(order, fill)| {
				let sign = if order.order.side == Side::Buy { 1.0 } else { -1.0 };
				sign * order.order.price as f64 * *fill
			})
			.sum();
		let volume: Expression = book
			.iter()
			.zip(&fills)
			.filter(|(order, _)| order.order.side == Side::Buy)
			.map(|(_, fill)| Expression::from(*fill))
			.sum();
		let objective = if least_welfare.is_some() { volume.clone() } else { welfare.clone() };
		let mut problem = vars.maximise(objective).using(microlp);
		for (index, link) in links.iter().enumerate() {
			let net: Expression = book
				.iter()
				.zip(&fills)
				.filter(|(order, _)| order.zone == link.zone)
				.map(|(order, fill)| {
					let sign = if order.order.side == Side::Sell { 1.0 } else { -1.0 };
					sign * *fill
				})
				.sum();
			problem = problem.with(constraint!(net - flows[index] == 0));
		}
		let hub: Expression = flows.iter().map(|flow| Expression::from(*flow)).sum();
		problem = problem.with(constraint!(hub == 0));
		if let Some(least) = least_welfare {
			problem = problem.with(constraint!(welfare.clone() >= least - 1e-6));
		}
		let solution = problem.solve().expect("the LP is feasible (no trade) and bounded");
		let bought = links
			.iter()
			.map(|link| {
				book.iter()
					.zip(&fills)
					.filter(|(order, _)| order.zone == link.zone && order.order.side == Side::Buy)
					.map(|(_, fill)| solution.value(*fill))
					.sum()
			})
			.collect();
		let net_export = flows.iter().map(|flow| solution.value(*flow)).collect();
		(solution.eval(&welfare), solution.eval(&volume), bought, net_export)
	};
	let (welfare, ..) = solve(None);
	let (_, volume, bought, net_export) = solve(Some(welfare));
	LpOptimum { welfare, volume, bought, net_export }
}

/// Welfare of the clearing's fills, exactly.
fn welfare_of(book: &[ZonedOrder], result: &SplitResult) -> i128 {
	book.iter()
		.map(|order| {
			let value = result.fill_of(order) as i128 * order.order.price as i128;
			if order.order.side == Side::Buy {
				value
			} else {
				-value
			}
		})
		.sum()
}

/// The dual objective at the result's prices: what every order gains at its zone's price plus
/// what every link earns at the price difference across it. Weak duality bounds every feasible
/// welfare by it, so equality proves the fills optimal and the prices optimal duals.
fn dual_objective(book: &[ZonedOrder], links: &[ZoneLink], result: &SplitResult) -> Option<i128> {
	let SplitResult::Trade(clearing) = result else { return Some(0) };
	let mut total: i128 = 0;
	for order in book {
		let price = clearing.zone(order.zone)?.price as i128;
		let limit = order.order.price as i128;
		let gain = match order.order.side {
			Side::Buy => (limit - price).max(0),
			Side::Sell => (price - limit).max(0),
		};
		total += gain * order.order.energy_wh as i128;
	}
	for (zone, link) in clearing.zones.iter().zip(links) {
		let difference = clearing.hub_price as i128 - zone.price as i128;
		let (cap, rent) = if difference > 0 {
			(link.export_cap_wh, difference)
		} else {
			(link.import_cap_wh, -difference)
		};
		if rent > 0 {
			if cap == EnergyWh::MAX {
				return None;
			}
			total += rent * cap as i128;
		}
	}
	Some(total)
}

fn book_strategy(distinct_prices: bool) -> impl Strategy<Value = Vec<ZonedOrder>> {
	prop::collection::vec((0..ZONES, any::<bool>(), 1..20u64, 1..30u128), 1..16).prop_map(
		move |orders| {
			orders
				.into_iter()
				.enumerate()
				.map(|(index, (zone, buys, energy_wh, price))| {
					let price: Price =
						if distinct_prices { price * 64 + index as Price } else { price };
					let side = if buys { Side::Buy } else { Side::Sell };
					ZonedOrder {
						zone,
						order: Order { id: index as OrderId + 1, side, energy_wh, price },
					}
				})
				.collect()
		},
	)
}

fn links_strategy() -> impl Strategy<Value = Vec<ZoneLink>> {
	let cap = prop_oneof![Just(0u64), 0..40u64, Just(EnergyWh::MAX)];
	prop::collection::vec((cap.clone(), cap), ZONES as usize).prop_map(|caps| {
		caps.into_iter()
			.enumerate()
			.map(|(zone, (export_cap_wh, import_cap_wh))| ZoneLink {
				zone: zone as ZoneId,
				export_cap_wh,
				import_cap_wh,
			})
			.collect()
	})
}

/// Equal up to the simplex's rounding: the volume LP may buy a millionth of a Wh with the slack
/// of 10^-6 it is given on the welfare, so energies are compared to 10^-3 Wh.
fn close(a: f64, b: f64) -> bool {
	(a - b).abs() <= 1e-3 + 1e-6 * a.abs().max(b.abs())
}

fn check(
	book: &[ZonedOrder],
	links: &[ZoneLink],
	distinct_prices: bool,
) -> Result<(), TestCaseError> {
	let result = clear_split(book, links).expect("small books fit");
	let welfare = welfare_of(book, &result);
	prop_assert_eq!(
		dual_objective(book, links, &result),
		Some(welfare),
		"prices are optimal duals"
	);
	let lp = lp_optimum(book, links);
	prop_assert!(close(welfare as f64, lp.welfare), "welfare {} LP {}", welfare, lp.welfare);
	let volume = match &result {
		SplitResult::NoTrade => 0,
		SplitResult::Trade(clearing) => clearing.volume_wh(),
	};
	prop_assert!(close(volume as f64, lp.volume), "volume {} LP {}", volume, lp.volume);
	if distinct_prices {
		if let SplitResult::Trade(clearing) = &result {
			for (index, zone) in clearing.zones.iter().enumerate() {
				prop_assert!(
					close(zone.bought_wh as f64, lp.bought[index]),
					"zone {} bought",
					index
				);
				prop_assert!(
					close(zone.net_export_wh() as f64, lp.net_export[index]),
					"zone {} export",
					index
				);
			}
		}
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(2_000))]

	#[test]
	fn clearing_matches_the_lp_on_books_with_ties(book in book_strategy(false), links in links_strategy()) {
		check(&book, &links, false)?;
	}

	#[test]
	fn clearing_matches_the_lp_zone_by_zone_on_distinct_prices(book in book_strategy(true), links in links_strategy()) {
		check(&book, &links, true)?;
	}
}

/// The worked example of the crate documentation and `docs/DESIGN.md` (run on the dev chain by
/// `e2e/tests/zones.test.mjs`, in units of 10 Wh and 0.1 WTL/kWh): its split prices are the LP's.
#[test]
fn the_worked_example_is_the_lps_optimum() {
	let order = |zone, id, side, energy_wh, price| ZonedOrder {
		zone,
		order: Order { id, side, energy_wh, price },
	};
	let book = [
		order(1, 1, Side::Sell, 10, 2),
		order(1, 2, Side::Sell, 10, 4),
		order(1, 3, Side::Buy, 4, 3),
		order(0, 4, Side::Buy, 20, 8),
		order(0, 5, Side::Sell, 10, 7),
	];
	let links = [
		ZoneLink { zone: 0, export_cap_wh: 1_000, import_cap_wh: 1_000 },
		ZoneLink { zone: 1, export_cap_wh: 6, import_cap_wh: 1_000 },
		ZoneLink::unbounded(2),
	];
	check(&book, &links, true).expect("the LP agrees");
	let SplitResult::Trade(clearing) = clear_split(book, &links).unwrap() else {
		panic!("it trades")
	};
	assert_eq!((clearing.hub_price, clearing.zones[0].price, clearing.zones[1].price), (8, 8, 2));
}
