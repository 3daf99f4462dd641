//! Unit tests: acceptance and rejection of results, the authority path, contracts that follow
//! from the result alone, the fallback at slot start (which never skips a slot), and the
//! off-chain worker.
use crate::{
	mock::*, pallet::*, AuthorityId, Marginal, SplitClearing as Trade, SplitResult, ZoneClearing,
};
use codec::Decode;
use core::num::NonZeroU64;
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource},
	traits::{fungible::Inspect, Authorize, Hooks},
};
use sp_core::{offchain::testing, Pair};
use sp_runtime::{DispatchError, RuntimeAppPublic};
use wattle_double_auction::clear_split;
use wattle_primitives::{order_id, ClearedPrices, GridLinks, OrderBook, Slot, WTL_PER_KWH};

const MWH: u128 = WTL_PER_KWH / 1000; // 0.001 WTL/kWh in planck per Wh
const A: u64 = OPEN << 20;
const C: u64 = A + 2;
const D: u64 = A + 3;

/// What `who` has deposited in the escrow for its orders of `OPEN`.
fn deposit(who: AccountId) -> u128 {
	pallet_settlement::Positions::<Test>::get(OPEN, who).map_or(0, |record| record.deposit)
}

/// Bids A 300 Wh at 0.25 and B 200 Wh at 0.20; asks C 250 Wh at 0.10 and D 300 Wh at 0.22
/// (WTL/kWh). A meets C for 250 Wh and D for 50 Wh; B (0.20) is below D (0.22) and stops.
/// `lo = max(0.22, 0.20)`, `hi = min(0.25, 0.22)`, so the price is 0.22 and D is the marginal
/// ask with 50 Wh.
fn place_book() {
	let [a, b, c, d] = TRADERS;
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(a),
		OPEN,
		pallet_orders::Side::Buy,
		300,
		250 * MWH
	));
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(b),
		OPEN,
		pallet_orders::Side::Buy,
		200,
		200 * MWH
	));
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(c),
		OPEN,
		pallet_orders::Side::Sell,
		250,
		100 * MWH
	));
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(d),
		OPEN,
		pallet_orders::Side::Sell,
		300,
		220 * MWH
	));
}

/// One zone, so one price: the single auction's result, written as a split of one zone.
fn expected() -> SplitResult {
	SplitResult::Trade(Trade {
		hub_price: 220 * MWH,
		zones: vec![ZoneClearing {
			zone: ZONE,
			price: 220 * MWH,
			bought_wh: 300,
			sold_wh: 300,
			marginal_bid: None,
			marginal_ask: Some(Marginal { id: D, fill_wh: NonZeroU64::new(50).unwrap() }),
		}]
		.try_into()
		.unwrap(),
	})
}

fn links() -> Vec<wattle_primitives::ZoneLink> {
	<Participants as GridLinks>::links(OPEN)
}

fn at_gate_closure() {
	set_time(NOW_SLOT, 40);
}

fn submit(result: SplitResult) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Clearing::submit_result(RuntimeOrigin::signed(OPERATOR), OPEN, result)
}

fn with_trade(change: impl FnOnce(&mut Trade)) -> SplitResult {
	let SplitResult::Trade(mut trade) = expected() else { unreachable!() };
	change(&mut trade);
	SplitResult::Trade(trade)
}

/// `expected()` with a change to its one zone.
fn with_zone(change: impl FnOnce(&mut ZoneClearing)) -> SplitResult {
	with_trade(|trade| change(&mut trade.zones[0]))
}

fn expected_prices() -> ClearedPrices {
	let SplitResult::Trade(trade) = expected() else { unreachable!() };
	ClearedPrices::Split(trade)
}

#[test]
fn the_hand_computed_result_is_the_algorithms() {
	new_test_ext().execute_with(|| {
		place_book();
		let book = (0..Orders::pages(OPEN)).flat_map(|page| Orders::page(OPEN, page));
		assert_eq!(clear_split(book, &links()), Ok(expected()));
	});
}

