//! Market splitting: a worked example, the single auction as the case of unbounded links, the
//! verifier against the clearing, single-field changes, and uniqueness by enumerating every
//! result of small books.

use crate::{
	clear, clear_split, fill_of, verify_split, EnergyWh, Marginal, NonZeroEnergyWh, Order, OrderId,
	Price, Side, SplitClearing, SplitResult, SplitVerifyError, ZoneClearing, ZoneId, ZoneLink,
	ZonedOrder,
};
use proptest::prelude::*;

fn order(zone: ZoneId, id: OrderId, side: Side, energy_wh: EnergyWh, price: Price) -> ZonedOrder {
	ZonedOrder { zone, order: Order { id, side, energy_wh, price } }
}

fn bid(zone: ZoneId, id: OrderId, energy_wh: EnergyWh, price: Price) -> ZonedOrder {
	order(zone, id, Side::Buy, energy_wh, price)
}

fn ask(zone: ZoneId, id: OrderId, energy_wh: EnergyWh, price: Price) -> ZonedOrder {
	order(zone, id, Side::Sell, energy_wh, price)
}

fn link(zone: ZoneId, export_cap_wh: EnergyWh, import_cap_wh: EnergyWh) -> ZoneLink {
	ZoneLink { zone, export_cap_wh, import_cap_wh }
}

fn marginal(id: OrderId, fill_wh: EnergyWh) -> Option<Marginal> {
	NonZeroEnergyWh::new(fill_wh).map(|fill_wh| Marginal { id, fill_wh })
}

fn cleared(book: &[ZonedOrder], links: &[ZoneLink]) -> SplitResult {
	clear_split(book, links).expect("test books fit their links; qed")
}

fn trade(hub_price: Price, zones: Vec<ZoneClearing>) -> SplitResult {
	SplitResult::Trade(SplitClearing {
		hub_price,
		zones: zones.try_into().expect("tests use few zones; qed"),
	})
}

/// The worked example of the crate documentation: a suburb of cheap PV behind a link that
/// exports at most 6 Wh, and a town that buys.
fn suburb_and_town() -> (Vec<ZonedOrder>, Vec<ZoneLink>) {
	let book = vec![
		ask(1, 1, 10, 2),
		ask(1, 2, 10, 4),
		bid(1, 3, 4, 3),
		bid(0, 4, 20, 8),
		ask(0, 5, 10, 7),
	];
	(book, vec![link(0, 1_000, 1_000), link(1, 6, 1_000)])
}

#[test]
fn congested_export_splits_the_suburb_from_the_town() {
	let (book, links) = suburb_and_town();
	let result = cleared(&book, &links);
	let expected = trade(
		8,
		vec![
			ZoneClearing {
				zone: 0,
				price: 8,
				bought_wh: 16,
				sold_wh: 10,
				marginal_bid: marginal(4, 16),
				marginal_ask: None,
			},
			ZoneClearing {
				zone: 1,
				price: 2,
				bought_wh: 4,
				sold_wh: 10,
				marginal_bid: None,
				marginal_ask: marginal(1, 10),
			},
		],
	);
	assert_eq!(result, expected);
	assert_eq!(verify_split(&book, &links, &result), Ok(()));
	let SplitResult::Trade(clearing) = &result else { unreachable!("asserted above") };
	// Buyers pay 4 * 2 + 16 * 8 = 136, sellers receive 10 * 2 + 10 * 8 = 100.
	assert_eq!(clearing.congestion_rent(), 36);
	let fills: Vec<EnergyWh> = book.iter().map(|order| result.fill_of(order)).collect();
	assert_eq!(fills, vec![10, 0, 4, 16, 10]);
}

#[test]
fn the_same_book_without_the_cap_clears_at_one_price() {
	let (book, _) = suburb_and_town();
	let links = [ZoneLink::unbounded(0), ZoneLink::unbounded(1)];
	let SplitResult::Trade(clearing) = cleared(&book, &links) else { panic!("the book crosses") };
	assert_eq!(clearing.hub_price, 5);
	assert!(clearing.zones.iter().all(|zone| zone.price == 5));
	assert_eq!(clearing.congestion_rent(), 0);
}

