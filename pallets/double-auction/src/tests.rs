//! Hand-computed books that pin the rule down, and property tests that compare the clearing with
//! a naive reading of the rule, with a brute-force welfare optimum, and with the verifier.

use crate::{
	clear, fill_of, verify, ClearError, Clearing, ClearingResult, EnergyWh, Marginal,
	NonZeroEnergyWh, Order, OrderId, Price, Side, Verifier, VerifyError,
};
use codec::{Decode, Encode, MaxEncodedLen};
use proptest::prelude::*;

fn bid(id: OrderId, energy_wh: EnergyWh, price: Price) -> Order {
	Order { id, side: Side::Buy, energy_wh, price }
}

fn ask(id: OrderId, energy_wh: EnergyWh, price: Price) -> Order {
	Order { id, side: Side::Sell, energy_wh, price }
}

fn wh(energy_wh: EnergyWh) -> NonZeroEnergyWh {
	NonZeroEnergyWh::new(energy_wh).expect("tests only write positive energies here; qed")
}

fn marginal(id: OrderId, fill_wh: EnergyWh) -> Option<Marginal> {
	Some(Marginal { id, fill_wh: wh(fill_wh) })
}

fn trade(
	price: Price,
	volume_wh: EnergyWh,
	marginal_bid: Option<Marginal>,
	marginal_ask: Option<Marginal>,
) -> ClearingResult {
	ClearingResult::Trade(Clearing { price, volume_wh: wh(volume_wh), marginal_bid, marginal_ask })
}

fn cleared(book: &[Order]) -> ClearingResult {
	clear(book).expect("the books of these tests hold far less than u64::MAX Wh; qed")
}

/// Clears `book`, and checks the result, the fill of every order (given as `(id, fill)`, one per
/// order of the book), and that the verifier accepts the result.
fn assert_clears(book: &[Order], expected: ClearingResult, expected_fills: &[(OrderId, EnergyWh)]) {
	let result = cleared(book);
	assert_eq!(result, expected);
	assert_eq!(expected_fills.len(), book.len(), "every order's fill is written out");
	for &(id, expected_fill) in expected_fills {
		let order = book.iter().find(|order| order.id == id).expect("the fill names an order");
		assert_eq!(fill_of(order, &result), expected_fill, "fill of order {id}");
	}
	assert_eq!(verify(book, &result), Ok(()));
}

// A book with a bid left short at the clearing price, shared by several rejection tests.
fn book_with_partial_marginal_bid() -> Vec<Order> {
	vec![bid(1, 10, 10), bid(2, 10, 8), ask(3, 15, 5)]
}

fn book_with_every_order_at_one_price() -> Vec<Order> {
	vec![bid(1, 4, 5), ask(2, 3, 5), bid(3, 4, 5), ask(4, 3, 5)]
}

fn book_with_bid_and_ask_at_equal_price() -> Vec<Order> {
	vec![bid(1, 5, 7), ask(2, 8, 7)]
}

#[test]
fn book_that_does_not_cross_clears_without_trade() {
	let book = [bid(1, 10, 5), bid(2, 5, 4), ask(3, 10, 6), ask(4, 5, 8)];
	assert_clears(&book, ClearingResult::NoTrade, &[(1, 0), (2, 0), (3, 0), (4, 0)]);
}

#[test]
fn supply_and_demand_meeting_at_one_price_clear_there() {
	// Bid 1 buys 5 from ask 3 and 1 from ask 4; bid 2 buys the other 4 of ask 4 at 7. Both
	// sides run out of crossing orders at 7: lo = max(ask 4 at 7) = 7, hi = min(bid 2 at 7, ask 5
	// short at 8) = 7.
	let book = [bid(1, 6, 9), bid(2, 4, 7), ask(3, 5, 3), ask(4, 5, 7), ask(5, 5, 8)];
	assert_clears(
		&book,
		trade(7, 10, marginal(2, 4), marginal(4, 5)),
		&[(1, 6), (2, 4), (3, 5), (4, 5), (5, 0)],
	);
}

