//! The bad-input matrix (issue 14): every call of the market's pallets, crossed with each kind
//! of bad input that applies to it (wrong origin, unknown id or account, a slot in the past,
//! after gate closure or too far ahead, zero and maximum values, overflow, forged signature,
//! duplicate, oversized batch, wrong zone, wrong role). Each cell is dispatched on the real
//! runtime from the dev genesis and must fail with its exact error (or, for a meter reading in a
//! batch, be rejected with its exact reason) and leave the storage root as it was: no storage
//! item and no balance changed.
//!
//! `cargo test --release -p wattle-runtime --test bad_input_matrix -- --nocapture` prints how
//! many cells are covered and the (call, class) pairs that do not apply, with the reason.
mod common;

use common::dev_chain;
use frame_support::{traits::Hooks, BoundedVec};
use frame_system::RawOrigin;
use pallet_metering::{Rejection, SignedReading};
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::Dispatchable, DispatchError, StateVersion};
use std::collections::BTreeSet;
use wattle_double_auction::{Side, SplitResult};
use wattle_primitives::{reading_payload, MarketClock, Role, Slot, Tariffs};
use wattle_runtime::{
	AccountId, Clearing, Orders, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, Settlement,
	System,
};

type OrdersError = pallet_orders::Error<Runtime>;
type ParticipantsError = pallet_participants::Error<Runtime>;
type MeteringError = pallet_metering::Error<Runtime>;
type ClearingError = pallet_clearing::Error<Runtime>;
type SettlementError = pallet_settlement::Error<Runtime>;
type ValidatorsError = pallet_validators::Error<Runtime>;

const TOWN: u32 = 0;
const SUBURB: u32 = 1;
const UNKNOWN_ZONE: u32 = 9;
/// The dev market's slot, 60 s.
const SLOT_MS: u64 = 60_000;

fn pair(uri: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(uri, None).expect("a valid uri")
}

fn account(uri: &str) -> AccountId {
	pair(uri).public().into()
}

fn signed(uri: &str) -> RuntimeOrigin {
	RawOrigin::Signed(account(uri)).into()
}

fn root() -> RuntimeOrigin {
	RawOrigin::Root.into()
}

/// What a cell must end in.
enum Expected {
	/// The call fails with this error.
	Refused(DispatchError),
	/// The call (a batch of one meter reading) succeeds, and the reading is rejected for this
	/// reason and not recorded.
	Rejected(Rejection),
}

struct Cell {
	call: &'static str,
	class: &'static str,
	origin: RuntimeOrigin,
	dispatch: RuntimeCall,
	expected: Expected,
}

fn refused(
	call: &'static str,
	class: &'static str,
	origin: RuntimeOrigin,
	dispatch: RuntimeCall,
	error: impl Into<DispatchError>,
) -> Cell {
	Cell { call, class, origin, dispatch, expected: Expected::Refused(error.into()) }
}

/// The (call, class) pairs that cannot arise, and why.
const NOT_APPLICABLE: &[(&str, &str, &str)] = &[
	(
		"participants.suspend",
		"oversized reason",
		"the reason is a BoundedVec: a longer one does not decode",
	),
	(
		"orders.place_orders",
		"overflow",
		"each order is checked as place_order's; the batch holds at most 96",
	),
	("orders.cancel_order", "zero and maximum values", "an id is looked up, never computed with"),
	("participants.deregister", "wrong zone", "it takes no zone"),
	(
		"participants.repay_debt",
		"zero and maximum values",
		"it takes no amount: it repays what the free balance allows",
	),
	("settlement.settle", "wrong zone", "a slot settles every zone"),
	(
		"metering.submit_readings",
		"slot too far ahead",
		"a reading of a slot not over yet is SlotNotOver, whatever the slot",
	),
	(
		"clearing.submit_result",
		"forged signature",
		"a signed call: its signature is the transaction's",
	),
	(
		"clearing.submit_result_as_authority",
		"forged signature",
		"the pool and the authorize check refuse it before dispatch (e2e/tests/spam.test.mjs)",
	),
	("validators.add_validator", "wrong zone", "validators belong to no zone"),
	("validators.remove_validator", "wrong zone", "validators belong to no zone"),
];

