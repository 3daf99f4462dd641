//! Settlement through the real market pallets: hand-computed bills, the walk's pagination and
//! its errors, pruning with a cursor, the substitute for a missing reading, and a randomized run
//! of many slots that checks conservation.
use crate::{mock::*, pallet::*, Bill};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Hooks},
	weights::Weight,
};
use pallet_orders::Side;
use wattle_primitives::{Balance, Slot, WTL};

/// Tariffs of the mock zone (the dev tariffs), planck per Wh.
const GRID_FEE: Balance = 30_000_000;
const RETAIL: Balance = 300_000_000;
const FEED_IN: Balance = 80_000_000;
const PENALTY: Balance = WTL;
/// The slot the hand-computed cases trade in; orders are placed in `NOW_SLOT`.
const SLOT: Slot = NOW_SLOT + 2;

fn total(who: AccountId) -> Balance {
	Balances::total_balance(&who)
}

fn debt(who: AccountId) -> Balance {
	Participants::participant(who).map_or(0, |p| p.debt)
}

fn reputation(who: AccountId) -> u16 {
	Participants::participant(who).map_or(0, |p| p.reputation)
}

/// What `who` has deposited in the escrow for its orders of `slot` and not yet been settled.
fn deposit_in(slot: Slot, who: AccountId) -> Balance {
	Positions::<Test>::get(slot, who).filter(|r| r.bill.is_none()).map_or(0, |r| r.deposit)
}

/// `who`'s balance and what the escrow holds of its for `SLOT`.
fn worth(who: AccountId) -> Balance {
	total(who) + deposit_in(SLOT, who)
}

fn place(who: AccountId, side: Side, energy_wh: u64, price: Balance) {
	assert_ok!(Orders::place_order(RuntimeOrigin::signed(who), SLOT, side, energy_wh, price));
}

fn check_invariants() {
	pallet_orders::Pallet::<Test>::do_try_state().expect("orders' invariants hold");
	pallet_participants::Pallet::<Test>::do_try_state().expect("participants' invariants hold");
	Settlement::do_try_state().expect("settlement's invariants hold");
}

/// Runs `slot` from gate closure to the end of its metering window: the runtime clears it at
/// its start and forms the contracts, then `readings` are relayed, then the window closes.
fn deliver_and_meter(slot: Slot, readings: &[(AccountId, u64, u64)]) {
	deliver_and_meter_with(slot, readings, || {});
}

/// [`deliver_and_meter`], with `during_delivery` run in the slot's first block, once it is
/// cleared.
fn deliver_and_meter_with(
	slot: Slot,
	readings: &[(AccountId, u64, u64)],
	during_delivery: impl FnOnce(),
) {
	block_at(slot, 0);
	check_invariants();
	during_delivery();
	check_invariants();
	for secs in 1..5 {
		block_at(slot, secs);
		check_invariants();
	}
	block_at(slot + 1, 1);
	if !readings.is_empty() {
		let batch = readings
			.iter()
			.map(|(who, imported, exported)| signed_reading(*who, slot, *imported, *exported))
			.collect();
		assert_ok!(Metering::submit_readings(RuntimeOrigin::signed(ORACLE), batch));
	}
}

/// Runs a whole cycle of `SLOT` and settles it; returns each household's change of total
/// balance and the operator's. The meters of households without orders and not in `readings`
/// report that nothing flowed, so that a case's bills are those it names.
fn settle_cycle(readings: &[(AccountId, u64, u64)]) -> Vec<(AccountId, i128)> {
	settle_cycle_with(readings, || {})
}

/// [`settle_cycle`], with `during_delivery` run once the slot is cleared; the changes include
/// the suburb's operator's.
fn settle_cycle_with(
	readings: &[(AccountId, u64, u64)],
	during_delivery: impl FnOnce(),
) -> Vec<(AccountId, i128)> {
	let before: Vec<_> = HOUSEHOLDS
		.iter()
		.chain([OPERATOR, SUBURB_OPERATOR].iter())
		.map(|who| (*who, worth(*who)))
		.collect();
	let issuance = Balances::total_issuance();
	let idle = HOUSEHOLDS.iter().filter(|who| {
		!readings.iter().any(|(named, _, _)| named == *who)
			&& !Positions::<Test>::contains_key(SLOT, **who)
	});
	let readings: Vec<_> = readings.iter().copied().chain(idle.map(|who| (*who, 0, 0))).collect();
	deliver_and_meter_with(SLOT, &readings, during_delivery);
	block_at(SLOT + 1, 31);
	check_invariants();
	assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT + 1), "the slot is settled");
	assert_eq!(Balances::total_issuance(), issuance, "settlement mints and burns nothing");
	assert_eq!(
		total(Settlement::escrow_account()),
		ExistentialDeposit::get(),
		"the escrow is back at its deposit"
	);
	before.into_iter().map(|(who, was)| (who, worth(who) as i128 - was as i128)).collect()
}

fn change(changes: &[(AccountId, i128)], who: AccountId) -> i128 {
	changes.iter().find(|(w, _)| *w == who).map(|(_, c)| *c).unwrap()
}

fn bill(who: AccountId) -> Bill {
	Settlement::bill(SLOT, who).expect("a settled participant has a bill")
}

/// Carol buys 500 Wh at 0.25 WTL/kWh, Dave sells 500 Wh at 0.15: they clear at the midpoint,
/// 0.2 WTL/kWh = 200,000,000 planck per Wh.
const PRICE: Balance = 200_000_000;
fn carol_buys_from_dave() {
	place(CAROL, Side::Buy, 500, 250_000_000);
	place(DAVE, Side::Sell, 500, 150_000_000);
}

#[test]
fn full_delivery_pays_energy_and_grid_fee_and_nothing_else() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes = settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 500)]);
		assert_eq!(change(&changes, CAROL), -(500 * PRICE as i128 + 500 * GRID_FEE as i128));
		assert_eq!(change(&changes, DAVE), 500 * PRICE as i128);
		assert_eq!(change(&changes, OPERATOR), 500 * GRID_FEE as i128);
		assert_eq!(
			bill(CAROL),
			Bill {
				price: PRICE,
				bought_wh: 500,
				imported_wh: 500,
				energy_paid: 500 * PRICE,
				grid_fee: 500 * GRID_FEE,
				paid_from_hold: 500 * GRID_FEE,
				reputation_change: 1,
				..Default::default()
			}
		);
		assert_eq!(bill(DAVE).energy_received, 500 * PRICE);
		assert_eq!((deposit_in(SLOT, CAROL), deposit_in(SLOT, DAVE)), (0, 0), "deposits paid back");
		assert_eq!((reputation(CAROL), reputation(DAVE)), (501, 501));
		System::assert_has_event(
			Event::<Test>::Settled {
				slot: SLOT,
				who: CAROL,
				energy_paid: 500 * PRICE,
				energy_received: 0,
				grid_fee: 500 * GRID_FEE,
				imbalance_wh: 0,
				imbalance_charge: 0,
				imbalance_credit: 0,
				penalty: 0,
				debt: 0,
				curtailed_wh: 0,
			}
			.into(),
		);
		System::assert_has_event(
			Event::<Test>::SlotSettled {
				slot: SLOT,
				participants: 5,
				volume_wh: 500,
				price: PRICE,
			}
			.into(),
		);
		let totals = SlotTotalsOf::<Test>::get(SLOT).unwrap();
		assert_eq!(
			(totals.volume_wh, totals.grid_fees, totals.participants),
			(500, 500 * GRID_FEE, 5)
		);
	});
}