#[test]
fn bid_left_short_at_the_margin_sets_the_price() {
	// Ask 3 sells 10 to bid 1 and its last 5 to bid 2, which is left 5 short at 8: lo = max(ask
	// 3 at 5, short bid 2 at 8) = 8, hi = min(bid 2 at 8) = 8.
	assert_clears(
		&book_with_partial_marginal_bid(),
		trade(8, 15, marginal(2, 5), None),
		&[(1, 10), (2, 5), (3, 15)],
	);
}

#[test]
fn ask_left_short_at_the_margin_sets_the_price() {
	// Bid 1 buys all 10 of ask 2 and 5 of ask 3, which is left 5 short at 6: lo = max(ask 3 at
	// 6) = 6, hi = min(bid 1 at 12, short ask 3 at 6) = 6.
	let book = [bid(1, 15, 12), ask(2, 10, 4), ask(3, 10, 6)];
	assert_clears(&book, trade(6, 15, None, marginal(3, 5)), &[(1, 15), (2, 10), (3, 5)]);
}

#[test]
fn ties_at_the_margin_are_filled_in_order_of_placement() {
	// Three bids at 10 compete for 15 Wh. Whatever their position in the input, the earliest
	// (id 2) is filled first, the next (id 5) gets the remaining 5, the latest (id 7) nothing.
	let book = [bid(5, 10, 10), bid(2, 10, 10), ask(1, 15, 4), bid(7, 10, 10)];
	assert_clears(&book, trade(10, 15, marginal(5, 5), None), &[(1, 15), (2, 10), (5, 5), (7, 0)]);
}

#[test]
fn book_with_one_side_empty_does_not_trade() {
	let only_bids = [bid(1, 10, 5), bid(2, 3, 9)];
	assert_clears(&only_bids, ClearingResult::NoTrade, &[(1, 0), (2, 0)]);
	let only_asks = [ask(1, 10, 5)];
	assert_clears(&only_asks, ClearingResult::NoTrade, &[(1, 0)]);
	let empty: [Order; 0] = [];
	assert_clears(&empty, ClearingResult::NoTrade, &[]);
}

#[test]
fn book_with_every_order_at_one_price_clears_at_that_price() {
	// Bid 1 takes ask 2's 3 Wh and 1 of ask 4; bid 3 takes ask 4's other 2 and is left 2 short.
	// Both asks are filled completely, so the marginal ask is the later one with its whole energy.
	assert_clears(
		&book_with_every_order_at_one_price(),
		trade(5, 6, marginal(3, 2), marginal(4, 3)),
		&[(1, 4), (2, 3), (3, 2), (4, 3)],
	);
}

#[test]
fn bid_and_ask_at_equal_price_trade() {
	assert_clears(
		&book_with_bid_and_ask_at_equal_price(),
		trade(7, 5, marginal(1, 5), marginal(2, 5)),
		&[(1, 5), (2, 5)],
	);
}

#[test]
fn price_is_the_midpoint_of_the_interval_rounded_down() {
	// lo = ask 2 at 4, hi = bid 1 at 9: p = 4 + (9 - 4) / 2 = 6. No order is priced at 6.
	let book = [bid(1, 10, 9), ask(2, 10, 4)];
	assert_clears(&book, trade(6, 10, None, None), &[(1, 10), (2, 10)]);
}

#[test]
fn orders_without_energy_are_ignored() {
	// Were bid 1 and ask 4 counted as left short, they would move lo to 100 and hi to 1.
	let book = [bid(1, 0, 100), bid(2, 5, 10), ask(3, 5, 4), ask(4, 0, 1)];
	assert_clears(&book, trade(7, 5, None, None), &[(1, 0), (2, 5), (3, 5), (4, 0)]);
}

