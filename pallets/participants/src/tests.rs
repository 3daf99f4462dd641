//! Unit tests: every call, every error (with nothing changed), every event.
use crate::{mock::*, pallet::*, AdmissionStatus, Role, Tariffs, MAX_REPUTATION};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use sp_runtime::DispatchError;
use wattle_primitives::ParticipantRegistry;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Participants(e) => Some(e),
			_ => None,
		})
		.expect("an event of this pallet was deposited")
}

fn held(who: AccountId) -> u128 {
	Balances::balance_on_hold(&RuntimeHoldReason::Participants(HoldReason::Registration), &who)
}

fn reason(text: &str) -> BoundedVec<u8, <Test as Config>::MaxReasonLen> {
	BoundedVec::try_from(text.as_bytes().to_vec()).expect("short reason; qed")
}

fn register_newcomer() {
	assert_ok!(Participants::register(
		signed(NEWCOMER),
		Role::Consumer,
		ZONE,
		meter("//11//meter"),
		3_000
	));
}

mod zones {
	use super::*;

	#[test]
	fn root_creates_a_zone_with_operator_and_tariffs() {
		run_test(|| {
			assert_ok!(Participants::create_zone(RuntimeOrigin::root(), 5, 40, tariffs()));
			assert_eq!(
				Zones::<Test>::get(5).map(|z| (z.operator, z.tariffs)),
				Some((40, tariffs()))
			);
			assert_eq!(OperatorZone::<Test>::get(40), Some(5));
			assert_eq!(
				last_event(),
				Event::ZoneCreated { zone: 5, operator: 40, tariffs: tariffs() }
			);
		});
	}

	#[test]
	fn only_root_creates_zones() {
		run_test(|| {
			assert_noop!(
				Participants::create_zone(signed(OPERATOR), 5, 40, tariffs()),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn an_existing_zone_id_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::create_zone(RuntimeOrigin::root(), ZONE, 40, tariffs()),
				Error::<Test>::ZoneExists
			);
		});
	}

	#[test]
	fn an_operator_runs_one_zone_only() {
		run_test(|| {
			assert_noop!(
				Participants::create_zone(RuntimeOrigin::root(), 5, OPERATOR, tariffs()),
				Error::<Test>::OperatorAlreadyAssigned
			);
		});
	}

	#[test]
	fn tariffs_that_overflow_with_the_largest_energy_are_refused() {
		run_test(|| {
			// The largest energy is MAX_POWER_W Wh (MAX_POWER_W watts over a one-hour slot).
			let limit = u128::MAX / MAX_POWER_W as u128;
			let overflowing = Tariffs { grid_fee: limit + 1, ..tariffs() };
			assert_noop!(
				Participants::create_zone(RuntimeOrigin::root(), 5, 40, overflowing),
				Error::<Test>::TariffsOverflow
			);
			// Each tariff fits alone, but a buyer's fee plus retail does not.
			let together = Tariffs {
				grid_fee: limit / 2 + 1,
				retail_price: limit / 2 + 1,
				feed_in_price: 0,
				..tariffs()
			};
			assert_noop!(
				Participants::set_tariffs(signed(OPERATOR), ZONE, together),
				Error::<Test>::TariffsOverflow
			);
			let penalty = Tariffs { missing_reading_penalty: u128::MAX, ..tariffs() };
			assert_noop!(
				Participants::set_tariffs(signed(OPERATOR), ZONE, penalty),
				Error::<Test>::TariffsOverflow
			);
			// Retail fits one connection's energy but not the largest imbalance, twice that: a
			// household that sold its whole connection and drew its whole connection instead.
			let retail = Tariffs {
				grid_fee: 0,
				seller_collateral: 0,
				retail_price: limit / 2 + 1,
				..tariffs()
			};
			assert_noop!(
				Participants::set_tariffs(signed(OPERATOR), ZONE, retail),
				Error::<Test>::TariffsOverflow
			);
			let retail = Tariffs { retail_price: limit / 4, ..tariffs() };
			assert_ok!(Participants::set_tariffs(signed(OPERATOR), ZONE, retail));
		});
	}