#[test]
fn a_seller_short_of_its_contract_pays_the_shortfall_at_retail_price() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes = settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 300)]);
		// Dave delivered 300 of 500 Wh: the grid supplied 200 Wh at retail.
		assert_eq!(change(&changes, DAVE), 500 * PRICE as i128 - 200 * RETAIL as i128);
		assert_eq!(change(&changes, OPERATOR), (500 * GRID_FEE + 200 * RETAIL) as i128);
		let dave = bill(DAVE);
		assert_eq!((dave.imbalance_wh, dave.imbalance_charge), (-200, 200 * RETAIL));
		// The 500 Wh of collateral (0.1 WTL/kWh) and the sale's proceeds cover the charge.
		assert_eq!((dave.paid_from_hold, dave.paid_from_balance), (200 * RETAIL, 0));
		assert_eq!(reputation(DAVE), 490, "an imbalance beyond the tolerance costs reputation");
		assert_eq!(reputation(CAROL), 501);
	});
}

#[test]
fn a_buyer_drawing_more_than_it_bought_pays_the_excess_at_retail_price() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes = settle_cycle(&[(CAROL, 700, 0), (DAVE, 0, 500)]);
		assert_eq!(
			change(&changes, CAROL),
			-((500 * PRICE + 500 * GRID_FEE + 200 * RETAIL) as i128)
		);
		assert_eq!(change(&changes, DAVE), 500 * PRICE as i128);
		let carol = bill(CAROL);
		// Her deposit held 500 Wh at her 0.25 limit plus the grid fee: after 0.2 for the energy,
		// 0.05 and the fee are left of it for what she owes, the rest comes from her balance.
		let left_of_deposit = 500 * GRID_FEE + 500 * 50_000_000;
		assert_eq!((carol.imbalance_wh, carol.paid_from_hold), (-200, left_of_deposit));
		assert_eq!(carol.paid_from_balance, 500 * GRID_FEE + 200 * RETAIL - left_of_deposit);
	});
}

#[test]
fn surplus_spilled_into_the_grid_is_paid_at_the_feed_in_price() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes = settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 600)]);
		assert_eq!(change(&changes, DAVE), (500 * PRICE + 100 * FEED_IN) as i128);
		assert_eq!(change(&changes, OPERATOR), (500 * GRID_FEE) as i128 - (100 * FEED_IN) as i128);
		assert_eq!((bill(DAVE).imbalance_wh, bill(DAVE).imbalance_credit), (100, 100 * FEED_IN));
		assert_eq!(reputation(DAVE), 490);
	});
}

#[test]
fn imbalances_within_the_tolerance_earn_reputation() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		settle_cycle(&[(CAROL, 520, 0), (DAVE, 0, 480)]);
		assert_eq!((bill(CAROL).imbalance_wh, bill(DAVE).imbalance_wh), (-20, -20));
		assert_eq!((reputation(CAROL), reputation(DAVE)), (501, 501));
	});
}

#[test]
fn a_missing_reading_counts_as_the_whole_connection_drawn_and_costs_the_penalty_too() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes = settle_cycle(&[(DAVE, 0, 500)]);
		// Without a reading, Carol's meter counts as having drawn its whole connection (1,000 Wh)
		// and fed in nothing: 500 Wh beyond her contract at retail, and the penalty.
		let carol = bill(CAROL);
		assert!(carol.reading_missing);
		assert_eq!((carol.imported_wh, carol.exported_wh), (CAPACITY_WH, 0));
		assert_eq!(
			(carol.imbalance_wh, carol.imbalance_charge, carol.penalty),
			(-500, 500 * RETAIL, PENALTY)
		);
		assert_eq!(
			change(&changes, CAROL),
			-((500 * PRICE + 500 * GRID_FEE + 500 * RETAIL + PENALTY) as i128)
		);
		assert_eq!(reputation(CAROL), 450);
		assert_eq!(SlotTotalsOf::<Test>::get(SLOT).unwrap().missing_readings, 1);
	});
}

#[test]
fn a_household_that_neither_trades_nor_reads_is_billed_its_whole_connection() {
	new_test_ext().execute_with(|| {
		// Bob has no orders and his meter sends nothing: the grid supplied him all the same.
		// The rule takes his whole connection as drawn, at retail, and the penalty.
		carol_buys_from_dave();
		let readings = [(CAROL, 500, 0), (DAVE, 0, 500), (ALICE, 0, 0), (POOR, 0, 0)];
		let before = (worth(BOB), worth(OPERATOR));
		deliver_and_meter(SLOT, &readings);
		block_at(SLOT + 1, 31);
		check_invariants();
		let silent = CAPACITY_WH as Balance * RETAIL + PENALTY;
		assert_eq!(worth(BOB), before.0 - silent);
		assert_eq!(worth(OPERATOR), before.1 + silent + 500 * GRID_FEE);
		let bob = bill(BOB);
		assert!(bob.reading_missing);
		assert_eq!(
			(bob.bought_wh, bob.sold_wh, bob.imported_wh, bob.exported_wh),
			(0, 0, 1_000, 0)
		);
		assert_eq!(
			(bob.imbalance_wh, bob.imbalance_charge, bob.penalty),
			(-1_000, 1_000 * RETAIL, PENALTY)
		);
		assert_eq!(bob.paid_from_balance, silent);
		assert_eq!(reputation(BOB), 500, "no contract, no breach: the bill is the cost");
		let record = Positions::<Test>::get(SLOT, BOB).expect("the bill is kept in a record");
		assert!(record.orders.is_empty() && record.reading.is_none() && record.deposit == 0);
		let totals = SlotTotalsOf::<Test>::get(SLOT).unwrap();
		assert_eq!((totals.participants, totals.missing_readings), (5, 1));
	});
}

#[test]
fn a_household_is_billed_from_the_slot_after_its_approval_not_before() {
	new_test_ext().execute_with(|| {
		const NEWCOMER: AccountId = 20;
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), NEWCOMER, 10 * WTL));
		assert_ok!(Participants::register(
			RuntimeOrigin::signed(NEWCOMER),
			wattle_primitives::Role::Consumer,
			ZONE,
			sp_core::Pair::public(&meter(NEWCOMER)),
			60_000,
		));
		// Pending: registered, not admitted; nothing to bill yet.
		deliver_and_meter(SLOT, &[]);
		assert_ok!(Participants::approve(RuntimeOrigin::signed(OPERATOR), NEWCOMER));
		// Approved during SLOT + 1: billed from SLOT + 2 on.
		assert_eq!(Participants::participant(NEWCOMER).unwrap().billed_from, Some(SLOT + 2));
		block_at(SLOT + 1, 31);
		assert!(Settlement::bill(SLOT, NEWCOMER).is_none(), "not billed while pending");
		block_at(SLOT + 2, 31);
		assert!(Settlement::bill(SLOT + 1, NEWCOMER).is_none(), "not for its slot of approval");
		block_at(SLOT + 3, 31);
		assert!(Settlement::bill(SLOT + 2, NEWCOMER).expect("billed").reading_missing);
		check_invariants();
	});
}