#[test]
fn volume_beyond_u64_is_reported_not_wrapped() {
	let book = [bid(1, u64::MAX, 10), bid(2, 1, 10), ask(3, u64::MAX, 1), ask(4, 1, 1)];
	assert_eq!(clear(book), Err(ClearError::VolumeOverflow));
	// No result is accepted for such a book either.
	assert_eq!(verify(book, &ClearingResult::NoTrade), Err(VerifyError::BookCrosses));
	assert!(verify(book, &trade(5, u64::MAX, None, None)).is_err());
}

#[test]
fn result_without_volume_or_marginal_fill_cannot_be_decoded() {
	let zero_volume = (7u128, 0u64, Option::<Marginal>::None, Option::<Marginal>::None).encode();
	assert!(Clearing::decode(&mut &zero_volume[..]).is_err());
	let zero_fill = (3u64, 0u64).encode();
	assert!(Marginal::decode(&mut &zero_fill[..]).is_err());
}

#[test]
fn no_trade_on_a_crossing_book_is_rejected() {
	let book = book_with_partial_marginal_bid();
	assert_eq!(verify(&book, &ClearingResult::NoTrade), Err(VerifyError::BookCrosses));
}

#[test]
fn marginal_bid_naming_no_order_is_rejected() {
	// With id 3 the only bid, 1, still fills completely: the fills are right, the id is not.
	let book = book_with_bid_and_ask_at_equal_price();
	let result = trade(7, 5, marginal(3, 1), marginal(2, 5));
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalBidNotFound));
}

#[test]
fn marginal_ask_naming_no_order_is_rejected() {
	// Asks 2 and 4 are below id 5 and fill completely, as in the canonical result.
	let book = book_with_every_order_at_one_price();
	let result = trade(5, 6, marginal(3, 2), marginal(5, 1));
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalAskNotFound));
}

#[test]
fn marginal_bid_naming_an_ask_is_rejected() {
	let book = book_with_every_order_at_one_price();
	let result = trade(5, 6, marginal(2, 1), marginal(4, 3));
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalBidIsAnAsk));
}

#[test]
fn marginal_ask_naming_a_bid_is_rejected() {
	let book = book_with_every_order_at_one_price();
	let result = trade(5, 6, marginal(3, 2), marginal(3, 1));
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalAskIsABid));
}

#[test]
fn marginal_bid_off_the_clearing_price_is_rejected() {
	let book = book_with_partial_marginal_bid();
	let result = trade(8, 15, marginal(1, 10), None);
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalBidOffPrice));
}

#[test]
fn marginal_ask_off_the_clearing_price_is_rejected() {
	let book = book_with_partial_marginal_bid();
	let result = trade(8, 15, marginal(2, 5), marginal(3, 15));
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalAskOffPrice));
}

#[test]
fn marginal_bid_filled_beyond_its_energy_is_rejected() {
	let book = book_with_partial_marginal_bid();
	let result = trade(8, 15, marginal(2, 11), None);
	assert_eq!(verify(&book, &result), Err(VerifyError::MarginalBidOverfilled));
}

#[test]
fn marginal_ask_filled_beyond_its_energy_is_rejected() {
	let book = [bid(1, 15, 12), ask(2, 10, 4), ask(3, 10, 6)];
	let result = trade(6, 15, None, marginal(3, 11));
	assert_eq!(verify(book, &result), Err(VerifyError::MarginalAskOverfilled));
}

#[test]
fn bid_fills_not_adding_up_to_the_volume_are_rejected() {
	let book = book_with_partial_marginal_bid();
	let result = trade(8, 14, marginal(2, 5), None);
	assert_eq!(verify(&book, &result), Err(VerifyError::BidVolumeMismatch));
}

#[test]
fn ask_fills_not_adding_up_to_the_volume_are_rejected() {
	let book = book_with_partial_marginal_bid();
	let result = trade(8, 16, marginal(2, 6), None);
	assert_eq!(verify(&book, &result), Err(VerifyError::AskVolumeMismatch));
}

