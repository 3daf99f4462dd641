//! Unit tests: every rule of quotation and every error, with exact balances.
use crate::{mock::*, pallet::*, BookSummary, OrderSpec, Side};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use wattle_primitives::{
	order_id, Balance, MarketClock, MarketObligations, ParticipantRegistry, Slot, SlotLedger,
	WTL_PER_KWH,
};

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// What `who`'s orders of `OPEN` have deposited in the market's escrow.
fn held(who: AccountId) -> Balance {
	pallet_settlement::Positions::<Test>::get(OPEN, who).map_or(0, |record| record.deposit)
}

fn escrow() -> Balance {
	Balances::balance(&Settlement::escrow_account())
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Orders(e) => Some(e),
			_ => None,
		})
		.expect("an event of this pallet was deposited")
}

/// A slot that is open for orders now.
const OPEN: Slot = NOW_SLOT + 2;
const PRICE: Balance = 20 * WTL_PER_KWH / 100;

fn bid(who: AccountId, energy_wh: u64) -> u64 {
	assert_ok!(Orders::place_order(signed(who), OPEN, Side::Buy, energy_wh, PRICE));
	order_id(OPEN, Orders::book_summary(OPEN).placed - 1)
}

mod placing {
	use super::*;

	#[test]
	fn a_bid_deposits_energy_times_price_plus_grid_fee_in_the_escrow() {
		run_test(|| {
			let free = Balances::balance(&CONSUMER);
			let escrowed = escrow();
			let id = bid(CONSUMER, 40);
			let expected = 40 * (PRICE + tariffs().grid_fee);
			assert_eq!(held(CONSUMER), expected);
			assert_eq!(Balances::balance(&CONSUMER), free - expected);
			assert_eq!(escrow(), escrowed + expected);
			let line = Orders::order(id).expect("placed");
			assert_eq!((line.owner, line.order.side), (CONSUMER, Side::Buy));
			assert_eq!((line.order.energy_wh, line.order.price), (40, PRICE));
			assert_eq!(
				<Settlement as SlotLedger<_>>::terms(OPEN, &CONSUMER),
				Some((tariffs().grid_fee, tariffs().seller_collateral))
			);
			assert_eq!(Orders::book_page(OPEN, 0)[0].order.id, id);
			assert_eq!(Orders::orders_of(CONSUMER, OPEN), vec![id]);
			assert_eq!(
				last_event(),
				Event::OrderPlaced {
					id,
					who: CONSUMER,
					slot: OPEN,
					side: Side::Buy,
					energy_wh: 40,
					price: PRICE,
					held: expected,
				}
			);
		});
	}

	#[test]
	fn an_ask_deposits_energy_times_seller_collateral() {
		run_test(|| {
			assert_ok!(Orders::place_order(signed(PRODUCER), OPEN, Side::Sell, 60, PRICE));
			assert_eq!(held(PRODUCER), 60 * tariffs().seller_collateral);
		});
	}

	#[test]
	fn a_prosumer_buys_and_sells_each_side_within_its_connection() {
		run_test(|| {
			assert_ok!(Orders::place_order(signed(PROSUMER), OPEN, Side::Buy, CAPACITY_WH, PRICE));
			assert_ok!(Orders::place_order(signed(PROSUMER), OPEN, Side::Sell, CAPACITY_WH, PRICE));
			assert_eq!(Orders::orders_of(PROSUMER, OPEN).len(), 2);
		});
	}

	#[test]
	fn orders_fill_pages_of_the_book_in_placement_order() {
		run_test(|| {
			// Five orders from one account at most: spread over three accounts.
			let ids: Vec<u64> =
				[CONSUMER, PROSUMER, CONSUMER, PROSUMER, CONSUMER, PROSUMER, CONSUMER]
					.into_iter()
					.chain([PROSUMER, CONSUMER])
					.map(|who| bid(who, 1))
					.collect();
			assert_eq!(<Orders as wattle_primitives::OrderBook>::pages(OPEN), 3);
			let paged: Vec<u64> = (0..3)
				.flat_map(|page| Orders::book_page(OPEN, page))
				.map(|line| line.order.id)
				.collect();
			assert_eq!(paged, ids);
		});
	}