#[test]
fn an_import_cap_raises_the_importing_zone_above_the_hub() {
	// Zone 0 sells cheaply, zone 1 wants a lot but its link takes only 3 Wh.
	let book = [ask(0, 1, 10, 1), bid(0, 2, 2, 5), bid(1, 3, 10, 9), ask(1, 4, 5, 6)];
	let links = [link(0, 100, 100), link(1, 100, 3)];
	let result = cleared(&book, &links);
	assert_eq!(verify_split(book, &links, &result), Ok(()));
	let SplitResult::Trade(clearing) = &result else { panic!("the book crosses") };
	let (zone0, zone1) = (clearing.zones[0], clearing.zones[1]);
	assert_eq!(zone1.net_export_wh(), -3);
	assert!(zone1.price > clearing.hub_price);
	assert_eq!(zone0.price, clearing.hub_price);
	assert_eq!(clearing.congestion_rent(), (zone1.price - clearing.hub_price) * 3);
}

#[test]
fn an_isolated_zone_clears_on_its_own() {
	let book = [ask(0, 1, 5, 1), bid(1, 2, 5, 9), bid(0, 3, 2, 4)];
	let links = [link(0, 0, 0), link(1, 0, 0)];
	let result = cleared(&book, &links);
	assert_eq!(verify_split(book, &links, &result), Ok(()));
	let fills: Vec<EnergyWh> = book.iter().map(|order| result.fill_of(order)).collect();
	assert_eq!(fills, vec![2, 0, 2]);
	// With no link at all, nothing can trade where no zone crosses on its own.
	let book = [ask(0, 1, 5, 1), bid(1, 2, 5, 9)];
	assert_eq!(cleared(&book, &links), SplitResult::NoTrade);
	assert_eq!(verify_split(book, &links, &SplitResult::NoTrade), Ok(()));
	assert_eq!(
		verify_split(book, &[link(0, 1, 0), link(1, 0, 1)], &SplitResult::NoTrade),
		Err(SplitVerifyError::BookCrosses)
	);
}

#[test]
fn earlier_asks_sell_first_across_zones_as_far_as_the_links_allow() {
	// Three asks at 5 in two zones, one bid for 4: ids 1 and 3 in zone 0, id 2 in zone 1.
	let book = [ask(0, 1, 2, 5), ask(1, 2, 2, 5), ask(0, 3, 2, 5), bid(2, 4, 4, 5)];
	let open = [ZoneLink::unbounded(0), ZoneLink::unbounded(1), ZoneLink::unbounded(2)];
	let fills = |links: &[ZoneLink]| -> Vec<EnergyWh> {
		let result = cleared(&book, links);
		assert_eq!(verify_split(book, links, &result), Ok(()));
		book.iter().map(|order| result.fill_of(order)).collect()
	};
	assert_eq!(fills(&open), vec![2, 2, 0, 4]);
	// Zone 1 can export only 1 Wh: id 3 sells what id 2 cannot.
	let tight = [ZoneLink::unbounded(0), link(1, 1, 0), ZoneLink::unbounded(2)];
	assert_eq!(fills(&tight), vec![2, 1, 1, 4]);
}

#[test]
fn prices_beyond_u64_clear_by_their_ranks() {
	// Every price times 2^70: the same fills, the town at 8 * 2^70, the suburb at the midpoint of
	// its [2, 3] * 2^70 (which no longer rounds down to an ask's price), and the verifier, which
	// works on the prices themselves, agrees.
	let scale: Price = 1 << 70;
	let (book, links) = suburb_and_town();
	let scaled: Vec<ZonedOrder> = book
		.iter()
		.map(|o| ZonedOrder { order: Order { price: o.order.price * scale, ..o.order }, ..*o })
		.collect();
	let result = cleared(&scaled, &links);
	let SplitResult::Trade(clearing) = &result else { panic!("the worked example trades") };
	assert_eq!(clearing.hub_price, 8 * scale);
	let prices: Vec<Price> = clearing.zones.iter().map(|zone| zone.price).collect();
	assert_eq!(prices, vec![8 * scale, 2 * scale + scale / 2]);
	let fills: Vec<EnergyWh> = scaled.iter().map(|order| result.fill_of(order)).collect();
	assert_eq!(fills, vec![10, 0, 4, 16, 10]);
	assert_eq!(verify_split(&scaled, &links, &result), Ok(()));
}