#[test]
fn bid_and_ask_left_short_at_the_clearing_price_are_rejected() {
	// Consistent in every other respect, but bid 1 and ask 2 could still trade 1 Wh more.
	let book = book_with_bid_and_ask_at_equal_price();
	let result = trade(7, 4, marginal(1, 4), marginal(2, 4));
	assert_eq!(verify(&book, &result), Err(VerifyError::BothSidesShortAtPrice));
}

#[test]
fn price_other_than_the_midpoint_is_rejected() {
	// 7 lies within [4, 9] and leaves every fill as it is, but the midpoint is 6.
	let book = [bid(1, 10, 9), ask(2, 10, 4)];
	assert_eq!(verify(book, &trade(7, 10, None, None)), Err(VerifyError::PriceNotMidpoint));
}

#[test]
fn verifier_keeps_its_first_failure() {
	let book = book_with_partial_marginal_bid();
	let mut verifier = Verifier::new(&trade(8, 15, marginal(1, 10), None));
	let first = verifier.feed(&book[0]);
	assert_eq!(first, Err(VerifyError::MarginalBidOffPrice));
	for order in &book[1..] {
		assert_eq!(verifier.feed(order), first);
	}
	assert_eq!(verifier.finish(), first);
}

// ---- Reference implementations, written for clarity rather than speed ----

/// Each order's fill (aligned with `book`) by steps 1 and 2 of the rule, read literally.
fn greedy_fills(book: &[Order]) -> Vec<EnergyWh> {
	let mut bids: Vec<usize> = (0..book.len()).filter(|&i| book[i].side == Side::Buy).collect();
	let mut asks: Vec<usize> = (0..book.len()).filter(|&i| book[i].side == Side::Sell).collect();
	bids.sort_by(|&a, &b| book[b].price.cmp(&book[a].price).then(book[a].id.cmp(&book[b].id)));
	asks.sort_by(|&a, &b| book[a].price.cmp(&book[b].price).then(book[a].id.cmp(&book[b].id)));
	let mut fills: Vec<EnergyWh> = vec![0; book.len()];
	let (mut next_bid, mut next_ask) = (0, 0);
	while next_bid < bids.len() && next_ask < asks.len() {
		let (b, a) = (bids[next_bid], asks[next_ask]);
		if book[b].price < book[a].price {
			break;
		}
		let traded = (book[b].energy_wh - fills[b]).min(book[a].energy_wh - fills[a]);
		fills[b] += traded;
		fills[a] += traded;
		if fills[b] == book[b].energy_wh {
			next_bid += 1;
		}
		if fills[a] == book[a].energy_wh {
			next_ask += 1;
		}
	}
	fills
}

fn volume_of(book: &[Order], fills: &[EnergyWh], side: Side) -> EnergyWh {
	book.iter().zip(fills).filter(|(order, _)| order.side == side).map(|(_, fill)| *fill).sum()
}

/// The prices of the orders of `side` whose fill passes `selected`.
fn prices_of(
	book: &[Order],
	fills: &[EnergyWh],
	side: Side,
	selected: impl Fn(EnergyWh, &Order) -> bool,
) -> Vec<Price> {
	book.iter()
		.zip(fills)
		.filter(|(order, fill)| order.side == side && selected(**fill, order))
		.map(|(order, _)| order.price)
		.collect()
}