	#[test]
	fn order_ids_are_the_slot_and_the_place_in_it_and_increase_with_placement() {
		run_test(|| {
			let first = bid(CONSUMER, 1);
			let second = bid(PROSUMER, 1);
			assert_eq!(second, first + 1);
			assert_eq!(first, OPEN << 20);
			assert_ok!(Orders::place_order(signed(CONSUMER), OPEN + 1, Side::Buy, 1, PRICE));
			assert!(Orders::order((OPEN + 1) << 20).is_some(), "each slot counts from 0");
		});
	}

	#[test]
	fn a_day_ahead_profile_is_placed_in_one_call_all_or_nothing() {
		run_test(|| {
			let profile: Vec<OrderSpec> = (0..6)
				.map(|k| OrderSpec {
					slot: OPEN + k,
					side: if k % 2 == 0 { Side::Buy } else { Side::Sell },
					energy_wh: 10 + k,
					price: PRICE,
				})
				.collect();
			assert_ok!(Orders::place_orders(signed(PROSUMER), profile.clone()));
			for spec in &profile {
				assert_eq!(Orders::orders_of(PROSUMER, spec.slot), vec![spec.slot << 20]);
			}
			// One refused order refuses the whole batch, with its own error.
			let mut bad = profile.clone();
			bad[3].energy_wh = 0;
			let before = Balances::balance(&PROSUMER);
			assert_noop!(Orders::place_orders(signed(PROSUMER), bad), Error::<Test>::ZeroEnergy);
			assert_eq!(Balances::balance(&PROSUMER), before);
			assert_noop!(Orders::place_orders(signed(PROSUMER), vec![]), Error::<Test>::EmptyBatch);
			let seven = [profile.clone(), profile[..1].to_vec()].concat();
			assert_noop!(
				Orders::place_orders(signed(PROSUMER), seven),
				Error::<Test>::BatchTooLarge
			);
		});
	}
}

mod refused {
	use super::*;

	#[test]
	fn unregistered_pending_and_suspended_accounts_cannot_trade() {
		run_test(|| {
			assert_noop!(
				Orders::place_order(signed(STRANGER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				Orders::place_order(signed(PENDING), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::NotApproved
			);
			assert_ok!(Participants::suspend(
				signed(OPERATOR),
				CONSUMER,
				b"tamper".to_vec().try_into().unwrap()
			));
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::Suspended
			);
		});
	}

	#[test]
	fn participants_in_debt_or_with_low_reputation_cannot_trade() {
		run_test(|| {
			assert_ok!(<Participants as ParticipantRegistry<_>>::add_debt(&CONSUMER, 1));
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::InDebt
			);
			<Participants as ParticipantRegistry<_>>::adjust_reputation(&PROSUMER, -401);
			assert_noop!(
				Orders::place_order(signed(PROSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::ReputationTooLow
			);
			<Participants as ParticipantRegistry<_>>::adjust_reputation(&PROSUMER, 1);
			assert_ok!(Orders::place_order(signed(PROSUMER), OPEN, Side::Buy, 1, PRICE));
		});
	}

	#[test]
	fn consumers_do_not_sell_and_producers_do_not_buy() {
		run_test(|| {
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Sell, 1, PRICE),
				Error::<Test>::RoleCannotSell
			);
			assert_noop!(
				Orders::place_order(signed(PRODUCER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::RoleCannotBuy
			);
		});
	}

	#[test]
	fn orders_for_past_closed_or_far_slots_are_refused() {
		run_test(|| {
			for slot in [NOW_SLOT - 1, NOW_SLOT] {
				assert_noop!(
					Orders::place_order(signed(CONSUMER), slot, Side::Buy, 1, PRICE),
					Error::<Test>::SlotInPast
				);
			}
			// 40 s into the current slot, the next slot's gate (20 s before it) has closed.
			set_time(NOW_SLOT, 40);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), NOW_SLOT + 1, Side::Buy, 1, PRICE),
				Error::<Test>::GateClosed
			);
			set_time(NOW_SLOT, 39);
			assert_ok!(Orders::place_order(signed(CONSUMER), NOW_SLOT + 1, Side::Buy, 1, PRICE));
			assert_noop!(
				Orders::place_order(signed(CONSUMER), NOW_SLOT + 11, Side::Buy, 1, PRICE),
				Error::<Test>::SlotTooFarAhead
			);
			assert_ok!(Orders::place_order(signed(CONSUMER), NOW_SLOT + 10, Side::Buy, 1, PRICE));
		});
	}