#[test]
fn what_cannot_be_paid_becomes_debt_that_stops_trading_until_repaid() {
	new_test_ext().execute_with(|| {
		// Poor has 2 WTL: 1 held as deposit, 0.14 for the bid's hold, 0.86 free.
		assert_ok!(Orders::place_order(
			RuntimeOrigin::signed(POOR),
			SLOT,
			Side::Buy,
			500,
			250_000_000
		));
		place(DAVE, Side::Sell, 500, 150_000_000);
		let free_before = Balances::reducible_balance(
			&POOR,
			frame_support::traits::tokens::Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		);
		assert_eq!(free_before, 2 * WTL - WTL - 500 * 280_000_000 - 1);
		let changes = settle_cycle(&[(DAVE, 0, 500)]);
		let poor = bill(POOR);
		// No reading: the whole connection drawn, 500 Wh beyond the contract, and the penalty.
		let due = 500 * GRID_FEE + 500 * RETAIL + PENALTY;
		// Clearing at 0.2 instead of the bid's 0.25 left 500 * 0.05 of the deposit beside the
		// grid fee: all of it goes to what is due.
		let from_deposit = 500 * GRID_FEE + 500 * 50_000_000;
		assert_eq!(poor.paid_from_hold, from_deposit);
		assert_eq!(poor.paid_from_balance, free_before);
		assert_eq!(poor.debt, due - from_deposit - free_before);
		assert_eq!(debt(POOR), poor.debt);
		assert_eq!(reputation(POOR), 500 - 50 - 100);
		assert_eq!(
			Balances::reducible_balance(
				&POOR,
				frame_support::traits::tokens::Preservation::Preserve,
				frame_support::traits::tokens::Fortitude::Polite,
			),
			0
		);
		// What Poor could not pay is not money: the operator got exactly what was paid.
		assert_eq!(change(&changes, OPERATOR), (due - poor.debt) as i128);

		// In debt, Poor cannot trade; once it repays, it can.
		let next = NOW_SLOT + 10;
		assert_noop!(
			Orders::place_order(RuntimeOrigin::signed(POOR), next, Side::Buy, 10, 100_000_000),
			pallet_orders::Error::<Test>::InDebt
		);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), POOR, WTL));
		let operator_before = total(OPERATOR);
		assert_ok!(Participants::repay_debt(RuntimeOrigin::signed(POOR)));
		assert_eq!(debt(POOR), 0);
		assert_eq!(total(OPERATOR), operator_before + poor.debt);
		assert_ok!(Orders::place_order(
			RuntimeOrigin::signed(POOR),
			next,
			Side::Buy,
			10,
			100_000_000
		));
	});
}

#[test]
fn a_payment_the_operators_account_refuses_is_not_the_households_debt() {
	// The runtime's existential deposit, 0.001 WTL: more than one Wh's retail price or grid fee.
	ExistentialDeposit::set(WTL / 1_000);
	new_test_ext().execute_with(|| {
		// The operator empties its account, which is reaped: it can receive nothing below the
		// existential deposit until it is funded again.
		assert_ok!(Balances::transfer_all(RuntimeOrigin::signed(OPERATOR), ORACLE, false));
		assert!(!System::account_exists(&OPERATOR));
		// Carol buys 1 Wh (its grid fee is due from her deposit), Bob draws 1 Wh from the grid
		// (its retail price is due from his free balance).
		place(CAROL, Side::Buy, 1, 250_000_000);
		place(DAVE, Side::Sell, 1, 150_000_000);
		let changes = settle_cycle(&[(CAROL, 1, 0), (DAVE, 0, 1), (BOB, 1, 0)]);
		for (who, due) in [(CAROL, GRID_FEE), (BOB, RETAIL)] {
			let bill = bill(who);
			assert_eq!((bill.paid_from_hold, bill.paid_from_balance, bill.debt), (0, 0, 0));
			assert_eq!(debt(who), 0, "what the operator could not receive is not debt");
			System::assert_has_event(
				Event::<Test>::OperatorPaymentRefused {
					slot: SLOT,
					who,
					operator: OPERATOR,
					amount: due,
				}
				.into(),
			);
		}
		// Carol paid the seller for her energy and kept the rest of her deposit; Bob kept all.
		assert_eq!(change(&changes, CAROL), -(PRICE as i128));
		assert_eq!(change(&changes, BOB), 0);
		assert_eq!(change(&changes, OPERATOR), 0);
		assert_eq!(reputation(BOB), 500);
	});
}

#[test]
fn a_donation_to_the_escrow_breaks_no_invariant_and_is_not_paid_out() {
	new_test_ext().execute_with(|| {
		// A stranger sends money to the market's escrow, before and during a slot's cycle.
		let escrow = Settlement::escrow_account();
		assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(ORACLE), escrow, 7 * WTL));
		check_invariants();
		carol_buys_from_dave();
		assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(ORACLE), escrow, 5));
		let before: Vec<_> = HOUSEHOLDS.iter().map(|who| worth(*who)).collect();
		let idle = [ALICE, BOB, POOR].map(|who| (who, 0, 0));
		deliver_and_meter(SLOT, &[[(CAROL, 500, 0), (DAVE, 0, 500)].as_slice(), &idle].concat());
		block_at(SLOT + 1, 31);
		check_invariants();
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT + 1), "the slot is settled");
		// Settlement moved the bills and nothing else: the donation is still in the escrow.
		assert_eq!(total(escrow), 1 + 7 * WTL + 5);
		let moved: i128 =
			HOUSEHOLDS.iter().zip(before).map(|(who, was)| worth(*who) as i128 - was as i128).sum();
		assert_eq!(moved, -((500 * GRID_FEE) as i128), "the households paid the grid fee only");
	});
}

#[test]
fn a_reading_without_trades_is_settled_with_the_grid_as_supplier() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		let changes =
			settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 500), (BOB, 100, 0), (ALICE, 0, 40)]);
		assert_eq!(change(&changes, BOB), -((100 * RETAIL) as i128));
		assert_eq!(change(&changes, ALICE), (40 * FEED_IN) as i128);
		assert_eq!((bill(BOB).imbalance_wh, bill(BOB).paid_from_balance), (-100, 100 * RETAIL));
		assert_eq!(bill(ALICE).imbalance_credit, 40 * FEED_IN);
		assert_eq!((reputation(BOB), reputation(ALICE)), (500, 500), "no contract, no breach");
		assert_eq!(SlotTotalsOf::<Test>::get(SLOT).unwrap().participants, 5);
	});
}

#[test]
fn a_slot_without_trade_moves_only_imbalances() {
	new_test_ext().execute_with(|| {
		// The book does not cross: nothing trades, and settlement pays every deposit back.
		place(CAROL, Side::Buy, 100, 100_000_000);
		place(DAVE, Side::Sell, 100, 200_000_000);
		// Dave's meter sent nothing: without a position he pays the substitute all the same.
		let changes = settle_cycle(&[(CAROL, 100, 0)]);
		assert_eq!(change(&changes, CAROL), -((100 * RETAIL) as i128));
		assert_eq!(change(&changes, DAVE), -((CAPACITY_WH as Balance * RETAIL + PENALTY) as i128));
		assert_eq!(reputation(DAVE), 500, "no position, no breach");
		assert_eq!((deposit_in(SLOT, CAROL), deposit_in(SLOT, DAVE)), (0, 0));
		System::assert_has_event(
			Event::<Test>::SlotSettled { slot: SLOT, participants: 5, volume_wh: 0, price: 0 }
				.into(),
		);
	});
}