/// The canonical result for the given fills, by steps 3 and 4 and the canonical form, literally.
fn canonical_result(book: &[Order], fills: &[EnergyWh]) -> ClearingResult {
	let Some(volume_wh) = NonZeroEnergyWh::new(volume_of(book, fills, Side::Buy)) else {
		return ClearingResult::NoTrade;
	};
	let lo = prices_of(book, fills, Side::Sell, |fill, _| fill > 0)
		.into_iter()
		.chain(prices_of(book, fills, Side::Buy, |fill, order| fill < order.energy_wh))
		.max()
		.expect("some ask sells; qed");
	let hi = prices_of(book, fills, Side::Buy, |fill, _| fill > 0)
		.into_iter()
		.chain(prices_of(book, fills, Side::Sell, |fill, order| fill < order.energy_wh))
		.min()
		.expect("some bid buys; qed");
	let price = lo + (hi - lo) / 2;
	let marginal_of = |side: Side| {
		book.iter()
			.zip(fills)
			.filter(|(order, fill)| order.side == side && order.price == price && **fill > 0)
			.max_by_key(|(order, _)| order.id)
			.map(|(order, fill)| Marginal { id: order.id, fill_wh: wh(*fill) })
	};
	ClearingResult::Trade(Clearing {
		price,
		volume_wh,
		marginal_bid: marginal_of(Side::Buy),
		marginal_ask: marginal_of(Side::Sell),
	})
}

/// Buyers' valuation minus sellers' reservation value of the traded energy.
fn welfare(book: &[Order], fills: &[EnergyWh]) -> i128 {
	book.iter()
		.zip(fills)
		.map(|(order, &fill)| {
			let value = order.price as i128 * fill as i128;
			match order.side {
				Side::Buy => value,
				Side::Sell => -value,
			}
		})
		.sum()
}

/// The highest welfare over all feasible allocations (every fill within its order's energy,
/// bought = sold), and the largest volume among the allocations reaching it. Enumerates every
/// fill vector like an odometer, so only for tiny books.
fn welfare_optimum(book: &[Order]) -> (i128, EnergyWh) {
	let mut fills: Vec<EnergyWh> = vec![0; book.len()];
	let mut best: Option<(i128, EnergyWh)> = None;
	loop {
		let bought = volume_of(book, &fills, Side::Buy);
		if bought == volume_of(book, &fills, Side::Sell) {
			best = best.max(Some((welfare(book, &fills), bought)));
		}
		let Some(digit) = fills.iter().zip(book).position(|(fill, order)| *fill < order.energy_wh)
		else {
			return best.expect("trading nothing is always feasible; qed");
		};
		fills[digit] += 1;
		fills[..digit].iter_mut().for_each(|fill| *fill = 0);
	}
}

/// Every result that differs from `result` in one field: price ±1, volume ±1, each marginal's id
/// ±1 or set to any order's id, each marginal's fill ±1, a marginal dropped or added, trade
/// turned into no trade and back. May contain `result` itself; callers skip it.
fn single_field_mutations(result: &ClearingResult, book: &[Order]) -> Vec<ClearingResult> {
	let clearing = match *result {
		ClearingResult::Trade(clearing) => clearing,
		ClearingResult::NoTrade => {
			let mut trades = Vec::new();
			for order in book {
				let mut clearing = Clearing {
					price: order.price,
					volume_wh: wh(1),
					marginal_bid: None,
					marginal_ask: None,
				};
				trades.push(ClearingResult::Trade(clearing));
				match order.side {
					Side::Buy => clearing.marginal_bid = marginal(order.id, 1),
					Side::Sell => clearing.marginal_ask = marginal(order.id, 1),
				}
				trades.push(ClearingResult::Trade(clearing));
			}
			return trades;
		},
	};

	let mut mutated: Vec<Clearing> = Vec::new();
	let prices = [clearing.price.checked_add(1), clearing.price.checked_sub(1)];
	for price in prices.into_iter().flatten() {
		mutated.push(Clearing { price, ..clearing });
	}
	let volume_wh = clearing.volume_wh.get();
	for volume_wh in [volume_wh.checked_add(1), volume_wh.checked_sub(1)]
		.into_iter()
		.flatten()
		.filter_map(NonZeroEnergyWh::new)
	{
		mutated.push(Clearing { volume_wh, ..clearing });
	}
	for side in [Side::Buy, Side::Sell] {
		let with_marginal = |marginal: Option<Marginal>| match side {
			Side::Buy => Clearing { marginal_bid: marginal, ..clearing },
			Side::Sell => Clearing { marginal_ask: marginal, ..clearing },
		};
		match clearing.marginal(side) {
			Some(current) => {
				mutated.push(with_marginal(None));
				let ids = [current.id.checked_add(1), current.id.checked_sub(1)]
					.into_iter()
					.flatten()
					.chain(book.iter().map(|order| order.id));
				for id in ids {
					mutated.push(with_marginal(Some(Marginal { id, ..current })));
				}
				let fill_wh = current.fill_wh.get();
				for fill_wh in [fill_wh.checked_add(1), fill_wh.checked_sub(1)]
					.into_iter()
					.flatten()
					.filter_map(NonZeroEnergyWh::new)
				{
					mutated.push(with_marginal(Some(Marginal { fill_wh, ..current })));
				}
			},
			None => {
				for order in book {
					for fill_wh in [1, order.energy_wh] {
						mutated.push(with_marginal(marginal(order.id, fill_wh)));
					}
				}
			},
		}
	}
	let mut mutations = vec![ClearingResult::NoTrade];
	mutations.extend(mutated.into_iter().map(ClearingResult::Trade));
	mutations
}