	#[test]
	fn zero_energy_zero_price_and_prices_over_the_maximum_are_refused() {
		run_test(|| {
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 0, PRICE),
				Error::<Test>::ZeroEnergy
			);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, 0),
				Error::<Test>::ZeroPrice
			);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, market().max_price + 1),
				Error::<Test>::PriceTooHigh
			);
			assert_ok!(Orders::place_order(
				signed(CONSUMER),
				OPEN,
				Side::Buy,
				1,
				market().max_price
			));
		});
	}

	#[test]
	fn orders_beyond_the_connection_capacity_of_the_slot_are_refused() {
		run_test(|| {
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, CAPACITY_WH + 1, PRICE),
				Error::<Test>::ExceedsConnectionCapacity
			);
			bid(CONSUMER, 60);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 41, PRICE),
				Error::<Test>::ExceedsConnectionCapacity
			);
			bid(CONSUMER, 40);
			// Another slot has its own capacity.
			assert_ok!(Orders::place_order(
				signed(CONSUMER),
				OPEN + 1,
				Side::Buy,
				CAPACITY_WH,
				PRICE
			));
		});
	}

	#[test]
	fn an_overflowing_hold_is_refused() {
		run_test(|| {
			Configuration::<Test>::mutate(|c| c.max_price = u128::MAX);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 2, u128::MAX / 2 + 1),
				Error::<Test>::AmountOverflow
			);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, u128::MAX),
				Error::<Test>::AmountOverflow
			);
		});
	}

	#[test]
	fn an_order_the_free_balance_cannot_hold_is_refused() {
		run_test(|| {
			Configuration::<Test>::mutate(|c| c.max_price = FUNDS);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, FUNDS),
				Error::<Test>::InsufficientBalance
			);
			assert_eq!(held(CONSUMER), 0);
		});
	}

	#[test]
	fn too_many_orders_for_an_account_or_a_slot_are_refused() {
		run_test(|| {
			for _ in 0..5 {
				bid(CONSUMER, 1);
			}
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::TooManyOrdersForAccount
			);
			MaxOrdersPerSlot::set(6);
			bid(PROSUMER, 1);
			assert_noop!(
				Orders::place_order(signed(PROSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::SlotFull
			);
		});
	}
}

mod cancelling {
	use super::*;

	#[test]
	fn placing_and_cancelling_again_and_again_cannot_use_up_the_slot() {
		run_test(|| {
			// Five placements (the account's bound), each cancelled at once: the household
			// has no order left, yet it has used up its share of the slot.
			for _ in 0..5 {
				let id = bid(CONSUMER, 1);
				assert_ok!(Orders::cancel_order(signed(CONSUMER), id));
			}
			assert!(Orders::orders_of(CONSUMER, OPEN).is_empty());
			assert_eq!(held(CONSUMER), 0);
			assert_noop!(
				Orders::place_order(signed(CONSUMER), OPEN, Side::Buy, 1, PRICE),
				Error::<Test>::TooManyOrdersForAccount
			);
			// The slot still takes every other household's orders, and the cancelled ones
			// bind nobody: the canceller may still leave the market.
			assert_eq!(Orders::book_summary(OPEN), BookSummary { placed: 5, open: 0 });
			bid(PROSUMER, 1);
			assert_eq!(Orders::book_summary(OPEN).open, 1);
			assert!(!<Settlement as MarketObligations<_>>::has_open_obligations(&CONSUMER));
			// Another slot is a fresh share.
			assert_ok!(Orders::place_order(signed(CONSUMER), OPEN + 1, Side::Buy, 1, PRICE));
		});
	}

	#[test]
	fn a_cancelled_order_cannot_be_cancelled_again() {
		run_test(|| {
			let id = bid(CONSUMER, 10);
			assert_ok!(Orders::cancel_order(signed(CONSUMER), id));
			assert_noop!(Orders::cancel_order(signed(CONSUMER), id), Error::<Test>::UnknownOrder);
		});
	}