#[test]
fn energies_beyond_32_bits_clear_as_their_scaled_down_book() {
	// Every energy and cap times 2^33: the same prices, every volume and fill times 2^33.
	let scale: EnergyWh = 1 << 33;
	let (book, links) = suburb_and_town();
	let scaled_book: Vec<ZonedOrder> = book
		.iter()
		.map(|o| ZonedOrder {
			order: Order { energy_wh: o.order.energy_wh * scale, ..o.order },
			..*o
		})
		.collect();
	let scaled_links: Vec<ZoneLink> = links
		.iter()
		.map(|l| link(l.zone, l.export_cap_wh * scale, l.import_cap_wh * scale))
		.collect();
	let SplitResult::Trade(mut expected) = cleared(&book, &links) else {
		panic!("the worked example trades")
	};
	for zone in expected.zones.iter_mut() {
		zone.bought_wh *= scale;
		zone.sold_wh *= scale;
		for marginal in [&mut zone.marginal_bid, &mut zone.marginal_ask].into_iter().flatten() {
			marginal.fill_wh = NonZeroEnergyWh::new(marginal.fill_wh.get() * scale).unwrap();
		}
	}
	assert_eq!(cleared(&scaled_book, &scaled_links), SplitResult::Trade(expected));
}

#[test]
fn zones_numbered_far_apart_clear_alike() {
	// Zones 0 and 1 renumbered 5,000 and 70,000: found by search rather than by table.
	let renumber = |zone: ZoneId| if zone == 0 { 5_000 } else { 70_000 };
	let (book, links) = suburb_and_town();
	let far_book: Vec<ZonedOrder> =
		book.iter().map(|o| ZonedOrder { zone: renumber(o.zone), ..*o }).collect();
	let far_links: Vec<ZoneLink> =
		links.iter().map(|l| ZoneLink { zone: renumber(l.zone), ..*l }).collect();
	let SplitResult::Trade(mut expected) = cleared(&book, &links) else {
		panic!("the worked example trades")
	};
	for zone in expected.zones.iter_mut() {
		zone.zone = renumber(zone.zone);
	}
	assert_eq!(cleared(&far_book, &far_links), SplitResult::Trade(expected));
	assert_eq!(clear_split([bid(6_000, 1, 1, 1)], &far_links), Err(crate::SplitError::UnknownZone));
}

#[test]
fn unknown_zones_and_unsorted_links_are_refused() {
	let book = [bid(7, 1, 1, 1)];
	assert_eq!(clear_split(book, &[link(0, 1, 1)]), Err(crate::SplitError::UnknownZone));
	assert_eq!(
		clear_split(book, &[link(7, 1, 1), link(0, 1, 1)]),
		Err(crate::SplitError::LinksNotSorted)
	);
	assert_eq!(
		verify_split(book, &[link(0, 1, 1)], &SplitResult::NoTrade),
		Err(SplitVerifyError::UnknownZone)
	);
}

/// Random books over a few zones with small prices and energies, so that ties are common.
fn arbitrary_book(zones: u32, max_orders: usize) -> impl Strategy<Value = Vec<ZonedOrder>> {
	prop::collection::vec((0..zones, any::<bool>(), 1..8u64, 1..10u128), 0..max_orders).prop_map(
		|orders| {
			orders
				.into_iter()
				.enumerate()
				.map(|(index, (zone, buys, energy_wh, price))| {
					let side = if buys { Side::Buy } else { Side::Sell };
					order(zone, index as OrderId + 1, side, energy_wh, price)
				})
				.collect()
		},
	)
}

fn arbitrary_links(zones: u32) -> impl Strategy<Value = Vec<ZoneLink>> {
	let cap = prop_oneof![Just(0u64), 0..12u64, Just(EnergyWh::MAX)];
	prop::collection::vec((cap.clone(), cap), zones as usize).prop_map(|caps| {
		caps.into_iter()
			.enumerate()
			.map(|(zone, (export_cap_wh, import_cap_wh))| {
				link(zone as ZoneId, export_cap_wh, import_cap_wh)
			})
			.collect()
	})
}

fn book_and_links(
	zones: u32,
	max_orders: usize,
) -> impl Strategy<Value = (Vec<ZonedOrder>, Vec<ZoneLink>)> {
	(arbitrary_book(zones, max_orders), arbitrary_links(zones))
}