// ---- Properties, shared by the small and the large books ----

fn check_verify_accepts_what_clear_computes(book: &[Order]) -> Result<(), TestCaseError> {
	prop_assert_eq!(verify(book, &cleared(book)), Ok(()));
	Ok(())
}

fn check_every_single_field_mutation_is_rejected(book: &[Order]) -> Result<(), TestCaseError> {
	let result = cleared(book);
	for mutation in single_field_mutations(&result, book) {
		if mutation != result {
			prop_assert!(verify(book, &mutation).is_err(), "accepted {:?}", mutation);
		}
	}
	Ok(())
}

fn check_no_order_priced_to_trade_is_left_out(book: &[Order]) -> Result<(), TestCaseError> {
	let result = cleared(book);
	let fills = greedy_fills(book);
	match result {
		ClearingResult::NoTrade => {
			for bid in book.iter().filter(|order| order.side == Side::Buy) {
				for ask in book.iter().filter(|order| order.side == Side::Sell) {
					prop_assert!(bid.price < ask.price, "{:?} and {:?} cross", bid, ask);
				}
			}
		},
		ClearingResult::Trade(clearing) => {
			for (order, &fill) in book.iter().zip(&fills) {
				let (priced_in, priced_out) = match order.side {
					Side::Buy => (order.price > clearing.price, order.price < clearing.price),
					Side::Sell => (order.price < clearing.price, order.price > clearing.price),
				};
				if priced_in {
					prop_assert_eq!(fill, order.energy_wh, "{:?} is priced to trade", order);
				}
				if priced_out {
					prop_assert_eq!(fill, 0, "{:?} is priced out", order);
				}
			}
		},
	}
	Ok(())
}

fn check_result_is_the_canonical_form_of_the_greedy_fills(
	book: &[Order],
) -> Result<(), TestCaseError> {
	let result = cleared(book);
	let fills = greedy_fills(book);
	for (order, &fill) in book.iter().zip(&fills) {
		prop_assert_eq!(fill_of(order, &result), fill, "fill of {:?}", order);
	}
	prop_assert_eq!(result, canonical_result(book, &fills));
	Ok(())
}

fn check_feeding_order_does_not_change_the_verdict(
	book: &[Order],
	shuffled: &[Order],
) -> Result<(), TestCaseError> {
	let result = cleared(book);
	let mut candidates = single_field_mutations(&result, book);
	candidates.push(result);
	for candidate in candidates {
		prop_assert_eq!(
			verify(book, &candidate).is_ok(),
			verify(shuffled, &candidate).is_ok(),
			"verdicts differ for {:?}",
			candidate
		);
	}
	Ok(())
}