#[test]
fn a_settled_slot_leaves_no_orders_outcome_or_readings_behind() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		place(ALICE, Side::Buy, 100, 210_000_000);
		place(BOB, Side::Sell, 100, 190_000_000);
		settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 500), (BOB, 0, 100)]);
		assert_eq!(pallet_orders::SlotBook::<Test>::iter_prefix(SLOT).count(), 0);
		assert!(!pallet_orders::Books::<Test>::contains_key(SLOT));
		// What is left of the slot is each household's record with its bill, and the outcome
		// that explains the bills' fills, both until the retention period ends.
		assert!(Positions::<Test>::iter_prefix_values(SLOT).all(|record| record.bill.is_some()));
		assert_eq!(Positions::<Test>::iter_prefix(SLOT).count(), 5);
		assert!(pallet_clearing::Outcomes::<Test>::get(SLOT).is_some());
		// With nothing open any more, a household may leave the market.
		assert_ok!(Participants::deregister(RuntimeOrigin::signed(DAVE)));
	});
}

#[test]
fn bills_are_kept_for_the_retention_period_then_pruned() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 500)]);
		assert!(Settlement::bill(SLOT, CAROL).is_some());
		// Four more slots settle (retention 4): the fourth prunes SLOT's records and totals.
		block_at(SLOT + 4, 31);
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT + 4));
		assert!(Settlement::bill(SLOT, CAROL).is_some());
		block_at(SLOT + 5, 31);
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT + 5));
		assert!(Positions::<Test>::iter_prefix(SLOT).next().is_none());
		assert!(SlotTotalsOf::<Test>::get(SLOT).is_none());
		assert!(pallet_clearing::Outcomes::<Test>::get(SLOT).is_none());
	});
}

#[test]
fn settlement_waits_for_the_metering_window_and_the_contracts() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		block_at(SLOT, 0);
		assert_noop!(
			Settlement::settle(RuntimeOrigin::signed(ALICE), SLOT, 1),
			Error::<Test>::EarlierSlotFirst
		);
		deliver_and_meter(SLOT, &[(CAROL, 500, 0)]);
		// In the metering window: the earlier slots settle, this one waits.
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT));
		assert_noop!(
			Settlement::settle(RuntimeOrigin::signed(ALICE), SLOT, 1),
			Error::<Test>::MeteringWindowOpen
		);
		assert!(Settlement::bill(SLOT, CAROL).is_none());
	});
}

#[test]
fn settlement_waits_while_the_clearing_is_pending() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		// The last block ran before the slot started, so nothing cleared or voided it yet.
		block_at(SLOT - 1, 59);
		Timestamp::set_timestamp(((SLOT + 1) * 60 + 31) * 1_000);
		Settlement::on_idle(99, Weight::MAX);
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT));
		assert_noop!(
			Settlement::settle(RuntimeOrigin::signed(ALICE), SLOT, 1),
			Error::<Test>::ClearingPending
		);
	});
}

#[test]
fn settle_pushes_the_walk_step_by_step_and_refuses_bad_requests() {
	new_test_ext().execute_with(|| {
		carol_buys_from_dave();
		place(ALICE, Side::Buy, 100, 210_000_000);
		place(BOB, Side::Sell, 100, 190_000_000);
		deliver_and_meter(SLOT, &[(CAROL, 500, 0), (DAVE, 0, 500)]);
		// Blocks without room to spare leave the walk to `settle`.
		let number = System::block_number() + 1;
		System::set_block_number(number);
		Timestamp::set_timestamp(((SLOT + 1) * 60 + 31) * 1_000);
		Settlement::on_idle(number, Weight::zero());
		assert_eq!(NextSlotToSettle::<Test>::get(), Some(SLOT));

		let origin = || RuntimeOrigin::signed(OPERATOR);
		assert_noop!(Settlement::settle(origin(), SLOT, 0), Error::<Test>::ZeroSteps);
		assert_noop!(Settlement::settle(origin(), SLOT, 17), Error::<Test>::TooManySteps);
		assert_noop!(Settlement::settle(origin(), SLOT - 1, 1), Error::<Test>::AlreadySettled);
		assert_noop!(Settlement::settle(origin(), SLOT + 1, 1), Error::<Test>::EarlierSlotFirst);

		let issuance = Balances::total_issuance();
		let mut calls = 0;
		while NextSlotToSettle::<Test>::get() == Some(SLOT) {
			assert_ok!(Settlement::settle(origin(), SLOT, 1));
			check_invariants();
			assert_eq!(Balances::total_issuance(), issuance);
			calls += 1;
			assert!(calls < 100, "the walk ends");
		}
		// Start, 4 households to settle, the end of the records, the book's 2 pages, and the
		// finish: one step a call.
		assert!(calls >= 8, "each call took one step ({calls} calls)");
		for who in [ALICE, BOB, CAROL, DAVE] {
			assert!(Settlement::bill(SLOT, who).is_some());
		}
		assert_noop!(Settlement::settle(origin(), SLOT, 1), Error::<Test>::AlreadySettled);
		// `settle` stops at the end of its slot: the next one waits for its own call or a block.
		assert_eq!(InProgress::<Test>::get(), None);
	});
}

#[test]
fn a_participant_is_settled_once_however_many_orders_and_pages_it_has() {
	new_test_ext().execute_with(|| {
		for _ in 0..4 {
			place(CAROL, Side::Buy, 100, 250_000_000);
			place(DAVE, Side::Sell, 100, 150_000_000);
		}
		let changes = settle_cycle(&[(CAROL, 400, 0), (DAVE, 0, 400)]);
		assert_eq!(change(&changes, CAROL), -((400 * PRICE + 400 * GRID_FEE) as i128));
		assert_eq!(change(&changes, DAVE), (400 * PRICE) as i128);
		assert_eq!(bill(CAROL).bought_wh, 400);
		let settled = System::events()
			.iter()
			.filter(|record| {
				matches!(record.event, RuntimeEvent::Settlement(Event::Settled { who: CAROL, .. }))
			})
			.count();
		assert_eq!(settled, 1);
		assert_eq!(reputation(CAROL), 501);
	});
}

mod randomized {
	use super::*;
	use proptest::prelude::*;
	use wattle_double_auction::{
		clear, clear_split, fill_of, Order, SplitResult, ZoneLink, ZonedOrder,
	};
	use wattle_primitives::order_id;

	/// An order a household tries to place: (household index, buy?, energy, price).
	type Attempt = (usize, bool, u64, Balance);
	/// A slot of the run: order attempts, and each household's reading if its meter reports.
	type SlotPlan = (Vec<Attempt>, Vec<Option<(u64, u64)>>);

	fn slot_plan() -> impl Strategy<Value = SlotPlan> {
		(
			proptest::collection::vec(
				(0..HOUSEHOLDS.len(), any::<bool>(), 1..=300u64, 5u128..=50).prop_map(
					|(who, buy, energy, tenth_cents)| (who, buy, energy, tenth_cents * 10_000_000),
				),
				0..16,
			),
			proptest::collection::vec(
				proptest::option::weighted(0.8, (0..=CAPACITY_WH, 0..=CAPACITY_WH)),
				HOUSEHOLDS.len(),
			),
		)
	}