/// Every single-field change of an accepted trade.
fn single_field_changes(result: &SplitClearing) -> Vec<SplitClearing> {
	let mut changes = Vec::new();
	let mut push = |change: &dyn Fn(&mut SplitClearing)| {
		let mut changed = result.clone();
		change(&mut changed);
		if &changed != result {
			changes.push(changed);
		}
	};
	push(&|r| r.hub_price += 1);
	push(&|r| r.hub_price = r.hub_price.saturating_sub(1));
	for index in 0..result.zones.len() {
		push(&|r| r.zones[index].price += 1);
		push(&|r| r.zones[index].price = r.zones[index].price.saturating_sub(1));
		push(&|r| r.zones[index].bought_wh += 1);
		push(&|r| r.zones[index].bought_wh = r.zones[index].bought_wh.saturating_sub(1));
		push(&|r| r.zones[index].sold_wh += 1);
		push(&|r| r.zones[index].sold_wh = r.zones[index].sold_wh.saturating_sub(1));
		for side in [Side::Buy, Side::Sell] {
			fn marginal_of(zone: &mut ZoneClearing, side: Side) -> &mut Option<Marginal> {
				match side {
					Side::Buy => &mut zone.marginal_bid,
					Side::Sell => &mut zone.marginal_ask,
				}
			}
			push(&|r| *marginal_of(&mut r.zones[index], side) = None);
			push(&|r| {
				let m = marginal_of(&mut r.zones[index], side);
				*m = Some(m.map_or(Marginal { id: 1, fill_wh: NonZeroEnergyWh::MIN }, |m| {
					Marginal { id: m.id + 1, ..m }
				}))
			});
			push(&|r| {
				if let Some(m) = marginal_of(&mut r.zones[index], side) {
					m.id = m.id.saturating_sub(1);
				}
			});
			push(&|r| {
				if let Some(m) = marginal_of(&mut r.zones[index], side) {
					m.fill_wh = m.fill_wh.saturating_add(1);
				}
			});
			push(&|r| {
				if let Some(m) = marginal_of(&mut r.zones[index], side) {
					m.fill_wh = NonZeroEnergyWh::new(m.fill_wh.get() - 1).unwrap_or(m.fill_wh);
				}
			});
		}
	}
	changes
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(3_000))]

	/// With every link unbounded, market splitting is the single auction: one price, the same
	/// fills.
	#[test]
	fn unbounded_links_clear_as_one_auction(book in arbitrary_book(3, 24)) {
		let links: Vec<ZoneLink> = (0..3).map(ZoneLink::unbounded).collect();
		let split = cleared(&book, &links);
		let plain: Vec<Order> = book.iter().map(|order| order.order).collect();
		let single = clear(&plain).expect("small book; qed");
		match (&split, &single) {
			(SplitResult::NoTrade, crate::ClearingResult::NoTrade) => {},
			(SplitResult::Trade(split), crate::ClearingResult::Trade(single)) => {
				prop_assert_eq!(split.hub_price, single.price);
				prop_assert!(split.zones.iter().all(|zone| zone.price == single.price));
			},
			_ => prop_assert!(false, "split {:?} single {:?}", split, single),
		}
		for order in &book {
			prop_assert_eq!(split.fill_of(order), fill_of(&order.order, &single));
		}
	}

	/// The verifier accepts what the clearing computes, whatever the links, and the result
	/// respects the links, balances at the hub and prices congestion the right way round.
	#[test]
	fn prices_keyed_by_rank_clear_alike((book, links) in book_and_links(3, 24)) {
		prop_assert_eq!(crate::split_clearing::clear_split_ranked(&book, &links), clear_split(&book, &links));
	}

	#[test]
	fn the_verifier_accepts_the_clearing((book, links) in book_and_links(3, 24)) {
		let result = cleared(&book, &links);
		prop_assert_eq!(verify_split(&book, &links, &result), Ok(()));
		if let SplitResult::Trade(clearing) = &result {
			prop_assert_eq!(clearing.zones.iter().map(|zone| zone.net_export_wh()).sum::<i128>(), 0);
			for (zone, link) in clearing.zones.iter().zip(&links) {
				prop_assert!(link.carries(zone.net_export_wh()));
			}
		}
	}

	/// Every single-field change of an accepted result is rejected.
	#[test]
	fn every_single_field_change_is_rejected((book, links) in book_and_links(3, 16)) {
		if let SplitResult::Trade(clearing) = cleared(&book, &links) {
			for changed in single_field_changes(&clearing) {
				let changed = SplitResult::Trade(changed);
				prop_assert!(verify_split(&book, &links, &changed).is_err(), "accepted {:?}", changed);
			}
			prop_assert!(verify_split(&book, &links, &SplitResult::NoTrade).is_err());
		}
	}

	/// The verdict does not depend on the order in which the book is fed.
	#[test]
	fn the_verdict_does_not_depend_on_feeding_order((book, links) in book_and_links(3, 16), seed in any::<u64>()) {
		let result = cleared(&book, &links);
		let mut shuffled = book.clone();
		let mut state = seed | 1;
		for index in (1..shuffled.len()).rev() {
			state ^= state << 13; state ^= state >> 7; state ^= state << 17;
			shuffled.swap(index, (state % (index as u64 + 1)) as usize);
		}
		prop_assert_eq!(cleared(&shuffled, &links), result.clone());
		prop_assert_eq!(verify_split(&shuffled, &links, &result), Ok(()));
	}
}