/// Feeds the book in two pages with the verifier stored and restored in between, as the runtime
/// does across blocks, feeding on even after a failure as a careless caller might.
fn check_verifier_state_survives_storage_between_pages(
	book: &[Order],
	split: usize,
) -> Result<(), TestCaseError> {
	let (first_page, second_page) = book.split_at(split);
	let result = cleared(book);
	let mut candidates = single_field_mutations(&result, book);
	candidates.push(result);
	for candidate in candidates {
		let mut verifier = Verifier::new(&candidate);
		for order in first_page {
			let _ = verifier.feed(order);
		}
		let stored = verifier.encode();
		prop_assert!(stored.len() <= Verifier::max_encoded_len());
		let mut restored = Verifier::decode(&mut &stored[..]).expect("just encoded; qed");
		prop_assert_eq!(restored, verifier);
		for order in second_page {
			let _ = restored.feed(order);
		}
		prop_assert_eq!(restored.finish(), verify(book, &candidate));
	}
	Ok(())
}

// ---- Strategies ----

/// A book of 1 to `max_per_side` bids and as many asks, with energies and prices drawn from
/// `1..=max_energy_wh` and `1..=max_price` (small ranges make ties frequent). Bids and asks are
/// placed in a random interleaving; ids count up in placement order with a stride of 1 or 2, so
/// that an id one off a real one is sometimes another order's and sometimes no order's.
fn book(
	max_per_side: usize,
	max_energy_wh: EnergyWh,
	max_price: Price,
) -> impl Strategy<Value = Vec<Order>> {
	let side = move || prop::collection::vec((1..=max_energy_wh, 1..=max_price), 1..=max_per_side);
	(side(), side(), 1..=2u64)
		.prop_flat_map(|(bids, asks, id_stride)| {
			let unplaced: Vec<(Side, EnergyWh, Price)> = bids
				.into_iter()
				.map(|(energy_wh, price)| (Side::Buy, energy_wh, price))
				.chain(asks.into_iter().map(|(energy_wh, price)| (Side::Sell, energy_wh, price)))
				.collect();
			(Just(unplaced).prop_shuffle(), Just(id_stride))
		})
		.prop_map(|(placed, id_stride)| {
			placed
				.into_iter()
				.zip(0u64..)
				.map(|((side, energy_wh, price), position)| Order {
					id: 1 + position * id_stride,
					side,
					energy_wh,
					price,
				})
				.collect::<Vec<Order>>()
		})
}

fn small_book() -> impl Strategy<Value = Vec<Order>> {
	book(12, 20, 30)
}

fn large_book() -> impl Strategy<Value = Vec<Order>> {
	book(200, 1_000, 100)
}

/// Small enough for [`welfare_optimum`] to enumerate every allocation (at most 4^6).
fn tiny_book() -> impl Strategy<Value = Vec<Order>> {
	book(3, 3, 6)
}

/// Any result, mostly nonsense, with ids and amounts in the range of [`small_book`]s.
fn any_result() -> impl Strategy<Value = ClearingResult> {
	let any_marginal = || {
		prop::option::of(
			(0..=50u64, 1..=25u64).prop_map(|(id, fill_wh)| Marginal { id, fill_wh: wh(fill_wh) }),
		)
	};
	prop_oneof![
		1 => Just(ClearingResult::NoTrade),
		4 => (0..=31u128, 1..=60u64, any_marginal(), any_marginal()).prop_map(
			|(price, volume_wh, marginal_bid, marginal_ask)| {
				trade(price, volume_wh, marginal_bid, marginal_ask)
			}
		),
	]
}

fn book_and_shuffled(
	books: impl Strategy<Value = Vec<Order>>,
) -> impl Strategy<Value = (Vec<Order>, Vec<Order>)> {
	books.prop_flat_map(|book| (Just(book.clone()), Just(book).prop_shuffle()))
}

fn book_and_split(
	books: impl Strategy<Value = Vec<Order>>,
) -> impl Strategy<Value = (Vec<Order>, usize)> {
	books.prop_flat_map(|book| {
		let len = book.len();
		(Just(book), 0..=len)
	})
}