	/// What the settlement rule says each household's balance changes by, computed here from
	/// the book, its clearing under `links` and the readings, independently of the pallet: each
	/// household at its zone's price. Also each household's position and the slot's congestion
	/// rent.
	fn expected_changes(
		book: &[(AccountId, Order)],
		readings: &[Option<(u64, u64)>],
		links: &[ZoneLink],
	) -> (Vec<i128>, Vec<(i128, i128)>, i128) {
		let zone_of = |who: AccountId| Participants::participant(who).map_or(ZONE, |p| p.zone);
		let zoned: Vec<ZonedOrder> = book
			.iter()
			.map(|(who, order)| ZonedOrder { zone: zone_of(*who), order: *order })
			.collect();
		let result = clear_split(&zoned, links).unwrap();
		if links.iter().all(|link| *link == ZoneLink::unbounded(link.zone)) {
			// Unbounded links: the single auction's result, from the book alone.
			let single = clear(book.iter().map(|(_, order)| *order)).unwrap();
			for order in &zoned {
				assert_eq!(fill_of(&order.order, &single), result.fill_of(order));
			}
		}
		let (price_of, rent) = match &result {
			SplitResult::Trade(clearing) => (
				clearing
					.zones
					.iter()
					.map(|zone| (zone.zone, zone.price as i128))
					.collect::<Vec<_>>(),
				clearing.congestion_rent() as i128,
			),
			SplitResult::NoTrade => (Vec::new(), 0),
		};
		let mut positions = Vec::new();
		let changes = HOUSEHOLDS
			.iter()
			.zip(readings)
			.map(|(who, reading)| {
				let zone = zone_of(*who);
				let price = price_of.iter().find(|(z, _)| *z == zone).map_or(0, |(_, p)| *p);
				let (mut bought, mut sold) = (0i128, 0i128);
				for order in zoned.iter().zip(book).filter(|(_, (owner, _))| owner == who) {
					let fill = result.fill_of(order.0) as i128;
					match order.0.order.side {
						Side::Buy => bought += fill,
						Side::Sell => sold += fill,
					}
				}
				positions.push((bought, sold));
				// A missing reading, traded or not: the whole connection drawn, and the penalty.
				let (imported, exported) = reading.unwrap_or((CAPACITY_WH, 0));
				let imbalance = (exported as i128 - imported as i128) - (sold - bought);
				let mut change = (sold - bought) * price - bought * GRID_FEE as i128;
				change += if imbalance < 0 {
					imbalance * RETAIL as i128
				} else {
					imbalance * FEED_IN as i128
				};
				if reading.is_none() {
					change -= PENALTY as i128;
				}
				change
			})
			.collect();
		(changes, positions, rent)
	}

	/// The energy a book trades under the rule.
	fn positions_total(book: &[(AccountId, Order)]) -> u64 {
		let result = clear(book.iter().map(|(_, order)| *order)).unwrap();
		book.iter().filter(|(_, o)| o.side == Side::Buy).map(|(_, o)| fill_of(o, &result)).sum()
	}

	/// Energy traded over all randomized runs: the runs must exercise trading, not only
	/// refusals and readings.
	static TRADED_WH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
	/// Congestion rent over the randomized runs with a suburb: the runs must split markets.
	static RENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

	/// A cut an operator tries during a slot's delivery: (the suburb's link, else the town's;
	/// export cap; import cap).
	type CutAttempt = (bool, u64, u64);

	/// Curtailments that took effect over the randomized runs: the runs must cut links.
	static CUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

	/// Runs `plan`; with `suburb_caps` Dave produces in the suburb behind a link of those caps.
	fn run(plan: Vec<SlotPlan>, suburb_caps: Option<(u64, u64)>) {
		run_with_cuts(plan, suburb_caps, &[]);
	}