/// The chain at one point of a slot, with what the cells need: Bob's order in the next slot
/// (placed while it was open), Ferdie suspended, Bob's reading of the slot that just ended,
/// Dave at his order limit in a later slot.
struct Chain {
	/// The slot under way.
	now: Slot,
	bob_order_next: u64,
	/// Bob's order in the slot after next, cancelled.
	bob_cancelled: u64,
}

fn set_time(ms: u64) {
	let number = System::block_number() + 1;
	System::set_block_number(number);
	pallet_timestamp::Now::<Runtime>::put(ms);
	Clearing::on_initialize(number);
	Settlement::on_initialize(number);
}

fn dispatch_ok(origin: RuntimeOrigin, call: RuntimeCall) {
	call.dispatch(origin).expect("the setup's calls succeed");
}

fn order(slot: Slot, side: Side, energy_wh: u64, price: u128) -> RuntimeCall {
	RuntimeCall::Orders(pallet_orders::Call::place_order { slot, side, energy_wh, price })
}

fn reading(who: &str, slot: Slot, imported_wh: u64, exported_wh: u64) -> SignedReading<AccountId> {
	let genesis_hash = pallet_metering::Pallet::<Runtime>::genesis_hash();
	let participant = account(who);
	let payload = reading_payload(&genesis_hash, &participant, slot, imported_wh, exported_wh);
	let signature = pair(&format!("{who}//meter")).sign(&payload);
	SignedReading { participant, slot, imported_wh, exported_wh, signature }
}

fn readings(batch: Vec<SignedReading<AccountId>>) -> RuntimeCall {
	RuntimeCall::Metering(pallet_metering::Call::submit_readings { readings: batch })
}

fn tariffs() -> Tariffs {
	wattle_primitives::dev_tariffs()
}

const PRICE: u128 = 200_000_000;

/// Puts the chain 15 s into slot `now` (the slot before it in its metering window, the next
/// slot open) and makes what the cells refer to.
fn prepare(now: Slot) -> Chain {
	set_time(now * SLOT_MS + 15_000);
	assert_eq!(<Orders as MarketClock>::current_slot(), now);
	dispatch_ok(signed("//Bob"), order(now + 1, Side::Buy, 10, PRICE));
	dispatch_ok(signed("//Bob"), order(now + 2, Side::Buy, 10, PRICE));
	let bob_order_next = pallet_orders::Pallet::<Runtime>::orders_of(account("//Bob"), now + 1)[0];
	let cancelled = pallet_orders::Pallet::<Runtime>::orders_of(account("//Bob"), now + 2)[0];
	dispatch_ok(
		signed("//Bob"),
		RuntimeCall::Orders(pallet_orders::Call::cancel_order { id: cancelled }),
	);
	let reason = BoundedVec::truncate_from(b"matrix".to_vec());
	dispatch_ok(
		signed("//Alice"),
		RuntimeCall::Participants(pallet_participants::Call::suspend {
			who: account("//Ferdie"),
			reason,
		}),
	);
	dispatch_ok(signed("//Alice"), readings(vec![reading("//Bob", now - 1, 5, 0)]));
	// Dave places as many orders in one slot as an account may.
	for _ in 0..16 {
		dispatch_ok(signed("//Dave"), order(now + 3, Side::Sell, 1, PRICE));
	}
	Chain { now, bob_order_next, bob_cancelled: cancelled }
}