proptest! {
	#[test]
	fn verify_accepts_what_clear_computes(book in small_book()) {
		check_verify_accepts_what_clear_computes(&book)?;
	}

	#[test]
	fn every_single_field_mutation_is_rejected(book in small_book()) {
		check_every_single_field_mutation_is_rejected(&book)?;
	}

	#[test]
	fn no_order_priced_to_trade_is_left_out(book in small_book()) {
		check_no_order_priced_to_trade_is_left_out(&book)?;
	}

	#[test]
	fn clearing_maximises_welfare_and_then_volume(book in tiny_book()) {
		let result = cleared(&book);
		let fills: Vec<EnergyWh> = book.iter().map(|order| fill_of(order, &result)).collect();
		let (best_welfare, volume_at_best_welfare) = welfare_optimum(&book);
		prop_assert_eq!(welfare(&book, &fills), best_welfare);
		prop_assert_eq!(volume_of(&book, &fills, Side::Buy), volume_at_best_welfare);
		prop_assert_eq!(volume_of(&book, &fills, Side::Sell), volume_at_best_welfare);
	}

	#[test]
	fn result_is_the_canonical_form_of_the_greedy_fills(book in small_book()) {
		check_result_is_the_canonical_form_of_the_greedy_fills(&book)?;
	}

	#[test]
	fn feeding_order_does_not_change_the_verdict(
		(book, shuffled) in book_and_shuffled(small_book())
	) {
		check_feeding_order_does_not_change_the_verdict(&book, &shuffled)?;
	}

	#[test]
	fn verifier_state_survives_storage_between_pages(
		(book, split) in book_and_split(small_book())
	) {
		check_verifier_state_survives_storage_between_pages(&book, split)?;
	}

	#[test]
	fn verify_accepts_a_result_only_if_clear_computes_it(
		book in small_book(),
		result in any_result(),
	) {
		let accepted = verify(&book, &result).is_ok();
		prop_assert_eq!(accepted, result == cleared(&book), "verdict on {:?}", result);
	}
}

/// Books whose prices, energies or ids sit around the limits of the packed path, so that some
/// clear packed and some by whole orders.
fn book_near_the_packing_limits() -> impl Strategy<Value = Vec<Order>> {
	(book(12, 20, 30), 0..4usize).prop_map(|(mut book, scale)| {
		for order in &mut book {
			match scale {
				0 => order.price += (1u128 << 62) - 16,
				1 => order.energy_wh += (1u64 << 40) - 10,
				2 => order.price *= 1u128 << 70,
				_ => {},
			}
		}
		book
	})
}

proptest! {
	#[test]
	fn packed_and_field_paths_agree(book in prop_oneof![small_book(), large_book(), book_near_the_packing_limits()]) {
		prop_assert_eq!(clear(&book), crate::clearing::clear_by_fields(&book));
		check_result_is_the_canonical_form_of_the_greedy_fills(&book)?;
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]

	#[test]
	fn large_books_clear_to_a_verified_canonical_equilibrium(book in large_book()) {
		check_verify_accepts_what_clear_computes(&book)?;
		check_no_order_priced_to_trade_is_left_out(&book)?;
		check_result_is_the_canonical_form_of_the_greedy_fills(&book)?;
	}

	#[test]
	fn large_books_reject_every_single_field_mutation(book in large_book()) {
		check_every_single_field_mutation_is_rejected(&book)?;
	}

	#[test]
	fn large_books_verify_alike_in_any_feeding_order(
		(book, shuffled) in book_and_shuffled(large_book())
	) {
		check_feeding_order_does_not_change_the_verdict(&book, &shuffled)?;
	}

	#[test]
	fn large_books_verify_alike_across_pages((book, split) in book_and_split(large_book())) {
		check_verifier_state_survives_storage_between_pages(&book, split)?;
	}
}