	/// [`run`], with the `i`-th slot's operator trying `cuts[i]` during delivery. A slot whose
	/// link was cut is checked for conservation only: its bills follow the cut, not the rule
	/// this run computes.
	fn run_with_cuts(
		plan: Vec<SlotPlan>,
		suburb_caps: Option<(u64, u64)>,
		cuts: &[Option<CutAttempt>],
	) {
		let mut ext =
			if suburb_caps.is_some() { new_test_ext_with_suburb() } else { new_test_ext() };
		ext.execute_with(|| {
			if let Some((export_cap_wh, import_cap_wh)) = suburb_caps {
				assert_ok!(Participants::set_link_caps(
					RuntimeOrigin::signed(SUBURB_OPERATOR),
					export_cap_wh,
					import_cap_wh
				));
			}
			let issuance = Balances::total_issuance();
			let everyone: Vec<AccountId> = HOUSEHOLDS
				.iter()
				.copied()
				.chain([OPERATOR, ORACLE, SUBURB_OPERATOR, Settlement::escrow_account()])
				.collect();
			let net_worth = || -> i128 {
				// Debts are the operator's claims on households: moving money between them
				// leaves the sum of balances, and the sum of claims, where it was.
				everyone.iter().map(|who| total(*who) as i128).sum::<i128>()
			};
			let mut slot = NOW_SLOT + 2;
			let mut traded_wh = 0;
			for (round, (attempts, readings)) in plan.into_iter().enumerate() {
				let before: Vec<i128> = HOUSEHOLDS.iter().map(|w| total(*w) as i128).collect();
				let debts_before: Vec<i128> = HOUSEHOLDS.iter().map(|w| debt(*w) as i128).collect();
				let operators_before = total(OPERATOR) as i128 + total(SUBURB_OPERATOR) as i128;
				let mut book = Vec::new();
				for (index, buy, energy_wh, price) in attempts {
					let who = HOUSEHOLDS[index];
					let side = if buy { Side::Buy } else { Side::Sell };
					let id = order_id(slot, pallet_orders::Books::<Test>::get(slot).placed);
					let held = (total(who), deposit_in(slot, who));
					match Orders::place_order(
						RuntimeOrigin::signed(who),
						slot,
						side,
						energy_wh,
						price,
					) {
						Ok(()) => book.push((who, Order { id, side, energy_wh, price })),
						// Refused (role, capacity, funds, debt): nothing changed.
						Err(_) => assert_eq!((total(who), deposit_in(slot, who)), held),
					}
				}
				let relayed: Vec<_> = HOUSEHOLDS
					.iter()
					.zip(&readings)
					.filter_map(|(who, r)| r.map(|(i, e)| (*who, i, e)))
					.collect();
				let mut cut = false;
				deliver_and_meter_with(slot, &relayed, || {
					if let Some((suburb, export_cap_wh, import_cap_wh)) =
						cuts.get(round).copied().flatten()
					{
						let (operator, zone) =
							if suburb { (SUBURB_OPERATOR, SUBURB) } else { (OPERATOR, ZONE) };
						cut = Settlement::curtail_link(
							RuntimeOrigin::signed(operator),
							slot,
							zone,
							export_cap_wh,
							import_cap_wh,
						)
						.is_ok();
					}
				});
				block_at(slot + 1, 31);
				check_invariants();
				assert_eq!(NextSlotToSettle::<Test>::get(), Some(slot + 1));
				assert_eq!(Balances::total_issuance(), issuance);
				assert_eq!(net_worth(), issuance as i128, "all money is in these accounts");
				assert_eq!(total(Settlement::escrow_account()), 1);
				if cut {
					CUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
					let households: i128 = HOUSEHOLDS
						.iter()
						.enumerate()
						.map(|(i, who)| total(*who) as i128 - before[i])
						.sum();
					let operators = total(OPERATOR) as i128 + total(SUBURB_OPERATOR) as i128;
					assert_eq!(operators - operators_before, -households, "money only moved");
					slot += 2;
					continue;
				}

				let links = <Participants as wattle_primitives::GridLinks>::links(slot);
				let (mut expected, positions, rent) = expected_changes(&book, &readings, &links);
				RENT.fetch_add(rent as u64, std::sync::atomic::Ordering::Relaxed);
				// The slot before, in which nobody traded or read, settled in this round too:
				// every household billed for it drew its whole connection.
				if slot > FIRST_BILLED_SLOT {
					let silent = (CAPACITY_WH * RETAIL as u64) as i128 + PENALTY as i128;
					expected.iter_mut().for_each(|change| *change -= silent);
				}
				for (who, (bought, sold)) in HOUSEHOLDS.iter().zip(positions) {
					let billed =
						Settlement::bill(slot, *who).map_or((0, 0), |b| (b.bought_wh, b.sold_wh));
					assert_eq!(
						billed,
						(bought as u64, sold as u64),
						"the chain's contracts are the rule's"
					);
				}
				traded_wh += positions_total(&book);
				let mut operator_expected = 0i128;
				for (i, who) in HOUSEHOLDS.iter().enumerate() {
					let new_debt = debt(*who) as i128 - debts_before[i];
					let actual = total(*who) as i128 - before[i];
					assert_eq!(
						actual - new_debt,
						expected[i],
						"household {who} in slot {slot}: paid what the rule says, the rest as debt"
					);
					operator_expected -= actual;
				}
				// The operators got every household's charges less credits, and the rent.
				let operators = total(OPERATOR) as i128 + total(SUBURB_OPERATOR) as i128;
				assert_eq!(operators - operators_before, operator_expected);
				// Repay what can be repaid, so that households keep trading.
				for who in HOUSEHOLDS {
					if debt(who) > 0 {
						let _ = Participants::repay_debt(RuntimeOrigin::signed(who));
					}
				}
				slot += 2;
			}
			TRADED_WH.fetch_add(traded_wh, std::sync::atomic::Ordering::Relaxed);
		});
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(32))]
		/// Random households over several slots, some trading, some reporting, some silent:
		/// every one of them is billed every slot by the rule, and no money appears or vanishes.
		#[test]
		fn money_is_conserved_and_every_bill_follows_the_rule(
			plan in proptest::collection::vec(slot_plan(), 1..6)
		) {
			run(plan, None);
		}

		/// The same with Dave producing in a suburb behind a link of random caps: each
		/// household is billed at its zone's price and the rent reaches the suburb's operator.
		#[test]
		fn split_markets_conserve_money_and_bill_each_zone_at_its_price(
			plan in proptest::collection::vec(slot_plan(), 1..6),
			export_cap_wh in 0..400u64,
			import_cap_wh in 0..400u64,
		) {
			run(plan, Some((export_cap_wh, import_cap_wh)));
		}

		/// The same with an operator cutting its link during random slots' delivery: every
		/// planck is still accounted for, and the escrow ends each slot as it began.
		#[test]
		fn curtailed_links_conserve_money(
			plan in proptest::collection::vec(slot_plan(), 1..6),
			export_cap_wh in 0..400u64,
			import_cap_wh in 0..400u64,
			cuts in proptest::collection::vec(
				proptest::option::weighted(0.7, (any::<bool>(), 0..300u64, 0..300u64)),
				6,
			),
		) {
			run_with_cuts(plan, Some((export_cap_wh, import_cap_wh)), &cuts);
		}
	}

	#[test]
	fn the_randomized_runs_cut_links() {
		curtailed_links_conserve_money();
		assert!(CUTS.load(std::sync::atomic::Ordering::Relaxed) > 0);
	}

	#[test]
	fn the_randomized_runs_split_markets() {
		split_markets_conserve_money_and_bill_each_zone_at_its_price();
		assert!(RENT.load(std::sync::atomic::Ordering::Relaxed) > 0);
	}

	#[test]
	fn the_randomized_runs_trade() {
		money_is_conserved_and_every_bill_follows_the_rule();
		assert!(TRADED_WH.load(std::sync::atomic::Ordering::Relaxed) > 0);
	}
}

mod pruning {
	use super::*;

	const OLD: Slot = NOW_SLOT - 100;
	const RECORDS: u64 = 5_000;

	/// `RECORDS` settled records of `OLD`, committed to the database as an earlier block would.
	fn committed_records() -> sp_io::TestExternalities {
		let mut ext = new_test_ext();
		ext.execute_with(|| {
			for i in 0..RECORDS {
				Positions::<Test>::insert(OLD, 1_000 + i, crate::SlotRecord::new(ZONE));
			}
		});
		ext.commit_all().expect("the test's own backend commits; qed");
		ext
	}

	#[test]
	fn five_thousand_records_are_pruned_in_one_block_in_bounded_steps() {
		committed_records().execute_with(|| {
			let (mut cursor, mut removed, mut steps) = (None, 0, 0);
			loop {
				let (pruned, next) = Settlement::prune_expired(OLD, cursor, 64);
				(removed, steps) = (removed + pruned, steps + 1);
				assert!(
					pruned == 64 || next.is_none(),
					"every step but the last prunes a whole batch"
				);
				match next {
					Some(next) => cursor = Some(next),
					None => break,
				}
			}
			assert_eq!(removed as u64, RECORDS);
			assert_eq!(steps, RECORDS.div_ceil(64) as u32 + u32::from(RECORDS.is_multiple_of(64)));
			assert!(Positions::<Test>::iter_prefix(OLD).next().is_none());
		});
	}

	/// What the walk did before it kept a cursor, and what `clear_prefix` still does (its cursor
	/// is ignored by frame-support): each batch starts a fresh iteration at the prefix, which
	/// within one block meets every key deleted before it again. The second batch of 64 finds
	/// only the 64 deleted keys and removes none: within a block such pruning stalls, and each
	/// further step costs more than the last.
	#[test]
	fn a_fresh_iteration_in_the_same_block_meets_the_keys_already_deleted() {
		committed_records().execute_with(|| {
			let first = Positions::<Test>::clear_prefix(OLD, 64, None);
			assert_eq!(first.backend, 64);
			let _ = Positions::<Test>::clear_prefix(OLD, 64, first.maybe_cursor.as_deref());
			let left = Positions::<Test>::iter_key_prefix(OLD).count() as u64;
			assert_eq!(left, RECORDS - 64, "it re-visited the 64 deleted keys and removed nothing");
		});
	}