	#[test]
	fn feed_in_above_retail_is_refused() {
		run_test(|| {
			let inverted = Tariffs { feed_in_price: tariffs().retail_price + 1, ..tariffs() };
			assert_noop!(
				Participants::set_tariffs(signed(OPERATOR), ZONE, inverted),
				Error::<Test>::FeedInAboveRetail
			);
		});
	}

	#[test]
	fn the_operator_sets_its_zones_tariffs() {
		run_test(|| {
			let new = Tariffs { grid_fee: 1, ..tariffs() };
			assert_ok!(Participants::set_tariffs(signed(OPERATOR), ZONE, new));
			assert_eq!(Zones::<Test>::get(ZONE).map(|z| z.tariffs), Some(new));
			assert_eq!(last_event(), Event::TariffsChanged { zone: ZONE, tariffs: new });
		});
	}

	#[test]
	fn nobody_else_sets_a_zones_tariffs() {
		run_test(|| {
			assert_noop!(
				Participants::set_tariffs(signed(OTHER_OPERATOR), ZONE, tariffs()),
				Error::<Test>::NotZoneOperator
			);
			assert_noop!(
				Participants::set_tariffs(signed(OPERATOR), 99, tariffs()),
				Error::<Test>::UnknownZone
			);
		});
	}
}

mod registration {
	use super::*;

	#[test]
	fn registering_holds_the_deposit_and_waits_for_approval() {
		run_test(|| {
			let free_before = Balances::balance(&NEWCOMER);
			register_newcomer();
			let p = Participants::participant(NEWCOMER).expect("registered");
			assert_eq!(p.status, AdmissionStatus::Pending);
			assert_eq!((p.role, p.zone, p.max_power_w), (Role::Consumer, ZONE, 3_000));
			assert_eq!((p.reputation, p.debt), (500, 0));
			assert_eq!(held(NEWCOMER), DEPOSIT);
			assert_eq!(Balances::balance(&NEWCOMER), free_before - DEPOSIT);
			assert_eq!(MeterOwners::<Test>::get(meter("//11//meter")), Some(NEWCOMER));
			assert_eq!(
				last_event(),
				Event::Registered {
					who: NEWCOMER,
					role: Role::Consumer,
					zone: ZONE,
					meter_key: meter("//11//meter"),
					max_power_w: 3_000,
					deposit: DEPOSIT,
				}
			);
		});
	}

	#[test]
	fn registering_twice_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::register(
					signed(HOUSEHOLD),
					Role::Consumer,
					ZONE,
					meter("//other"),
					1_000
				),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn an_unknown_zone_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::register(signed(NEWCOMER), Role::Consumer, 99, meter("//m"), 1_000),
				Error::<Test>::UnknownZone
			);
		});
	}

	#[test]
	fn zero_or_absurd_connection_capacity_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::register(signed(NEWCOMER), Role::Consumer, ZONE, meter("//m"), 0),
				Error::<Test>::ZeroMaxPower
			);
			assert_noop!(
				Participants::register(
					signed(NEWCOMER),
					Role::Consumer,
					ZONE,
					meter("//m"),
					MAX_POWER_W + 1
				),
				Error::<Test>::MaxPowerTooHigh
			);
			assert_ok!(Participants::register(
				signed(NEWCOMER),
				Role::Consumer,
				ZONE,
				meter("//m"),
				MAX_POWER_W
			));
		});
	}

	#[test]
	fn a_meter_already_in_use_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::register(
					signed(NEWCOMER),
					Role::Consumer,
					ZONE,
					meter("//10//meter"),
					1_000
				),
				Error::<Test>::MeterKeyInUse
			);
		});
	}

	#[test]
	fn without_funds_for_the_deposit_registration_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::register(signed(PAUPER), Role::Consumer, ZONE, meter("//m"), 1_000),
				Error::<Test>::InsufficientDeposit
			);
			assert_eq!(Balances::balance(&PAUPER), 0);
		});
	}
}

mod operator_decisions {
	use super::*;