#[test]
fn a_valid_result_after_gate_closure_is_accepted_and_closes_the_book() {
	new_test_ext().execute_with(|| {
		place_book();
		at_gate_closure();
		assert_ok!(submit(expected()));
		assert_eq!(Outcomes::<Test>::get(OPEN), Some(Outcome::Split(expected())));
		assert_eq!(
			<Clearing as wattle_primitives::ClearedSlots>::clearing_state(OPEN),
			wattle_primitives::ClearingState::Traded(expected_prices())
		);
		System::assert_last_event(
			Event::<Test>::SlotCleared {
				slot: OPEN,
				price: 220 * MWH,
				volume_wh: 300,
				by: ClearedBy::Account(OPERATOR),
			}
			.into(),
		);
		// The first valid result is final.
		assert_noop!(submit(expected()), Error::<Test>::AlreadyCleared);
	});
}

#[test]
fn results_outside_the_clearing_window_or_for_empty_books_are_refused() {
	new_test_ext().execute_with(|| {
		place_book();
		assert_noop!(submit(expected()), Error::<Test>::GateNotClosed);
		set_time(OPEN, 0);
		assert_noop!(submit(expected()), Error::<Test>::SlotStarted);
		set_time(OPEN, 40);
		assert_noop!(
			Clearing::submit_result(
				RuntimeOrigin::signed(OPERATOR),
				OPEN + 1,
				SplitResult::NoTrade
			),
			Error::<Test>::EmptyBook
		);
	});
}

#[test]
fn every_single_field_mutation_of_the_result_is_refused_with_its_rule() {
	new_test_ext().execute_with(|| {
		place_book();
		at_gate_closure();
		let cases = [
			(SplitResult::NoTrade, Error::<Test>::ResultBookCrosses),
			// D, the marginal ask, is priced at 0.22: any other price leaves it off price.
			(with_zone(|z| z.price += 1), Error::<Test>::MarginalAskOffPrice),
			(with_zone(|z| z.price -= 1), Error::<Test>::MarginalAskOffPrice),
			(with_trade(|t| t.hub_price += 1), Error::<Test>::HubPriceNotMidpoint),
			// Without a marginal ask, D sells nothing: the asks fall short of what the zone sells.
			(with_zone(|z| z.marginal_ask = None), Error::<Test>::AskVolumeMismatch),
			(with_zone(|z| z.bought_wh = 301), Error::<Test>::BidVolumeMismatch),
			(
				with_zone(|z| {
					z.bought_wh = 301;
					z.sold_wh = 301;
				}),
				Error::<Test>::BidVolumeMismatch,
			),
			(with_trade(|t| t.zones[0].zone = ZONE + 1), Error::<Test>::ResultZonesMismatch),
			(
				with_zone(|t| {
					t.marginal_ask = Some(Marginal { id: D, fill_wh: NonZeroU64::new(51).unwrap() })
				}),
				Error::<Test>::AskVolumeMismatch,
			),
			// A made-up marginal id gives D none of its 50 Wh: the asks no longer add up.
			(
				with_zone(|t| {
					t.marginal_ask =
						Some(Marginal { id: A + 99, fill_wh: NonZeroU64::new(50).unwrap() })
				}),
				Error::<Test>::AskVolumeMismatch,
			),
			(
				with_zone(|t| {
					t.marginal_ask = Some(Marginal { id: A, fill_wh: NonZeroU64::new(50).unwrap() })
				}),
				Error::<Test>::MarginalAskIsABid,
			),
			(
				with_zone(|t| {
					t.marginal_ask = Some(Marginal { id: C, fill_wh: NonZeroU64::new(50).unwrap() })
				}),
				Error::<Test>::MarginalAskOffPrice,
			),
		];
		for (result, error) in cases {
			let deposits: Vec<_> = TRADERS.iter().map(|who| deposit(*who)).collect();
			assert_noop!(submit(result), error);
			assert_eq!(TRADERS.iter().map(|who| deposit(*who)).collect::<Vec<_>>(), deposits);
		}
	});
}