	#[test]
	fn the_walk_prunes_expired_records_a_bounded_batch_at_a_time_across_blocks() {
		committed_records().execute_with(|| {
			let expired_at = OLD + BillRetentionSlots::get();
			NextSlotToSettle::<Test>::put(expired_at);
			InProgress::<Test>::put(crate::Progress {
				slot: expired_at,
				clearing: None,
				stage: crate::Stage::PruneExpired { cursor: None },
				paid_in: 0,
				paid_out: 0,
				totals: Default::default(),
				rent_paid: 0,
			});
			let mut blocks = 0;
			while InProgress::<Test>::get().is_some() {
				// A tenth of a block each time, as a busy chain leaves to `on_idle`.
				Settlement::on_idle(1, Weight::from_parts(200_000_000_000, u64::MAX));
				blocks += 1;
				assert!(blocks < 1_000, "pruning progresses every block");
			}
			assert!(blocks > 1, "a bounded amount a block");
			assert!(Positions::<Test>::iter_prefix(OLD).next().is_none());
			System::assert_has_event(
				Event::<Test>::SlotSettled {
					slot: expired_at,
					participants: 0,
					volume_wh: 0,
					price: 0,
				}
				.into(),
			);
		});
	}
}

mod missing_readings {
	use super::*;
	use crate::rule::charges;
	use proptest::prelude::*;
	use wattle_primitives::{Position, Reading};

	/// What a household pays in all for `reading` (negative: what it receives).
	fn cost(position: Option<&Position>, reading: Option<Reading>, capacity_wh: u64) -> i128 {
		let substitute = Reading { imported_wh: capacity_wh, exported_wh: 0 };
		let c = charges(position, reading, substitute, PRICE, &tariffs());
		(c.energy_paid + c.grid_fee + c.imbalance_charge + c.penalty) as i128
			- (c.energy_received + c.imbalance_credit) as i128
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2_000))]
		/// Whatever a household contracted (or nothing) and really measured within its
		/// connection, sending no reading costs it more than sending the true one.
		#[test]
		fn withholding_a_reading_never_pays(
			capacity_wh in 1u64..=1_000_000,
			bought in 0u64..=1_000_000,
			sold in 0u64..=1_000_000,
			imported in 0u64..=1_000_000,
			exported in 0u64..=1_000_000,
		) {
			let (bought, sold) = (bought % (capacity_wh + 1), sold % (capacity_wh + 1));
			let position = (bought + sold > 0).then_some(Position {
				bought_wh: bought,
				sold_wh: sold,
				grid_fee: bought as Balance * GRID_FEE,
			});
			let truth = Reading {
				imported_wh: imported % (capacity_wh + 1),
				exported_wh: exported % (capacity_wh + 1),
			};
			prop_assert!(
				cost(position.as_ref(), None, capacity_wh)
					> cost(position.as_ref(), Some(truth), capacity_wh)
			);
		}
	}
}

mod market_splitting {
	use super::*;

	/// Carol, in the town, bids 500 Wh at 0.25 WTL/kWh; Dave, in the suburb, asks 500 Wh at
	/// 0.15; the suburb's link exports at most 200 Wh. The suburb sells 200 at Dave's 0.15, the
	/// town buys them at Carol's 0.25, and the link earns `(0.25 − 0.15) · 200`.
	#[test]
	fn a_congested_slot_pays_each_zone_its_price_and_the_rent_to_the_links_operator() {
		new_test_ext_with_suburb().execute_with(|| {
			assert_ok!(Participants::set_link_caps(RuntimeOrigin::signed(SUBURB_OPERATOR), 200, 0));
			carol_buys_from_dave();
			let before = worth(SUBURB_OPERATOR) as i128;
			let changes = settle_cycle(&[(CAROL, 200, 0), (DAVE, 0, 200)]);
			let (town_price, suburb_price) = (250_000_000i128, 150_000_000i128);
			assert_eq!(change(&changes, CAROL), -(200 * town_price + 200 * GRID_FEE as i128));
			assert_eq!(change(&changes, DAVE), 200 * suburb_price);
			assert_eq!(change(&changes, OPERATOR), 200 * GRID_FEE as i128);
			let rent = 200 * (town_price - suburb_price);
			assert_eq!(worth(SUBURB_OPERATOR) as i128 - before, rent);
			assert_eq!((bill(CAROL).price, bill(DAVE).price), (250_000_000, 150_000_000));
			System::assert_has_event(
				Event::<Test>::CongestionRentPaid {
					slot: SLOT,
					zone: SUBURB,
					operator: SUBURB_OPERATOR,
					amount: rent as Balance,
				}
				.into(),
			);
		});
	}

	#[test]
	fn an_unbounded_link_settles_the_two_zones_at_one_price() {
		new_test_ext_with_suburb().execute_with(|| {
			carol_buys_from_dave();
			let changes = settle_cycle(&[(CAROL, 500, 0), (DAVE, 0, 500)]);
			assert_eq!(change(&changes, CAROL), -(500 * PRICE as i128 + 500 * GRID_FEE as i128));
			assert_eq!(change(&changes, DAVE), 500 * PRICE as i128);
		});
	}

	/// The split of [`a_congested_slot_pays_each_zone_its_price_and_the_rent_to_the_links_operator`]:
	/// the suburb exports 200 Wh at 0.15 WTL/kWh to the town, which buys them at the hub price
	/// 0.25.
	const TOWN_PRICE: i128 = 250_000_000;
	const SUBURB_PRICE: i128 = 150_000_000;

	fn split_slot() {
		assert_ok!(Participants::set_link_caps(RuntimeOrigin::signed(SUBURB_OPERATOR), 200, 0));
		carol_buys_from_dave();
	}

	fn curtail(operator: AccountId, zone: u32, export_cap_wh: u64, import_cap_wh: u64) {
		assert_ok!(Settlement::curtail_link(
			RuntimeOrigin::signed(operator),
			SLOT,
			zone,
			export_cap_wh,
			import_cap_wh
		));
	}