/// Every result a book of at most a few orders could be given: each zone's price, marginal
/// orders and the sums they imply, and the hub price, over every price up to one above the
/// book's highest.
fn every_result(book: &[ZonedOrder], links: &[ZoneLink]) -> Vec<SplitResult> {
	let max_price = book.iter().map(|order| order.order.price).max().unwrap_or(0) + 1;
	let mut per_zone: Vec<Vec<ZoneClearing>> = Vec::new();
	for link in links {
		let orders: Vec<&Order> =
			book.iter().filter(|order| order.zone == link.zone).map(|order| &order.order).collect();
		let marginals = |side: Side| -> Vec<Option<Marginal>> {
			let mut options = vec![None];
			for order in orders.iter().filter(|order| order.side == side) {
				for fill in 1..=order.energy_wh {
					options.push(marginal(order.id, fill));
				}
			}
			options
		};
		let mut options = Vec::new();
		for price in 0..=max_price {
			for marginal_bid in marginals(Side::Buy) {
				for marginal_ask in marginals(Side::Sell) {
					let mut zone = ZoneClearing {
						zone: link.zone,
						price,
						bought_wh: 0,
						sold_wh: 0,
						marginal_bid,
						marginal_ask,
					};
					for order in &orders {
						let fill = zone.fill_of(order);
						match order.side {
							Side::Buy => zone.bought_wh += fill,
							Side::Sell => zone.sold_wh += fill,
						}
					}
					options.push(zone);
				}
			}
		}
		per_zone.push(options);
	}
	let mut results = vec![SplitResult::NoTrade];
	let mut combination = vec![0usize; links.len()];
	'combinations: loop {
		for hub_price in 0..=max_price {
			let zones: Vec<ZoneClearing> =
				combination.iter().zip(&per_zone).map(|(&index, options)| options[index]).collect();
			results.push(trade(hub_price, zones));
		}
		for (digit, options) in combination.iter_mut().zip(&per_zone) {
			*digit += 1;
			if *digit < options.len() {
				continue 'combinations;
			}
			*digit = 0;
		}
		break;
	}
	results
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(300))]

	/// Uniqueness: of every result a small book could be given, the verifier accepts exactly
	/// one, the clearing's.
	#[test]
	fn exactly_one_result_is_accepted(
		book in prop::collection::vec((0..2u32, any::<bool>(), 1..3u64, 1..4u128), 0..5)
			.prop_map(|orders| orders.into_iter().enumerate().map(|(index, (zone, buys, energy, price))| {
				order(zone, index as OrderId + 1, if buys { Side::Buy } else { Side::Sell }, energy, price)
			}).collect::<Vec<_>>()),
		links in prop::collection::vec((0..4u64, 0..4u64), 2).prop_map(|caps| caps.into_iter().enumerate()
			.map(|(zone, (export, import))| link(zone as ZoneId, export, import)).collect::<Vec<_>>()),
	) {
		let expected = cleared(&book, &links);
		let accepted: Vec<SplitResult> = every_result(&book, &links)
			.into_iter()
			.filter(|result| verify_split(&book, &links, result).is_ok())
			.collect();
		prop_assert_eq!(accepted, vec![expected]);
	}
}