#[test]
fn accepting_a_result_fixes_every_fill_without_touching_any_order() {
	new_test_ext().execute_with(|| {
		place_book();
		let [a, b, c, d] = TRADERS;
		let fee = tariffs().grid_fee;
		assert_eq!(deposit(a), 300 * (250 * MWH + fee));
		let before: Vec<_> = (0..Orders::pages(OPEN)).map(|p| Orders::book_page(OPEN, p)).collect();
		let deposits: Vec<_> = TRADERS.iter().map(|who| deposit(*who)).collect();
		at_gate_closure();
		assert_ok!(submit(expected()));
		let after: Vec<_> = (0..Orders::pages(OPEN)).map(|p| Orders::book_page(OPEN, p)).collect();
		assert_eq!(before, after, "the book is as it was");
		assert_eq!(TRADERS.iter().map(|who| deposit(*who)).collect::<Vec<_>>(), deposits);
		let fill = |who| {
			let record = pallet_settlement::Positions::<Test>::get(OPEN, who).expect("placed");
			Settlement::position_of(&record, Some(&expected_prices()))
				.map_or((0, 0), |position| (position.bought_wh, position.sold_wh))
		};
		assert_eq!(fill(a), (300, 0), "A buys 300 Wh at the clearing price");
		assert_eq!(fill(b), (0, 0), "B did not trade");
		assert_eq!(fill(c), (0, 250), "C sells all 250 Wh");
		assert_eq!(fill(d), (0, 50), "D sells 50 of its 300 Wh");
	});
}

/// Places a bid and an ask of `TRADERS[0]` and `TRADERS[1]` in `slot`, crossing.
fn place_pair(slot: Slot) {
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(TRADERS[0]),
		slot,
		pallet_orders::Side::Buy,
		10,
		200 * MWH
	));
	assert_ok!(Orders::place_order(
		RuntimeOrigin::signed(TRADERS[1]),
		slot,
		pallet_orders::Side::Sell,
		10,
		100 * MWH
	));
}

#[test]
fn a_stalled_chain_closes_every_started_slot_in_order_and_skips_none() {
	new_test_ext().execute_with(|| {
		Clearing::on_initialize(1);
		let slots: Vec<Slot> = (NOW_SLOT + 1..=NOW_SLOT + 10).collect();
		for slot in &slots {
			place_pair(*slot);
		}
		// Every book is too big to clear on chain, and the chain stalls past all of them.
		pallet_orders::Configuration::<Test>::mutate(|c| c.on_chain_clearing_limit = 1);
		set_time(NOW_SLOT + 12, 0);
		let mut block = 2;
		while NextSlotToClose::<Test>::get().is_none_or(|next| next <= NOW_SLOT + 12) {
			Clearing::on_initialize(block);
			block += 1;
			assert!(block < 10, "a bounded number of slots a block, and progress every block");
		}
		for slot in slots {
			assert_eq!(Outcomes::<Test>::get(slot), Some(Outcome::Voided), "slot {slot}");
			System::assert_has_event(Event::<Test>::SlotVoided { slot, orders: 2 }.into());
			assert_eq!(
				<Clearing as wattle_primitives::ClearedSlots>::clearing_state(slot),
				wattle_primitives::ClearingState::NoTrade
			);
		}
	});
}

#[test]
fn a_small_book_without_result_is_cleared_on_chain_at_the_slots_start() {
	new_test_ext().execute_with(|| {
		place_book();
		Clearing::on_initialize(1);
		set_time(OPEN, 1);
		Clearing::on_initialize(2);
		assert_eq!(Outcomes::<Test>::get(OPEN), Some(Outcome::Split(expected())));
		System::assert_has_event(
			Event::<Test>::SlotCleared {
				slot: OPEN,
				price: 220 * MWH,
				volume_wh: 300,
				by: ClearedBy::Runtime,
			}
			.into(),
		);
		assert_eq!(order_id(OPEN, 3), D);
	});
}