	#[test]
	fn cancelling_pays_the_whole_deposit_back_and_unlists_the_order() {
		run_test(|| {
			let free = Balances::balance(&CONSUMER);
			let id = bid(CONSUMER, 40);
			let hold = held(CONSUMER);
			assert!(<Settlement as MarketObligations<_>>::has_open_obligations(&CONSUMER));
			assert_ok!(Orders::cancel_order(signed(CONSUMER), id));
			assert_eq!(held(CONSUMER), 0);
			assert_eq!(Balances::balance(&CONSUMER), free);
			assert_eq!(Orders::order(id), None);
			assert!(Orders::book_page(OPEN, 0).is_empty());
			assert_eq!(Orders::book_summary(OPEN).open, 0);
			assert!(!<Settlement as MarketObligations<_>>::has_open_obligations(&CONSUMER));
			assert_eq!(
				last_event(),
				Event::OrderCancelled { id, who: CONSUMER, slot: OPEN, released: hold }
			);
		});
	}

	#[test]
	fn cancelling_one_of_several_orders_keeps_the_others() {
		run_test(|| {
			let first = bid(CONSUMER, 10);
			let second = bid(CONSUMER, 20);
			assert_ok!(Orders::cancel_order(signed(CONSUMER), first));
			assert_eq!(Orders::orders_of(CONSUMER, OPEN), vec![second]);
			assert_eq!(held(CONSUMER), 20 * (PRICE + tariffs().grid_fee));
			assert!(<Settlement as MarketObligations<_>>::has_open_obligations(&CONSUMER));
		});
	}

	#[test]
	fn cancelling_unknown_foreign_or_closed_orders_is_refused() {
		run_test(|| {
			assert_noop!(Orders::cancel_order(signed(CONSUMER), 99), Error::<Test>::UnknownOrder);
			let id = bid(CONSUMER, 10);
			assert_noop!(
				Orders::cancel_order(signed(CONSUMER), id + 1),
				Error::<Test>::UnknownOrder
			);
			assert_noop!(Orders::cancel_order(signed(PROSUMER), id), Error::<Test>::NotOrderOwner);
			set_time(OPEN - 1, 40);
			assert_noop!(Orders::cancel_order(signed(CONSUMER), id), Error::<Test>::GateClosed);
			set_time(OPEN, 0);
			assert_noop!(Orders::cancel_order(signed(CONSUMER), id), Error::<Test>::GateClosed);
		});
	}

	#[test]
	fn a_later_order_is_held_under_the_tariffs_of_the_first_one_of_its_slot() {
		run_test(|| {
			bid(CONSUMER, 10);
			let mut raised = tariffs();
			raised.grid_fee *= 2;
			assert_ok!(Participants::set_tariffs(signed(OPERATOR), ZONE, raised));
			let id = bid(CONSUMER, 10);
			assert_eq!(held(CONSUMER), 20 * (PRICE + tariffs().grid_fee));
			let before = Balances::balance(&CONSUMER);
			assert_ok!(Orders::cancel_order(signed(CONSUMER), id));
			assert_eq!(Balances::balance(&CONSUMER), before + 10 * (PRICE + tariffs().grid_fee));
		});
	}
}

#[test]
fn the_clock_follows_the_timestamp_and_the_genesis_configuration() {
	run_test(|| {
		assert_eq!(Orders::market_config(), market());
		assert_eq!(<Orders as MarketClock>::current_slot(), NOW_SLOT);
		set_time(NOW_SLOT + 3, 59);
		assert_eq!(Orders::current_slot(), NOW_SLOT + 3);
	});
}

mod genesis {
	use super::*;
	use crate::MarketConfig;
	use sp_runtime::BuildStorage;

	fn build_with(config: MarketConfig) {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> { config, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
	}

	#[test]
	fn a_min_reputation_every_new_household_meets_is_accepted() {
		build_with(MarketConfig { min_reputation: 500, ..market() });
	}

	#[test]
	#[should_panic(expected = "min_reputation above the reputation households start with")]
	fn a_min_reputation_above_the_starting_reputation_is_refused() {
		build_with(MarketConfig { min_reputation: 501, ..market() });
	}
}