	#[test]
	fn the_operator_approves_a_pending_participant() {
		run_test(|| {
			register_newcomer();
			assert_eq!(Participants::participant(NEWCOMER).unwrap().billed_from, None);
			// In slot 7 of the quarter-hour market: billed from slot 8 on.
			NowSecs::set(7 * 900 + 100);
			assert_ok!(Participants::approve(signed(OPERATOR), NEWCOMER));
			let p = Participants::participant(NEWCOMER).unwrap();
			assert_eq!((p.status, p.billed_from), (AdmissionStatus::Approved, Some(8)));
			assert_eq!(last_event(), Event::Approved { who: NEWCOMER, zone: ZONE });
		});
	}

	#[test]
	fn a_meter_swap_back_to_pending_keeps_the_household_billed() {
		run_test(|| {
			register_newcomer();
			NowSecs::set(7 * 900);
			assert_ok!(Participants::approve(signed(OPERATOR), NEWCOMER));
			assert_ok!(Participants::update_meter(signed(NEWCOMER), meter("//11//meter2")));
			NowSecs::set(20 * 900);
			assert_ok!(Participants::approve(signed(OPERATOR), NEWCOMER));
			assert_eq!(Participants::participant(NEWCOMER).unwrap().billed_from, Some(8));
		});
	}

	#[test]
	fn only_that_zones_operator_approves_suspends_and_reinstates() {
		run_test(|| {
			register_newcomer();
			for outsider in [OTHER_OPERATOR, ORACLE, HOUSEHOLD, NEWCOMER] {
				assert_noop!(
					Participants::approve(signed(outsider), NEWCOMER),
					Error::<Test>::NotZoneOperator
				);
				assert_noop!(
					Participants::suspend(signed(outsider), HOUSEHOLD, reason("x")),
					Error::<Test>::NotZoneOperator
				);
			}
			assert_ok!(Participants::suspend(signed(OPERATOR), HOUSEHOLD, reason("x")));
			assert_noop!(
				Participants::reinstate(signed(OTHER_OPERATOR), HOUSEHOLD),
				Error::<Test>::NotZoneOperator
			);
		});
	}