#[test]
fn a_large_book_without_result_is_voided() {
	new_test_ext().execute_with(|| {
		place_book();
		pallet_orders::Configuration::<Test>::mutate(|c| c.on_chain_clearing_limit = 3);
		Clearing::on_initialize(1);
		set_time(OPEN, 1);
		Clearing::on_initialize(2);
		assert_eq!(Outcomes::<Test>::get(OPEN), Some(Outcome::Voided));
		System::assert_has_event(Event::<Test>::SlotVoided { slot: OPEN, orders: 4 }.into());
		// The deposits stay in the escrow until settlement pays them back whole.
		let escrow = Balances::balance(&Settlement::escrow_account());
		assert_eq!(escrow, 1 + TRADERS.iter().map(|who| deposit(*who)).sum::<u128>());
	});
}

mod authority {
	use super::*;

	fn authority() -> (AuthorityId, crate::AuthoritySignature) {
		let pair = sp_core::sr25519::Pair::from_string("//clearing", None).unwrap();
		let authority = AuthorityId::from(pair.public());
		let signature = pair.sign(&Clearing::signing_payload(OPEN, &expected()));
		(authority, signature.into())
	}

	fn call(
		result: SplitResult,
		authority: AuthorityId,
		signature: crate::AuthoritySignature,
	) -> Call<Test> {
		Call::<Test>::submit_result_as_authority { slot: OPEN, result, authority, signature }
	}

	fn validity(call: &Call<Test>) -> Result<(), InvalidTransaction> {
		match call.authorize(TransactionSource::External) {
			Some(Ok(_)) => Ok(()),
			Some(Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(e))) => {
				Err(e)
			},
			other => panic!("unexpected authorization outcome {other:?}"),
		}
	}

	#[test]
	fn the_pool_accepts_only_valid_results_signed_by_a_known_authority() {
		new_test_ext().execute_with(|| {
			place_book();
			at_gate_closure();
			let (authority, signature) = authority();
			assert_eq!(
				validity(&call(expected(), authority.clone(), signature.clone())),
				Err(InvalidTransaction::BadSigner)
			);
			Authorities::<Test>::put(frame_support::BoundedVec::truncate_from(vec![
				authority.clone()
			]));
			assert_eq!(validity(&call(expected(), authority.clone(), signature.clone())), Ok(()));
			let forged = with_zone(|z| z.price += 1);
			assert_eq!(
				validity(&call(forged, authority.clone(), signature.clone())),
				Err(InvalidTransaction::BadProof)
			);
			let pair = sp_core::sr25519::Pair::from_string("//clearing", None).unwrap();
			let signed_invalid =
				pair.sign(&Clearing::signing_payload(OPEN, &with_zone(|z| z.price += 1)));
			assert_eq!(
				validity(&call(
					with_zone(|z| z.price += 1),
					authority.clone(),
					signed_invalid.into()
				)),
				Err(InvalidTransaction::Custom(0))
			);
			set_time(OPEN, 0);
			assert_eq!(
				validity(&call(expected(), authority, signature)),
				Err(InvalidTransaction::Stale)
			);
		});
	}

	#[test]
	fn only_the_authorized_origin_dispatches_the_fee_less_call() {
		new_test_ext().execute_with(|| {
			place_book();
			at_gate_closure();
			let (authority, signature) = authority();
			assert_noop!(
				Clearing::submit_result_as_authority(
					RuntimeOrigin::signed(OPERATOR),
					OPEN,
					expected(),
					authority.clone(),
					signature.clone()
				),
				DispatchError::BadOrigin
			);
			assert_ok!(Clearing::submit_result_as_authority(
				frame_system::RawOrigin::Authorized.into(),
				OPEN,
				expected(),
				authority.clone(),
				signature
			));
			System::assert_last_event(
				Event::<Test>::SlotCleared {
					slot: OPEN,
					price: 220 * MWH,
					volume_wh: 300,
					by: ClearedBy::Authority(authority),
				}
				.into(),
			);
		});
	}

	#[test]
	fn the_off_chain_worker_submits_the_signed_result_of_a_closed_slot() {
		let mut ext = new_test_ext();
		let (offchain, _) = testing::TestOffchainExt::new();
		let (pool, pool_state) = testing::TestTransactionPoolExt::new();
		let keystore = sp_keystore::testing::MemoryKeystore::new();
		ext.register_extension(sp_core::offchain::OffchainDbExt::new(offchain.clone()));
		ext.register_extension(sp_core::offchain::OffchainWorkerExt::new(offchain));
		ext.register_extension(sp_core::offchain::TransactionPoolExt::new(pool));
		ext.register_extension(sp_keystore::KeystoreExt::new(keystore));
		ext.execute_with(|| {
			let authority = AuthorityId::generate_pair(None);
			Authorities::<Test>::put(frame_support::BoundedVec::truncate_from(vec![
				authority.clone()
			]));
			place_book();
			Clearing::offchain_worker(1);
			assert!(pool_state.read().transactions.is_empty(), "the gate is still open");
			at_gate_closure();
			Clearing::offchain_worker(2);
			let transactions = pool_state.read().transactions.clone();
			assert_eq!(transactions.len(), 1);
			let xt = Extrinsic::decode(&mut &transactions[0][..]).expect("a valid extrinsic");
			let RuntimeCall::Clearing(call) = xt.function else { panic!("a clearing call") };
			let Call::submit_result_as_authority { slot, result, authority: signer, signature } =
				call.clone()
			else {
				panic!("the fee-less call")
			};
			assert_eq!((slot, result, signer.clone()), (OPEN, expected(), authority.clone()));
			assert!(authority.verify(&Clearing::signing_payload(OPEN, &expected()), &signature));
			assert_eq!(validity(&call), Ok(()));
		});
	}
}