	fn settled_event(who: AccountId) -> Event<Test> {
		System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::Settlement(event @ Event::Settled { who: settled, .. })
					if settled == who =>
				{
					Some(event)
				},
				_ => None,
			})
			.next_back()
			.expect("the household was settled")
	}

	fn curtailed_wh(who: AccountId) -> u64 {
		match settled_event(who) {
			Event::Settled { curtailed_wh, .. } => curtailed_wh,
			_ => unreachable!(),
		}
	}

	/// The suburb's link fails during delivery and carries 50 Wh of the 200 cleared: Dave's
	/// contract shrinks to 50 Wh, at the suburb's price, and following the cut costs him no
	/// imbalance. Carol's contract stands: the suburb's operator supplies the 150 Wh at the hub
	/// and is paid the hub price for them, besides the rent on the 50 Wh its link still carries.
	#[test]
	fn a_cut_export_shrinks_the_sellers_contracts_and_the_operator_supplies_the_hub() {
		new_test_ext_with_suburb().execute_with(|| {
			split_slot();
			let dave_reputation = reputation(DAVE);
			let changes = settle_cycle_with(&[(CAROL, 200, 0), (DAVE, 0, 50)], || {
				curtail(SUBURB_OPERATOR, SUBURB, 50, 0);
			});
			assert_eq!(change(&changes, CAROL), -(200 * TOWN_PRICE + 200 * GRID_FEE as i128));
			assert_eq!(change(&changes, DAVE), 50 * SUBURB_PRICE);
			let (rent, hub_supply) = (50 * (TOWN_PRICE - SUBURB_PRICE), 150 * TOWN_PRICE);
			assert_eq!(change(&changes, SUBURB_OPERATOR), rent + hub_supply);
			assert_eq!(change(&changes, OPERATOR), 200 * GRID_FEE as i128);
			let dave = bill(DAVE);
			assert_eq!((dave.sold_wh, dave.imbalance_wh, dave.imbalance_credit), (50, 0, 0));
			assert_eq!((bill(CAROL).bought_wh, bill(CAROL).imbalance_wh), (200, 0));
			assert_eq!((curtailed_wh(DAVE), curtailed_wh(CAROL)), (150, 0));
			assert_eq!(reputation(DAVE), dave_reputation + 1, "following the cut is no breach");
			System::assert_has_event(
				Event::<Test>::LinkCurtailed {
					slot: SLOT,
					zone: SUBURB,
					export_cap_wh: 50,
					import_cap_wh: 0,
					side: Side::Sell,
					shed_wh: 150,
					paid_now: 0,
				}
				.into(),
			);
			System::assert_has_event(
				Event::<Test>::HubSupplyPaid {
					slot: SLOT,
					zone: SUBURB,
					operator: SUBURB_OPERATOR,
					shed_wh: 150,
					amount: hub_supply as Balance,
				}
				.into(),
			);
			assert_eq!(
				Settlement::curtailment(SLOT, SUBURB).map(|cut| cut.settled_wh),
				Some(200),
				"the walk shared the whole cleared side"
			);
		});
	}

	/// A seller that ignores the cut and feeds in all it contracted is paid for what it spilled
	/// beyond its curtailed contract at the feed-in price, as any spill.
	#[test]
	fn energy_fed_in_despite_a_cut_is_a_spill() {
		new_test_ext_with_suburb().execute_with(|| {
			split_slot();
			let changes = settle_cycle_with(&[(CAROL, 200, 0), (DAVE, 0, 200)], || {
				curtail(SUBURB_OPERATOR, SUBURB, 50, 0);
			});
			assert_eq!(change(&changes, DAVE), 50 * SUBURB_PRICE + 150 * FEED_IN as i128);
			assert_eq!(bill(DAVE).imbalance_wh, 150);
		});
	}

	/// The town's link can take only 80 Wh of the 200 it cleared to import: Carol's contract
	/// shrinks to 80 Wh. Dave's stands: the town's operator takes the other 120 Wh at the hub
	/// and pays the hub price for them when it cuts the link. The suburb's link still earns the
	/// rent on all it exports.
	#[test]
	fn a_cut_import_shrinks_the_buyers_contracts_and_the_operator_pays_for_what_it_takes() {
		new_test_ext_with_suburb().execute_with(|| {
			split_slot();
			let operator_before = worth(OPERATOR) as i128;
			let changes = settle_cycle_with(&[(CAROL, 80, 0), (DAVE, 0, 200)], || {
				curtail(OPERATOR, ZONE, u64::MAX, 80);
				assert_eq!(worth(OPERATOR) as i128, operator_before - 120 * TOWN_PRICE);
			});
			assert_eq!(change(&changes, CAROL), -(80 * TOWN_PRICE + 80 * GRID_FEE as i128));
			assert_eq!(change(&changes, DAVE), 200 * SUBURB_PRICE);
			assert_eq!(change(&changes, OPERATOR), 80 * GRID_FEE as i128 - 120 * TOWN_PRICE);
			assert_eq!(change(&changes, SUBURB_OPERATOR), 200 * (TOWN_PRICE - SUBURB_PRICE));
			assert_eq!((bill(CAROL).bought_wh, bill(CAROL).imbalance_wh), (80, 0));
			assert_eq!(curtailed_wh(CAROL), 120);
			System::assert_has_event(
				Event::<Test>::LinkCurtailed {
					slot: SLOT,
					zone: ZONE,
					export_cap_wh: u64::MAX,
					import_cap_wh: 80,
					side: Side::Buy,
					shed_wh: 120,
					paid_now: 120 * TOWN_PRICE as Balance,
				}
				.into(),
			);
		});
	}

	/// A second, tighter cut pays only for the further energy taken, and the bills follow the
	/// last cut.
	#[test]
	fn a_tighter_cut_pays_only_for_the_further_energy() {
		new_test_ext_with_suburb().execute_with(|| {
			split_slot();
			let changes = settle_cycle_with(&[(CAROL, 30, 0), (DAVE, 0, 200)], || {
				curtail(OPERATOR, ZONE, u64::MAX, 80);
				curtail(OPERATOR, ZONE, u64::MAX, 30);
			});
			assert_eq!(change(&changes, OPERATOR), 30 * GRID_FEE as i128 - 170 * TOWN_PRICE);
			assert_eq!(bill(CAROL).bought_wh, 30);
		});
	}

	/// Every call that cannot be taken names why and changes nothing.
	#[test]
	fn bad_curtailments_are_refused_and_change_nothing() {
		new_test_ext_with_suburb().execute_with(|| {
			split_slot();
			let curtail_now =
				|who: AccountId, zone: u32, export_cap_wh: u64, import_cap_wh: u64| {
					Settlement::curtail_link(
						RuntimeOrigin::signed(who),
						SLOT,
						zone,
						export_cap_wh,
						import_cap_wh,
					)
				};
			// Before the slot is cleared (its book is still open).
			assert_noop!(
				curtail_now(SUBURB_OPERATOR, SUBURB, 50, 0),
				Error::<Test>::NotCurtailableNow
			);
			block_at(SLOT, 0);
			assert_noop!(curtail_now(BOB, SUBURB, 50, 0), Error::<Test>::NotZoneOperator);
			assert_noop!(curtail_now(OPERATOR, SUBURB, 50, 0), Error::<Test>::NotZoneOperator);
			assert_noop!(curtail_now(SUBURB_OPERATOR, 7, 50, 0), Error::<Test>::UnknownZone);
			assert_noop!(
				curtail_now(SUBURB_OPERATOR, SUBURB, 200, 0),
				Error::<Test>::NothingToCurtail
			);
			assert_noop!(curtail_now(OPERATOR, ZONE, 0, 200), Error::<Test>::NothingToCurtail);
			assert_ok!(curtail_now(SUBURB_OPERATOR, SUBURB, 50, 0));
			assert_noop!(
				curtail_now(SUBURB_OPERATOR, SUBURB, 60, 0),
				Error::<Test>::CurtailmentLoosened
			);
			// An operator that cannot pay for the energy its zone would no longer import.
			let keep = Balances::minimum_balance();
			assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), OPERATOR, keep + 1));
			assert_noop!(
				curtail_now(OPERATOR, ZONE, u64::MAX, 80),
				Error::<Test>::OperatorCannotPay
			);
			// After the slot, the meters tell what flowed.
			block_at(SLOT + 1, 0);
			assert_noop!(
				curtail_now(SUBURB_OPERATOR, SUBURB, 10, 0),
				Error::<Test>::NotCurtailableNow
			);
		});
	}

	/// A slot that cleared without trades has no contracts to cut.
	#[test]
	fn a_slot_without_trades_cannot_be_curtailed() {
		new_test_ext_with_suburb().execute_with(|| {
			place(CAROL, Side::Buy, 500, 100_000_000);
			place(DAVE, Side::Sell, 500, 150_000_000);
			block_at(SLOT, 0);
			assert_noop!(
				Settlement::curtail_link(
					RuntimeOrigin::signed(SUBURB_OPERATOR),
					SLOT,
					SUBURB,
					0,
					0
				),
				Error::<Test>::NothingCleared
			);
		});
	}
}