/// The cells checked while slot `now + 1` is still open and slot `now - 1` in its metering
/// window.
fn open_phase_cells(chain: &Chain) -> Vec<Cell> {
	use pallet_participants::Call as P;
	let now = chain.now;
	let participants = |call| RuntimeCall::Participants(call);
	let bob_meter = pair("//Bob//meter").public();
	let overflowing = Tariffs { retail_price: u128::MAX, ..tariffs() };
	let feed_in_above_retail = Tariffs { feed_in_price: tariffs().retail_price + 1, ..tariffs() };
	let mut cells = vec![
		// orders.place_order
		refused(
			"orders.place_order",
			"wrong origin",
			root(),
			order(now + 2, Side::Buy, 10, PRICE),
			DispatchError::BadOrigin,
		),
		refused(
			"orders.place_order",
			"unknown account",
			signed("//matrix-stranger"),
			order(now + 2, Side::Buy, 10, PRICE),
			OrdersError::NotRegistered,
		),
		refused(
			"orders.place_order",
			"slot in the past",
			signed("//Bob"),
			order(now - 1, Side::Buy, 10, PRICE),
			OrdersError::SlotInPast,
		),
		refused(
			"orders.place_order",
			"slot too far ahead",
			signed("//Bob"),
			order(now + 1_000, Side::Buy, 10, PRICE),
			OrdersError::SlotTooFarAhead,
		),
		refused(
			"orders.place_order",
			"zero value",
			signed("//Bob"),
			order(now + 2, Side::Buy, 0, PRICE),
			OrdersError::ZeroEnergy,
		),
		refused(
			"orders.place_order",
			"zero price",
			signed("//Bob"),
			order(now + 2, Side::Buy, 10, 0),
			OrdersError::ZeroPrice,
		),
		refused(
			"orders.place_order",
			"maximum price",
			signed("//Bob"),
			order(now + 2, Side::Buy, 10, u128::MAX),
			OrdersError::PriceTooHigh,
		),
		refused(
			"orders.place_order",
			"maximum energy",
			signed("//Bob"),
			order(now + 2, Side::Buy, u64::MAX, PRICE),
			OrdersError::ExceedsConnectionCapacity,
		),
		refused(
			"orders.place_order",
			"wrong role",
			signed("//Charlie"),
			order(now + 2, Side::Sell, 10, PRICE),
			OrdersError::RoleCannotSell,
		),
		refused(
			"orders.place_order",
			"suspended account",
			signed("//Ferdie"),
			order(now + 2, Side::Buy, 10, PRICE),
			OrdersError::Suspended,
		),
		refused(
			"orders.place_order",
			"the account's order limit",
			signed("//Dave"),
			order(now + 3, Side::Sell, 1, PRICE),
			OrdersError::TooManyOrdersForAccount,
		),
		// orders.place_orders
		refused(
			"orders.place_orders",
			"wrong origin",
			root(),
			RuntimeCall::Orders(pallet_orders::Call::place_orders { orders: vec![] }),
			DispatchError::BadOrigin,
		),
		refused(
			"orders.place_orders",
			"zero value (empty batch)",
			signed("//Bob"),
			RuntimeCall::Orders(pallet_orders::Call::place_orders { orders: vec![] }),
			OrdersError::EmptyBatch,
		),
		refused(
			"orders.place_orders",
			"oversized batch",
			signed("//Bob"),
			RuntimeCall::Orders(pallet_orders::Call::place_orders {
				orders: vec![spec(now + 2, 1); 97],
			}),
			OrdersError::BatchTooLarge,
		),
		refused(
			"orders.place_orders",
			"one bad order in a batch",
			signed("//Bob"),
			RuntimeCall::Orders(pallet_orders::Call::place_orders {
				orders: vec![spec(now + 2, 1), spec(now + 2, 0)],
			}),
			OrdersError::ZeroEnergy,
		),
		refused(
			"orders.place_orders",
			"slot in the past",
			signed("//Bob"),
			RuntimeCall::Orders(pallet_orders::Call::place_orders {
				orders: vec![spec(now - 1, 1)],
			}),
			OrdersError::SlotInPast,
		),
		// orders.cancel_order
		refused(
			"orders.cancel_order",
			"wrong origin",
			root(),
			cancel(chain.bob_order_next),
			DispatchError::BadOrigin,
		),
		refused(
			"orders.cancel_order",
			"unknown id",
			signed("//Bob"),
			cancel(u64::MAX),
			OrdersError::UnknownOrder,
		),
		refused(
			"orders.cancel_order",
			"duplicate (cancelled already)",
			signed("//Bob"),
			cancel(chain.bob_cancelled),
			OrdersError::UnknownOrder,
		),
		refused(
			"orders.cancel_order",
			"another household's order",
			signed("//Eve"),
			cancel(chain.bob_order_next),
			OrdersError::NotOrderOwner,
		),
		// participants.create_zone
		refused(
			"participants.create_zone",
			"wrong origin",
			signed("//Alice"),
			participants(P::create_zone {
				zone: 5,
				operator: account("//matrix-operator"),
				tariffs: tariffs(),
			}),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.create_zone",
			"duplicate",
			root(),
			participants(P::create_zone {
				zone: TOWN,
				operator: account("//matrix-operator"),
				tariffs: tariffs(),
			}),
			ParticipantsError::ZoneExists,
		),
		refused(
			"participants.create_zone",
			"overflow",
			root(),
			participants(P::create_zone {
				zone: 5,
				operator: account("//matrix-operator"),
				tariffs: overflowing,
			}),
			ParticipantsError::TariffsOverflow,
		),
		refused(
			"participants.create_zone",
			"inconsistent values",
			root(),
			participants(P::create_zone {
				zone: 5,
				operator: account("//matrix-operator"),
				tariffs: feed_in_above_retail,
			}),
			ParticipantsError::FeedInAboveRetail,
		),
		refused(
			"participants.create_zone",
			"operator of another zone",
			root(),
			participants(P::create_zone {
				zone: 5,
				operator: account("//Alice"),
				tariffs: tariffs(),
			}),
			ParticipantsError::OperatorAlreadyAssigned,
		),
		// participants.set_tariffs
		refused(
			"participants.set_tariffs",
			"wrong origin",
			root(),
			participants(P::set_tariffs { zone: TOWN, tariffs: tariffs() }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.set_tariffs",
			"unknown zone",
			signed("//Alice"),
			participants(P::set_tariffs { zone: UNKNOWN_ZONE, tariffs: tariffs() }),
			ParticipantsError::UnknownZone,
		),
		refused(
			"participants.set_tariffs",
			"wrong zone",
			signed("//Alice"),
			participants(P::set_tariffs { zone: SUBURB, tariffs: tariffs() }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.set_tariffs",
			"overflow",
			signed("//Alice"),
			participants(P::set_tariffs { zone: TOWN, tariffs: overflowing }),
			ParticipantsError::TariffsOverflow,
		),
		refused(
			"participants.set_tariffs",
			"inconsistent values",
			signed("//Alice"),
			participants(P::set_tariffs { zone: TOWN, tariffs: feed_in_above_retail }),
			ParticipantsError::FeedInAboveRetail,
		),
		// participants.register
		refused(
			"participants.register",
			"wrong origin",
			root(),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: 5_000,
			}),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.register",
			"duplicate",
			signed("//Bob"),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: 5_000,
			}),
			ParticipantsError::AlreadyRegistered,
		),
		refused(
			"participants.register",
			"unknown zone",
			signed("//Alice"),
			participants(P::register {
				role: Role::Consumer,
				zone: UNKNOWN_ZONE,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: 5_000,
			}),
			ParticipantsError::UnknownZone,
		),
		refused(
			"participants.register",
			"zero value",
			signed("//Alice"),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: 0,
			}),
			ParticipantsError::ZeroMaxPower,
		),
		refused(
			"participants.register",
			"maximum value",
			signed("//Alice"),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: u32::MAX,
			}),
			ParticipantsError::MaxPowerTooHigh,
		),
		refused(
			"participants.register",
			"another household's meter",
			signed("//Alice"),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: bob_meter,
				max_power_w: 5_000,
			}),
			ParticipantsError::MeterKeyInUse,
		),
		refused(
			"participants.register",
			"unfunded account",
			signed("//matrix-stranger"),
			participants(P::register {
				role: Role::Consumer,
				zone: TOWN,
				meter_key: pair("//matrix//meter").public(),
				max_power_w: 5_000,
			}),
			ParticipantsError::InsufficientDeposit,
		),
		// participants.approve, suspend, reinstate
		refused(
			"participants.approve",
			"wrong origin",
			root(),
			participants(P::approve { who: account("//Bob") }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.approve",
			"unknown account",
			signed("//Alice"),
			participants(P::approve { who: account("//matrix-stranger") }),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.approve",
			"wrong zone",
			signed("//Wattle//suburb"),
			participants(P::approve { who: account("//Bob") }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.approve",
			"duplicate",
			signed("//Alice"),
			participants(P::approve { who: account("//Bob") }),
			ParticipantsError::AlreadyApproved,
		),
		refused(
			"participants.suspend",
			"wrong origin",
			root(),
			participants(P::suspend { who: account("//Bob"), reason: BoundedVec::new() }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.suspend",
			"unknown account",
			signed("//Alice"),
			participants(P::suspend {
				who: account("//matrix-stranger"),
				reason: BoundedVec::new(),
			}),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.suspend",
			"wrong zone",
			signed("//Wattle//suburb"),
			participants(P::suspend { who: account("//Bob"), reason: BoundedVec::new() }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.suspend",
			"duplicate",
			signed("//Alice"),
			participants(P::suspend { who: account("//Ferdie"), reason: BoundedVec::new() }),
			ParticipantsError::AlreadySuspended,
		),
		refused(
			"participants.reinstate",
			"wrong origin",
			root(),
			participants(P::reinstate { who: account("//Ferdie") }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.reinstate",
			"unknown account",
			signed("//Alice"),
			participants(P::reinstate { who: account("//matrix-stranger") }),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.reinstate",
			"wrong zone",
			signed("//Wattle//suburb"),
			participants(P::reinstate { who: account("//Ferdie") }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.reinstate",
			"not suspended",
			signed("//Alice"),
			participants(P::reinstate { who: account("//Bob") }),
			ParticipantsError::NotSuspended,
		),
		// participants.add_oracle, remove_oracle
		refused(
			"participants.add_oracle",
			"wrong origin",
			root(),
			participants(P::add_oracle { oracle: account("//matrix-oracle") }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.add_oracle",
			"not an operator",
			signed("//Bob"),
			participants(P::add_oracle { oracle: account("//matrix-oracle") }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.add_oracle",
			"duplicate",
			signed("//Alice"),
			participants(P::add_oracle { oracle: account("//Alice") }),
			ParticipantsError::AlreadyOracle,
		),
		refused(
			"participants.remove_oracle",
			"wrong origin",
			root(),
			participants(P::remove_oracle { oracle: account("//Alice") }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.remove_oracle",
			"not an operator",
			signed("//Bob"),
			participants(P::remove_oracle { oracle: account("//Alice") }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.remove_oracle",
			"unknown account",
			signed("//Alice"),
			participants(P::remove_oracle { oracle: account("//matrix-oracle") }),
			ParticipantsError::NotOracle,
		),
		// participants.update_meter, deregister, repay_debt
		refused(
			"participants.update_meter",
			"wrong origin",
			root(),
			participants(P::update_meter { meter_key: pair("//matrix//meter").public() }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.update_meter",
			"unknown account",
			signed("//matrix-stranger"),
			participants(P::update_meter { meter_key: pair("//matrix//meter").public() }),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.update_meter",
			"duplicate",
			signed("//Bob"),
			participants(P::update_meter { meter_key: bob_meter }),
			ParticipantsError::SameMeterKey,
		),
		refused(
			"participants.update_meter",
			"another household's meter",
			signed("//Eve"),
			participants(P::update_meter { meter_key: bob_meter }),
			ParticipantsError::MeterKeyInUse,
		),
		refused(
			"participants.deregister",
			"wrong origin",
			root(),
			participants(P::deregister {}),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.deregister",
			"unknown account",
			signed("//matrix-stranger"),
			participants(P::deregister {}),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.deregister",
			"open obligations",
			signed("//Bob"),
			participants(P::deregister {}),
			ParticipantsError::HasOpenObligations,
		),
		refused(
			"participants.repay_debt",
			"wrong origin",
			root(),
			participants(P::repay_debt {}),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.repay_debt",
			"unknown account",
			signed("//matrix-stranger"),
			participants(P::repay_debt {}),
			ParticipantsError::NotRegistered,
		),
		refused(
			"participants.repay_debt",
			"nothing owed",
			signed("//Bob"),
			participants(P::repay_debt {}),
			ParticipantsError::NoDebt,
		),
		// participants.set_link_caps, limit_link
		refused(
			"participants.set_link_caps",
			"wrong origin",
			root(),
			participants(P::set_link_caps { export_cap_wh: 1, import_cap_wh: 1 }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.set_link_caps",
			"not an operator",
			signed("//Bob"),
			participants(P::set_link_caps { export_cap_wh: 1, import_cap_wh: 1 }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.limit_link",
			"wrong origin",
			root(),
			participants(P::limit_link { slot: now + 2, export_cap_wh: 1, import_cap_wh: 1 }),
			DispatchError::BadOrigin,
		),
		refused(
			"participants.limit_link",
			"not an operator",
			signed("//Bob"),
			participants(P::limit_link { slot: now + 2, export_cap_wh: 1, import_cap_wh: 1 }),
			ParticipantsError::NotZoneOperator,
		),
		refused(
			"participants.limit_link",
			"slot in the past",
			signed("//Wattle//suburb"),
			participants(P::limit_link { slot: now - 1, export_cap_wh: 1, import_cap_wh: 1 }),
			ParticipantsError::GateClosed,
		),
		refused(
			"participants.limit_link",
			"maximum value",
			signed("//Wattle//suburb"),
			participants(P::limit_link {
				slot: now + 2,
				export_cap_wh: u64::MAX,
				import_cap_wh: u64::MAX,
			}),
			ParticipantsError::AboveDefaultCaps,
		),
		// settlement.settle, curtail_link
		refused(
			"settlement.settle",
			"wrong origin",
			root(),
			settle(now - 1, 10),
			DispatchError::BadOrigin,
		),
		refused(
			"settlement.settle",
			"zero value",
			signed("//Bob"),
			settle(now - 1, 0),
			SettlementError::ZeroSteps,
		),
		refused(
			"settlement.settle",
			"maximum value",
			signed("//Bob"),
			settle(now - 1, u32::MAX),
			SettlementError::TooManySteps,
		),
		refused(
			"settlement.settle",
			"slot too far ahead",
			signed("//Bob"),
			settle(now + 5, 10),
			SettlementError::EarlierSlotFirst,
		),
		refused(
			"settlement.curtail_link",
			"wrong origin",
			root(),
			curtail(now, SUBURB),
			DispatchError::BadOrigin,
		),
		refused(
			"settlement.curtail_link",
			"unknown zone",
			signed("//Alice"),
			curtail(now, UNKNOWN_ZONE),
			SettlementError::UnknownZone,
		),
		refused(
			"settlement.curtail_link",
			"wrong zone",
			signed("//Alice"),
			curtail(now, SUBURB),
			SettlementError::NotZoneOperator,
		),
		refused(
			"settlement.curtail_link",
			"slot never cleared",
			signed("//Wattle//suburb"),
			curtail(now + 2, SUBURB),
			SettlementError::NotCurtailableNow,
		),
		// metering.submit_readings: batch-level errors refuse the call
		refused(
			"metering.submit_readings",
			"wrong origin",
			root(),
			readings(vec![reading("//Eve", now - 1, 1, 0)]),
			DispatchError::BadOrigin,
		),
		refused(
			"metering.submit_readings",
			"zero value (empty batch)",
			signed("//Alice"),
			readings(vec![]),
			MeteringError::EmptyBatch,
		),
		refused(
			"metering.submit_readings",
			"oversized batch",
			signed("//Alice"),
			readings(vec![reading("//Eve", now - 1, 1, 0); 257]),
			MeteringError::BatchTooLarge,
		),
		// clearing.submit_result, submit_result_as_authority
		refused(
			"clearing.submit_result",
			"wrong origin",
			root(),
			result(now + 2),
			DispatchError::BadOrigin,
		),
		refused(
			"clearing.submit_result",
			"slot before gate closure",
			signed("//Bob"),
			result(now + 2),
			ClearingError::GateNotClosed,
		),
		refused(
			"clearing.submit_result",
			"slot in the past",
			signed("//Bob"),
			result(now - 1),
			ClearingError::SlotStarted,
		),
		// validators.add_validator, remove_validator
		refused(
			"validators.add_validator",
			"wrong origin",
			signed("//Alice"),
			add_validator("//matrix-stranger"),
			DispatchError::BadOrigin,
		),
		refused(
			"validators.add_validator",
			"duplicate",
			root(),
			add_validator("//Alice"),
			ValidatorsError::AlreadyValidator,
		),
		refused(
			"validators.add_validator",
			"unknown account (no session keys)",
			root(),
			add_validator("//matrix-stranger"),
			ValidatorsError::NoSessionKeys,
		),
		refused(
			"validators.remove_validator",
			"wrong origin",
			signed("//Alice"),
			remove_validator("//Alice"),
			DispatchError::BadOrigin,
		),
		refused(
			"validators.remove_validator",
			"unknown account",
			root(),
			remove_validator("//Bob"),
			ValidatorsError::NotValidator,
		),
		refused(
			"validators.remove_validator",
			"the last validator",
			root(),
			remove_validator("//Alice"),
			ValidatorsError::TooFewValidators,
		),
	];
	// metering.submit_readings: a bad reading in a batch is rejected with its reason and not
	// recorded; the batch itself succeeds.
	let mut forged = reading("//Eve", now - 1, 1, 0);
	forged.signature = pair("//Dave//meter").sign(b"something else");
	let mut altered = reading("//Eve", now - 1, 1, 0);
	altered.imported_wh = 2;
	let rejected = [
		(
			"unknown account",
			signed("//Alice"),
			reading("//matrix-stranger", now - 1, 1, 0),
			Rejection::UnknownParticipant,
		),
		(
			"wrong zone",
			signed("//Wattle//suburb"),
			reading("//Eve", now - 1, 1, 0),
			Rejection::NotRelayForZone,
		),
		(
			"another household's reading",
			signed("//Bob"),
			reading("//Eve", now - 1, 1, 0),
			Rejection::NotRelayForZone,
		),
		("slot not over", signed("//Alice"), reading("//Eve", now, 1, 0), Rejection::SlotNotOver),
		(
			"slot in the past",
			signed("//Alice"),
			reading("//Eve", now - 2, 1, 0),
			Rejection::WindowClosed,
		),
		("duplicate", signed("//Alice"), reading("//Bob", now - 1, 5, 0), Rejection::Duplicate),
		(
			"maximum value",
			signed("//Alice"),
			reading("//Eve", now - 1, u64::MAX, 0),
			Rejection::AboveConnectionCapacity,
		),
		("forged signature", signed("//Alice"), forged, Rejection::BadSignature),
		("altered value", signed("//Alice"), altered, Rejection::BadSignature),
	];
	cells.extend(rejected.into_iter().map(|(class, origin, reading, reason)| Cell {
		call: "metering.submit_readings",
		class,
		origin,
		dispatch: readings(vec![reading]),
		expected: Expected::Rejected(reason),
	}));
	cells
}

/// The cells checked once slot `now + 1`'s gate has closed.
fn closed_gate_cells(chain: &Chain) -> Vec<Cell> {
	let next = chain.now + 1;
	vec![
		refused(
			"orders.place_order",
			"after gate closure",
			signed("//Bob"),
			order(next, Side::Buy, 10, PRICE),
			OrdersError::GateClosed,
		),
		refused(
			"orders.place_orders",
			"after gate closure",
			signed("//Bob"),
			RuntimeCall::Orders(pallet_orders::Call::place_orders { orders: vec![spec(next, 1)] }),
			OrdersError::GateClosed,
		),
		refused(
			"orders.cancel_order",
			"after gate closure",
			signed("//Bob"),
			cancel(chain.bob_order_next),
			OrdersError::GateClosed,
		),
		refused(
			"participants.limit_link",
			"after gate closure",
			signed("//Wattle//suburb"),
			RuntimeCall::Participants(pallet_participants::Call::limit_link {
				slot: next,
				export_cap_wh: 1,
				import_cap_wh: 1,
			}),
			ParticipantsError::GateClosed,
		),
		refused(
			"settlement.curtail_link",
			"slot not cleared yet",
			signed("//Wattle//suburb"),
			curtail(next, SUBURB),
			SettlementError::NotCurtailableNow,
		),
	]
}

fn spec(slot: Slot, energy_wh: u64) -> pallet_orders::OrderSpec {
	pallet_orders::OrderSpec { slot, side: Side::Buy, energy_wh, price: PRICE }
}

fn cancel(id: u64) -> RuntimeCall {
	RuntimeCall::Orders(pallet_orders::Call::cancel_order { id })
}

fn settle(slot: Slot, max: u32) -> RuntimeCall {
	RuntimeCall::Settlement(pallet_settlement::Call::settle { slot, max })
}

fn curtail(slot: Slot, zone: u32) -> RuntimeCall {
	RuntimeCall::Settlement(pallet_settlement::Call::curtail_link {
		slot,
		zone,
		export_cap_wh: 0,
		import_cap_wh: 0,
	})
}

fn result(slot: Slot) -> RuntimeCall {
	RuntimeCall::Clearing(pallet_clearing::Call::submit_result {
		slot,
		result: SplitResult::NoTrade,
	})
}

fn add_validator(who: &str) -> RuntimeCall {
	RuntimeCall::Validators(pallet_validators::Call::add_validator { who: account(who) })
}

fn remove_validator(who: &str) -> RuntimeCall {
	RuntimeCall::Validators(pallet_validators::Call::remove_validator { who: account(who) })
}

fn state_root() -> Vec<u8> {
	sp_io::storage::root(StateVersion::V1)
}

/// Dispatches `cell` and checks that it ends as expected and changes no storage (events aside:
/// a batch reports its rejected readings in events, which a block's next start clears).
fn check(cell: Cell) -> Result<(), String> {
	let name = format!("{} / {}", cell.call, cell.class);
	System::reset_events();
	let before = state_root();
	let outcome = cell.dispatch.dispatch(cell.origin).map(|_| ()).map_err(|e| e.error);
	let events: Vec<_> = System::events().into_iter().map(|record| record.event).collect();
	System::reset_events();
	if state_root() != before {
		return Err(format!("{name}: the storage root changed"));
	}
	match (cell.expected, outcome) {
		(Expected::Refused(expected), Err(error)) if error == expected => Ok(()),
		(Expected::Rejected(reason), Ok(())) => {
			let rejected = events.iter().any(|event| {
				matches!(event, RuntimeEvent::Metering(pallet_metering::Event::ReadingRejected { reason: r, .. }) if *r == reason)
			});
			let recorded = events.iter().any(|event| {
				matches!(
					event,
					RuntimeEvent::Metering(pallet_metering::Event::ReadingRecorded { .. })
				)
			});
			if rejected && !recorded {
				Ok(())
			} else {
				Err(format!("{name}: expected the reading rejected as {reason:?}, got {events:?}"))
			}
		},
		(Expected::Refused(expected), outcome) => {
			Err(format!("{name}: expected {expected:?}, got {outcome:?}"))
		},
		(Expected::Rejected(reason), outcome) => Err(format!(
			"{name}: expected the batch to pass and reject {reason:?}, got {outcome:?}"
		)),
	}
}

/// Every call of the market's pallets, as metadata names it.
const CALLS: &[&str] = &[
	"orders.place_order",
	"orders.cancel_order",
	"orders.place_orders",
	"participants.create_zone",
	"participants.set_tariffs",
	"participants.register",
	"participants.approve",
	"participants.suspend",
	"participants.reinstate",
	"participants.add_oracle",
	"participants.remove_oracle",
	"participants.update_meter",
	"participants.deregister",
	"participants.repay_debt",
	"participants.set_link_caps",
	"participants.limit_link",
	"settlement.settle",
	"settlement.curtail_link",
	"metering.submit_readings",
	"clearing.submit_result",
	"clearing.submit_result_as_authority",
	"validators.add_validator",
	"validators.remove_validator",
];

#[test]
fn every_bad_input_is_refused_with_its_error_and_changes_nothing() {
	dev_chain().execute_with(|| {
		// Slot 29,000,000 of the dev market: well after genesis, so that slots in the past exist.
		let chain = prepare(29_000_000);
		let mut cells = open_phase_cells(&chain);
		// submit_result_as_authority takes only the origin its authorize check gives: dispatched
		// by a signed account it is refused before anything runs.
		cells.push(refused(
			"clearing.submit_result_as_authority",
			"wrong origin",
			signed("//Alice"),
			RuntimeCall::Clearing(pallet_clearing::Call::submit_result_as_authority {
				slot: chain.now + 1,
				result: SplitResult::NoTrade,
				authority: sr25519::Public::from_raw([0; 32]).into(),
				signature: sr25519::Signature::from_raw([0; 64]).into(),
			}),
			DispatchError::BadOrigin,
		));
		let mut failures = Vec::new();
		let mut covered = Vec::new();
		for cell in cells {
			covered.push((cell.call, cell.class));
			failures.extend(check(cell).err());
		}
		// 45 s into the slot: the next slot's gate closed 5 s ago.
		set_time(chain.now * SLOT_MS + 45_000);
		assert_eq!(
			<Orders as MarketClock>::phase(chain.now + 1),
			wattle_primitives::SlotPhase::Clearing
		);
		for cell in closed_gate_cells(&chain) {
			covered.push((cell.call, cell.class));
			failures.extend(check(cell).err());
		}
		let calls: BTreeSet<_> = covered.iter().map(|(call, _)| *call).collect();
		let uncovered: Vec<_> = CALLS.iter().filter(|call| !calls.contains(*call)).collect();
		println!(
			"bad-input matrix: {} cells over {} of {} calls, each refused with its exact error and the storage root unchanged",
			covered.len(),
			calls.len(),
			CALLS.len()
		);
		println!("not applicable:");
		for (call, class, why) in NOT_APPLICABLE {
			println!("  {call} / {class}: {why}");
		}
		assert!(uncovered.is_empty(), "calls without a cell: {uncovered:?}");
		assert!(failures.is_empty(), "{} cells failed:\n{}", failures.len(), failures.join("\n"));
	});
}