#[test]
fn a_city_sized_book_has_all_its_contracts_the_moment_its_result_is_accepted() {
	new_test_ext().execute_with(|| {
		// 999 orders on 333 pages of this mock: the runtime's 100,000 on 196 pages scaled down.
		<Orders as wattle_primitives::BookFixtures>::fill_for_benchmarks(OPEN, 999, &[]);
		at_gate_closure();
		let book = Clearing::whole_book(OPEN);
		let result = clear_split(&book, &links()).expect("a bounded book clears; qed");
		assert_ok!(submit(result));
		// No later block has to turn orders into contracts: the clearing is final at once.
		let wattle_primitives::ClearingState::Traded(ClearedPrices::Split(trade)) =
			<Clearing as wattle_primitives::ClearedSlots>::clearing_state(OPEN)
		else {
			panic!("the book crosses");
		};
		let filled: u64 = book
			.iter()
			.filter(|order| order.order.side == pallet_orders::Side::Buy)
			.map(|order| trade.fill_of(order))
			.sum();
		assert_eq!(filled, trade.volume_wh());
	});
}

/// The book `verify_result`'s benchmark verifies: a runtime page of 512 orders over the most
/// zones, every other one cut off by its link, clears into a split market that verifies.
#[test]
fn the_benchmarks_zoned_book_splits_the_market() {
	new_test_ext().execute_with(|| {
		let zones = <Participants as wattle_primitives::GridFixtures>::zones_for_benchmarks(
			wattle_double_auction::MAX_ZONES,
			0,
		);
		assert_eq!(zones.len() as u32, wattle_double_auction::MAX_ZONES);
		<Orders as wattle_primitives::BookFixtures>::fill_for_benchmarks(OPEN, 512, &zones);
		at_gate_closure();
		let result = clear_split(Clearing::whole_book(OPEN), &links()).expect("a bounded book");
		let SplitResult::Trade(split) = &result else { panic!("the book crosses") };
		let congested = split.zones.iter().filter(|zone| zone.price != split.hub_price).count();
		assert!(congested > 1, "{congested} zones split from the hub");
		assert_ok!(submit(result));
	});
}