	#[test]
	fn approving_an_approved_or_unknown_account_is_refused() {
		run_test(|| {
			assert_noop!(
				Participants::approve(signed(OPERATOR), HOUSEHOLD),
				Error::<Test>::AlreadyApproved
			);
			assert_noop!(
				Participants::approve(signed(OPERATOR), NEWCOMER),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn suspension_records_the_reason_and_reinstatement_approves_again() {
		run_test(|| {
			assert_ok!(Participants::suspend(signed(OPERATOR), HOUSEHOLD, reason("meter tamper")));
			assert_eq!(
				Participants::participant(HOUSEHOLD).map(|p| p.status),
				Some(AdmissionStatus::Suspended)
			);
			assert_eq!(SuspensionReasons::<Test>::get(HOUSEHOLD), Some(reason("meter tamper")));
			assert_eq!(
				last_event(),
				Event::Suspended { who: HOUSEHOLD, zone: ZONE, reason: reason("meter tamper") }
			);
			assert_noop!(
				Participants::suspend(signed(OPERATOR), HOUSEHOLD, reason("again")),
				Error::<Test>::AlreadySuspended
			);
			assert_noop!(
				Participants::approve(signed(OPERATOR), HOUSEHOLD),
				Error::<Test>::IsSuspended
			);
			assert_ok!(Participants::reinstate(signed(OPERATOR), HOUSEHOLD));
			assert_eq!(
				Participants::participant(HOUSEHOLD).map(|p| p.status),
				Some(AdmissionStatus::Approved)
			);
			assert_eq!(SuspensionReasons::<Test>::get(HOUSEHOLD), None);
			assert_eq!(last_event(), Event::Reinstated { who: HOUSEHOLD, zone: ZONE });
			assert_noop!(
				Participants::reinstate(signed(OPERATOR), HOUSEHOLD),
				Error::<Test>::NotSuspended
			);
		});
	}
}

mod oracles {
	use super::*;

	#[test]
	fn the_operator_adds_and_removes_oracles_of_its_zone() {
		run_test(|| {
			assert_ok!(Participants::add_oracle(signed(OPERATOR), 30));
			assert_eq!(Oracles::<Test>::get(ZONE).into_inner(), vec![ORACLE, 30]);
			assert_eq!(last_event(), Event::OracleAdded { zone: ZONE, oracle: 30 });
			assert!(<Participants as ParticipantRegistry<_>>::is_meter_relay(ZONE, &30));
			assert_ok!(Participants::remove_oracle(signed(OPERATOR), 30));
			assert_eq!(Oracles::<Test>::get(ZONE).into_inner(), vec![ORACLE]);
			assert_eq!(last_event(), Event::OracleRemoved { zone: ZONE, oracle: 30 });
			assert!(!<Participants as ParticipantRegistry<_>>::is_meter_relay(ZONE, &30));
		});
	}

	#[test]
	fn relays_are_the_operator_and_the_zones_oracles_only() {
		run_test(|| {
			assert!(<Participants as ParticipantRegistry<_>>::is_meter_relay(ZONE, &OPERATOR));
			assert!(<Participants as ParticipantRegistry<_>>::is_meter_relay(ZONE, &ORACLE));
			assert!(!<Participants as ParticipantRegistry<_>>::is_meter_relay(OTHER_ZONE, &ORACLE));
			assert!(!<Participants as ParticipantRegistry<_>>::is_meter_relay(ZONE, &HOUSEHOLD));
		});
	}

	#[test]
	fn oracle_changes_by_non_operators_duplicates_and_overflow_are_refused() {
		run_test(|| {
			assert_noop!(
				Participants::add_oracle(signed(HOUSEHOLD), 30),
				Error::<Test>::NotZoneOperator
			);
			assert_noop!(
				Participants::remove_oracle(signed(HOUSEHOLD), ORACLE),
				Error::<Test>::NotZoneOperator
			);
			assert_noop!(
				Participants::add_oracle(signed(OPERATOR), ORACLE),
				Error::<Test>::AlreadyOracle
			);
			assert_noop!(
				Participants::remove_oracle(signed(OTHER_OPERATOR), ORACLE),
				Error::<Test>::NotOracle
			);
			assert_ok!(Participants::add_oracle(signed(OPERATOR), 30));
			assert_noop!(
				Participants::add_oracle(signed(OPERATOR), 31),
				Error::<Test>::TooManyOracles
			);
		});
	}
}

mod meters {
	use super::*;

	#[test]
	fn a_new_meter_key_needs_approval_again() {
		run_test(|| {
			assert_ok!(Participants::update_meter(signed(HOUSEHOLD), meter("//10//meter2")));
			let p = Participants::participant(HOUSEHOLD).expect("registered");
			assert_eq!((p.meter_key, p.status), (meter("//10//meter2"), AdmissionStatus::Pending));
			assert_eq!(MeterOwners::<Test>::get(meter("//10//meter")), None);
			assert_eq!(MeterOwners::<Test>::get(meter("//10//meter2")), Some(HOUSEHOLD));
			assert_eq!(
				last_event(),
				Event::MeterUpdated { who: HOUSEHOLD, meter_key: meter("//10//meter2") }
			);
		});
	}

	#[test]
	fn a_suspended_participant_stays_suspended_after_a_meter_change() {
		run_test(|| {
			assert_ok!(Participants::suspend(signed(OPERATOR), HOUSEHOLD, reason("x")));
			assert_ok!(Participants::update_meter(signed(HOUSEHOLD), meter("//10//meter2")));
			assert_eq!(
				Participants::participant(HOUSEHOLD).map(|p| p.status),
				Some(AdmissionStatus::Suspended)
			);
		});
	}

	#[test]
	fn meter_updates_that_change_nothing_or_steal_a_key_are_refused() {
		run_test(|| {
			register_newcomer();
			assert_noop!(
				Participants::update_meter(signed(HOUSEHOLD), meter("//10//meter")),
				Error::<Test>::SameMeterKey
			);
			assert_noop!(
				Participants::update_meter(signed(HOUSEHOLD), meter("//11//meter")),
				Error::<Test>::MeterKeyInUse
			);
			assert_noop!(
				Participants::update_meter(signed(PAUPER), meter("//12//meter")),
				Error::<Test>::NotRegistered
			);
		});
	}
}

mod leaving_and_debt {
	use super::*;

	fn owe(who: AccountId, amount: u128) {
		assert_ok!(<Participants as ParticipantRegistry<_>>::add_debt(&who, amount));
	}

	#[test]
	fn deregistering_releases_the_deposit_and_forgets_the_participant() {
		run_test(|| {
			let total_before = Balances::total_balance(&HOUSEHOLD);
			let issuance = Balances::total_issuance();
			assert_ok!(Participants::deregister(signed(HOUSEHOLD)));
			assert_eq!(held(HOUSEHOLD), 0);
			assert_eq!(Balances::balance(&HOUSEHOLD), total_before);
			assert_eq!(Balances::total_issuance(), issuance);
			assert_eq!(Participants::participant(HOUSEHOLD), None);
			assert_eq!(MeterOwners::<Test>::get(meter("//10//meter")), None);
			assert_eq!(
				last_event(),
				Event::Deregistered { who: HOUSEHOLD, deposit_released: DEPOSIT }
			);
		});
	}

	#[test]
	fn deregistering_with_open_orders_or_unsettled_slots_is_refused() {
		run_test(|| {
			OpenObligations::set(vec![HOUSEHOLD]);
			assert_noop!(
				Participants::deregister(signed(HOUSEHOLD)),
				Error::<Test>::HasOpenObligations
			);
			assert_eq!(held(HOUSEHOLD), DEPOSIT);
		});
	}

	#[test]
	fn deregistering_in_debt_is_refused() {
		run_test(|| {
			owe(HOUSEHOLD, 10);
			assert_noop!(Participants::deregister(signed(HOUSEHOLD)), Error::<Test>::HasDebt);
			assert_noop!(Participants::deregister(signed(NEWCOMER)), Error::<Test>::NotRegistered);
		});
	}

	#[test]
	fn debt_is_recorded_and_repaid_to_the_zone_operator() {
		run_test(|| {
			owe(HOUSEHOLD, 400);
			assert_eq!(
				last_event(),
				Event::DebtIncurred { who: HOUSEHOLD, amount: 400, total: 400 }
			);
			let household_before = Balances::balance(&HOUSEHOLD);
			let operator_before = Balances::balance(&OPERATOR);
			let issuance = Balances::total_issuance();
			assert_ok!(Participants::repay_debt(signed(HOUSEHOLD)));
			assert_eq!(Balances::balance(&HOUSEHOLD), household_before - 400);
			assert_eq!(Balances::balance(&OPERATOR), operator_before + 400);
			assert_eq!(Balances::total_issuance(), issuance);
			assert_eq!(Participants::participant(HOUSEHOLD).map(|p| p.debt), Some(0));
			assert_eq!(
				last_event(),
				Event::DebtRepaid { who: HOUSEHOLD, amount: 400, remaining: 0 }
			);
			assert_noop!(Participants::repay_debt(signed(HOUSEHOLD)), Error::<Test>::NoDebt);
		});
	}

	#[test]
	fn repayment_is_partial_when_the_balance_is_short_and_keeps_the_account_alive() {
		run_test(|| {
			owe(HOUSEHOLD, 10 * START_BALANCE);
			let free = Balances::balance(&HOUSEHOLD);
			assert_ok!(Participants::repay_debt(signed(HOUSEHOLD)));
			// Everything but the existential deposit went to the operator.
			let paid = free - 1;
			assert_eq!(Balances::balance(&HOUSEHOLD), 1);
			assert_eq!(held(HOUSEHOLD), DEPOSIT);
			assert_eq!(
				last_event(),
				Event::DebtRepaid {
					who: HOUSEHOLD,
					amount: paid,
					remaining: 10 * START_BALANCE - paid
				}
			);
			assert_noop!(
				Participants::repay_debt(signed(HOUSEHOLD)),
				Error::<Test>::NothingToRepay
			);
		});
	}

	#[test]
	fn debt_that_would_overflow_is_refused() {
		run_test(|| {
			owe(HOUSEHOLD, u128::MAX);
			assert_noop!(
				<Participants as ParticipantRegistry<_>>::add_debt(&HOUSEHOLD, 1),
				Error::<Test>::DebtOverflow
			);
		});
	}

	#[test]
	fn reputation_moves_within_zero_and_the_maximum() {
		run_test(|| {
			<Participants as ParticipantRegistry<_>>::adjust_reputation(&HOUSEHOLD, 10_000);
			assert_eq!(
				Participants::participant(HOUSEHOLD).map(|p| p.reputation),
				Some(MAX_REPUTATION)
			);
			assert_eq!(
				last_event(),
				Event::ReputationChanged { who: HOUSEHOLD, reputation: MAX_REPUTATION }
			);
			<Participants as ParticipantRegistry<_>>::adjust_reputation(&HOUSEHOLD, -5_000);
			assert_eq!(Participants::participant(HOUSEHOLD).map(|p| p.reputation), Some(0));
		});
	}
}

#[test]
fn genesis_admits_zones_oracles_and_approved_participants_with_deposits() {
	run_test(|| {
		assert_eq!(Zones::<Test>::get(ZONE).map(|z| z.operator), Some(OPERATOR));
		assert_eq!(Oracles::<Test>::get(ZONE).into_inner(), vec![ORACLE]);
		let p = Participants::participant(HOUSEHOLD).expect("genesis participant");
		assert_eq!((p.status, p.role), (AdmissionStatus::Approved, Role::Prosumer));
		assert_eq!(held(HOUSEHOLD), DEPOSIT);
		assert_eq!(Balances::balance(&HOUSEHOLD), START_BALANCE - DEPOSIT);
	});
}

mod migration_to_v1 {
	use super::*;
	use crate::migrations::v1::{MigrateToV1, ParticipantInfoV0};
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	fn put_v0(who: AccountId, status: AdmissionStatus) {
		let old = ParticipantInfoV0 {
			role: Role::Consumer,
			zone: ZONE,
			status,
			meter_key: meter(&format!("//{who}//meter")),
			max_power_w: 5_000,
			reputation: 420,
			debt: 7,
		};
		frame_support::storage::unhashed::put_raw(
			&Registry::<Test>::hashed_key_for(who),
			&old.encode(),
		);
	}

	#[test]
	fn v0_participants_gain_billed_from_and_the_version_moves_to_1() {
		new_test_ext().execute_with(|| {
			StorageVersion::new(0).put::<Participants>();
			put_v0(HOUSEHOLD, AdmissionStatus::Approved);
			put_v0(NEWCOMER, AdmissionStatus::Pending);
			NowSecs::set(30 * 900 + 5);
			MigrateToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Participants::on_chain_storage_version(), 1);
			let approved = Participants::participant(HOUSEHOLD).expect("decodes as v1");
			assert_eq!(
				(approved.reputation, approved.debt, approved.billed_from),
				(420, 7, Some(31))
			);
			assert_eq!(Participants::participant(NEWCOMER).unwrap().billed_from, None);
			// Run again, at version 1: nothing changes.
			NowSecs::set(40 * 900);
			MigrateToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Participants::participant(HOUSEHOLD).unwrap().billed_from, Some(31));
		});
	}

	#[test]
	fn a_new_chain_starts_at_the_latest_version_with_its_households_billed_from_slot_0() {
		use sp_runtime::BuildStorage;
		let genesis = RuntimeGenesisConfig::default().build_storage().unwrap();
		sp_io::TestExternalities::new(genesis).execute_with(|| {
			assert_eq!(Participants::on_chain_storage_version(), 2);
		});
		new_test_ext().execute_with(|| {
			assert_eq!(Participants::participant(HOUSEHOLD).unwrap().billed_from, Some(0));
		});
	}
}

mod links {
	use super::*;
	use wattle_primitives::{GridLinks, MarketClock, MarketConfig, ZoneLink, MAX_ZONES};

	fn link(zone: u32, export_cap_wh: u64, import_cap_wh: u64) -> ZoneLink {
		ZoneLink { zone, export_cap_wh, import_cap_wh }
	}

	/// A time at which slot 1_000 is open and its gate closes in `secs` seconds.
	fn gate_of_slot_1000_in(secs: u64) {
		let config = MarketConfig::default();
		NowSecs::set(config.slot_start(1_000) - config.gate_closure_secs - secs);
	}

	#[test]
	fn every_zone_starts_with_an_unbounded_link_in_zone_order() {
		run_test(|| {
			assert_ok!(Participants::create_zone(RuntimeOrigin::root(), 3, 40, tariffs()));
			assert_eq!(
				Participants::links(1_000),
				vec![
					ZoneLink::unbounded(ZONE),
					ZoneLink::unbounded(3),
					ZoneLink::unbounded(OTHER_ZONE)
				]
			);
		});
	}

	#[test]
	fn the_operator_sets_its_zones_default_caps() {
		run_test(|| {
			assert_ok!(Participants::set_link_caps(signed(OPERATOR), 5_000, 8_000));
			assert_eq!(
				last_event(),
				Event::LinkCapsSet { zone: ZONE, export_cap_wh: 5_000, import_cap_wh: 8_000 }
			);
			assert_eq!(Participants::links(1)[0], link(ZONE, 5_000, 8_000));
			assert_noop!(
				Participants::set_link_caps(signed(HOUSEHOLD), 1, 1),
				Error::<Test>::NotZoneOperator
			);
		});
	}

	#[test]
	fn a_slot_is_limited_below_the_defaults_until_its_gate_closes() {
		run_test(|| {
			assert_ok!(Participants::set_link_caps(signed(OPERATOR), 5_000, 8_000));
			gate_of_slot_1000_in(1);
			assert_noop!(
				Participants::limit_link(signed(OPERATOR), 1_000, 5_001, 0),
				Error::<Test>::AboveDefaultCaps
			);
			assert_noop!(
				Participants::limit_link(signed(OTHER_ZONE as u64 + 100), 1_000, 0, 0),
				Error::<Test>::NotZoneOperator
			);
			assert_ok!(Participants::limit_link(signed(OPERATOR), 1_000, 2_000, 0));
			assert_eq!(
				last_event(),
				Event::LinkLimited {
					zone: ZONE,
					slot: 1_000,
					export_cap_wh: 2_000,
					import_cap_wh: 0
				}
			);
			assert_eq!(Participants::links(1_000)[0], link(ZONE, 2_000, 0));
			assert_eq!(Participants::links(1_001)[0], link(ZONE, 5_000, 8_000));
			gate_of_slot_1000_in(0);
			assert_noop!(
				Participants::limit_link(signed(OPERATOR), 1_000, 1_000, 0),
				Error::<Test>::GateClosed
			);
			<Participants as GridLinks>::forget(1_000);
			assert_eq!(Participants::links(1_000)[0], link(ZONE, 5_000, 8_000));
		});
	}

	#[test]
	fn new_defaults_leave_a_slot_in_clearing_with_the_caps_it_is_cleared_under() {
		run_test(|| {
			assert_ok!(Participants::set_link_caps(signed(OPERATOR), 5_000, 8_000));
			gate_of_slot_1000_in(0);
			assert_eq!(MockClock::phase(1_000), wattle_primitives::SlotPhase::Clearing);
			assert_ok!(Participants::set_link_caps(signed(OPERATOR), 1_000, 1_000));
			assert_eq!(Participants::links(1_000)[0], link(ZONE, 5_000, 8_000));
			assert_eq!(Participants::links(1_001)[0], link(ZONE, 1_000, 1_000));
		});
	}

	#[test]
	fn a_market_has_at_most_max_zones_zones() {
		run_test(|| {
			let existing = Links::<Test>::get().len() as u32;
			for zone in existing..MAX_ZONES {
				let operator = 1_000 + zone as u64;
				assert_ok!(Participants::create_zone(
					RuntimeOrigin::root(),
					100 + zone,
					operator,
					tariffs()
				));
			}
			assert_noop!(
				Participants::create_zone(RuntimeOrigin::root(), 999, 5_000, tariffs()),
				Error::<Test>::TooManyZones
			);
		});
	}

	#[test]
	fn migration_to_v2_links_every_zone_unbounded() {
		use crate::migrations::v2::MigrateToV2;
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
		new_test_ext().execute_with(|| {
			Links::<Test>::kill();
			StorageVersion::new(1).put::<Participants>();
			MigrateToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Participants::on_chain_storage_version(), 2);
			assert_eq!(
				Participants::links(0),
				vec![ZoneLink::unbounded(ZONE), ZoneLink::unbounded(OTHER_ZONE)]
			);
			assert_ok!(Participants::do_try_state());
		});
	}
}