#[test]
fn the_authorities_follow_the_validators_session_keys() {
	use frame_support::traits::OneSessionHandler;
	let key = |seed: u8| AuthorityId::from(sp_core::sr25519::Public::from_raw([seed; 32]));
	let accounts: Vec<AccountId> = (1..=6).collect();
	let keyed =
		|count: usize| accounts.iter().take(count).map(|a| (a, key(*a as u8))).collect::<Vec<_>>();
	new_test_ext().execute_with(|| {
		<Pallet<Test> as OneSessionHandler<AccountId>>::on_genesis_session(keyed(2).into_iter());
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![key(1), key(2)]);
		// A session without a change leaves them; a change replaces them.
		<Pallet<Test> as OneSessionHandler<AccountId>>::on_new_session(
			false,
			keyed(3).into_iter(),
			keyed(3).into_iter(),
		);
		assert_eq!(Authorities::<Test>::get().len(), 2);
		<Pallet<Test> as OneSessionHandler<AccountId>>::on_new_session(
			true,
			keyed(3).into_iter(),
			keyed(3).into_iter(),
		);
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![key(1), key(2), key(3)]);
		// More validators than MaxAuthorities (4 here): the first four clear.
		<Pallet<Test> as OneSessionHandler<AccountId>>::on_new_session(
			true,
			keyed(6).into_iter(),
			keyed(6).into_iter(),
		);
		assert_eq!(Authorities::<Test>::get().into_inner(), (1..=4).map(key).collect::<Vec<_>>());
	});
}

mod market_splitting {
	use super::*;

	/// The sellers C and D sit in the suburb, whose operator limits the export of `OPEN` to
	/// 100 Wh.
	fn congested_suburb() {
		place_book();
		assert_ok!(Participants::limit_link(RuntimeOrigin::signed(SUBURB_OPERATOR), OPEN, 100, 0));
	}

	#[test]
	fn a_congested_link_splits_the_market_and_its_rent_is_reported() {
		new_test_ext_with_suburb().execute_with(|| {
			congested_suburb();
			at_gate_closure();
			let book = Clearing::whole_book(OPEN);
			let result = clear_split(&book, &links()).expect("a bounded book clears; qed");
			let SplitResult::Trade(split) = &result else { panic!("the book crosses") };
			// The suburb sells 100 Wh of C at C's 0.10; the town buys them from A at A's 0.25.
			let (town, suburb) = (split.zones[0], split.zones[1]);
			assert_eq!((town.price, town.net_export_wh()), (250 * MWH, -100));
			assert_eq!((suburb.price, suburb.net_export_wh()), (100 * MWH, 100));
			assert_eq!(split.hub_price, 250 * MWH);
			assert_ok!(submit(result.clone()));
			System::assert_has_event(
				Event::<Test>::MarketSplit {
					slot: OPEN,
					hub_price: 250 * MWH,
					zones: split.zones.clone(),
					congestion_rent: 150 * MWH * 100,
				}
				.into(),
			);
		});
	}

	#[test]
	fn a_result_that_overloads_a_link_is_refused() {
		new_test_ext_with_suburb().execute_with(|| {
			place_book();
			at_gate_closure();
			let unlimited = clear_split(Clearing::whole_book(OPEN), &links()).unwrap();
			assert_ok!(Participants::set_link_caps(RuntimeOrigin::signed(SUBURB_OPERATOR), 100, 0));
			// The operator changed the defaults after gate closure: the slot keeps its caps.
			assert_ok!(submit(unlimited));
		});
		new_test_ext_with_suburb().execute_with(|| {
			congested_suburb();
			let unlimited = with_trade(|_| {});
			at_gate_closure();
			// The one-price result of the whole market sends 300 Wh out of the suburb.
			let SplitResult::Trade(mut trade) = unlimited else { unreachable!() };
			let mut suburb = trade.zones[0];
			suburb.zone = SUBURB;
			suburb.bought_wh = 0;
			suburb.marginal_bid = None;
			trade.zones[0].sold_wh = 0;
			trade.zones[0].marginal_ask = None;
			trade.zones.try_push(suburb).unwrap();
			assert_noop!(submit(SplitResult::Trade(trade)), Error::<Test>::LinkOverloaded);
		});
	}
}
