//! Unit tests: every rule a reading must meet, batches, fees.
use crate::{mock::*, pallet::*};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use sp_core::{sr25519, Pair};
use wattle_primitives::{Slot, SlotLedger};

const METERED: Slot = NOW_SLOT - 1;

/// The bytes a meter signs, written out from the interface contract: the 14 ASCII bytes
/// `wattle/reading`, the genesis hash, the account id, then slot, imported and exported as
/// little-endian u64.
fn contract_payload(
	genesis: [u8; 32],
	who: AccountId,
	slot: Slot,
	imported: u64,
	exported: u64,
) -> Vec<u8> {
	let mut bytes = b"wattle/reading".to_vec();
	bytes.extend_from_slice(&genesis);
	bytes.extend_from_slice(&who.encode());
	bytes.extend_from_slice(&slot.to_le_bytes());
	bytes.extend_from_slice(&imported.to_le_bytes());
	bytes.extend_from_slice(&exported.to_le_bytes());
	bytes
}

fn signed_by(
	key: &sr25519::Pair,
	genesis: [u8; 32],
	who: AccountId,
	slot: Slot,
	imported_wh: u64,
	exported_wh: u64,
) -> SignedReading<AccountId> {
	let signature = key.sign(&contract_payload(genesis, who, slot, imported_wh, exported_wh));
	SignedReading { participant: who, slot, imported_wh, exported_wh, signature }
}

fn reading(
	who: AccountId,
	slot: Slot,
	imported_wh: u64,
	exported_wh: u64,
) -> SignedReading<AccountId> {
	signed_by(&meter(who), GENESIS_HASH, who, slot, imported_wh, exported_wh)
}

fn metering_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Metering(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Submits `readings` from `relay` and returns the rejections, by index.
fn relay(
	relay: AccountId,
	readings: Vec<SignedReading<AccountId>>,
) -> (Pays, Vec<(u32, Rejection)>) {
	System::reset_events();
	let info = Metering::submit_readings(RuntimeOrigin::signed(relay), readings)
		.expect("a well-formed batch is accepted as a whole");
	let rejected = metering_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::ReadingRejected { index, reason, .. } => Some((index, reason)),
			_ => None,
		})
		.collect();
	(info.pays_fee, rejected)
}

fn rejection_of(reading: SignedReading<AccountId>) -> Rejection {
	let (_, rejected) = relay(ORACLE, vec![reading]);
	assert_eq!(rejected.len(), 1);
	rejected[0].1
}

#[test]
fn the_signed_bytes_are_exactly_those_of_the_interface_contract() {
	new_test_ext().execute_with(|| {
		assert_eq!(Metering::genesis_hash(), GENESIS_HASH);
		assert_eq!(
			wattle_primitives::reading_payload(&GENESIS_HASH, &HOUSEHOLD, 7, 8, 9),
			contract_payload(GENESIS_HASH, HOUSEHOLD, 7, 8, 9)
		);
	});
}

#[test]
fn an_oracle_relays_a_signed_reading_for_free() {
	new_test_ext().execute_with(|| {
		let (pays, rejected) = relay(ORACLE, vec![reading(HOUSEHOLD, METERED, 40, 7)]);
		assert_eq!((pays, rejected), (Pays::No, vec![]));
		assert_eq!(
			Metering::reading_of(METERED, HOUSEHOLD),
			Some(Reading { imported_wh: 40, exported_wh: 7 })
		);
		assert_eq!(
			<Settlement as SlotLedger<_>>::reading(METERED, &HOUSEHOLD),
			Some(Reading { imported_wh: 40, exported_wh: 7 })
		);
		assert_eq!(
			metering_events(),
			vec![Event::ReadingRecorded {
				slot: METERED,
				participant: HOUSEHOLD,
				imported_wh: 40,
				exported_wh: 7
			}]
		);
	});
}

#[test]
fn the_zone_operator_may_relay_too() {
	new_test_ext().execute_with(|| {
		let (_, rejected) = relay(OPERATOR, vec![reading(HOUSEHOLD, METERED, 1, 0)]);
		assert!(rejected.is_empty());
	});
}

#[test]
fn relays_outside_the_participants_zone_are_rejected() {
	new_test_ext().execute_with(|| {
		for outsider in [OTHER_ORACLE, NEIGHBOUR, STRANGER] {
			let (pays, rejected) = relay(outsider, vec![reading(HOUSEHOLD, METERED, 1, 0)]);
			assert_eq!((pays, rejected), (Pays::Yes, vec![(0, Rejection::NotRelayForZone)]));
		}
		assert_eq!(Metering::reading_of(METERED, HOUSEHOLD), None);
	});
}

#[test]
fn a_household_relays_its_own_reading_if_its_oracle_stays_silent() {
	new_test_ext().execute_with(|| {
		// Its own meter's reading is recorded, free like an oracle's.
		let (pays, rejected) = relay(HOUSEHOLD, vec![reading(HOUSEHOLD, METERED, 12, 3)]);
		assert_eq!((pays, rejected), (Pays::No, vec![]));
		assert_eq!(
			Metering::reading_of(METERED, HOUSEHOLD),
			Some(Reading { imported_wh: 12, exported_wh: 3 })
		);
		// The oracle, late, relays the same reading: recorded once.
		let (pays, rejected) = relay(ORACLE, vec![reading(HOUSEHOLD, METERED, 12, 3)]);
		assert_eq!((pays, rejected), (Pays::Yes, vec![(0, Rejection::Duplicate)]));
		// It relays only its own meter's: a neighbour's reading is refused, and so is its own
		// signed by another meter; the batch pays.
		let (pays, rejected) = relay(HOUSEHOLD, vec![reading(NEIGHBOUR, METERED, 1, 0)]);
		assert_eq!((pays, rejected), (Pays::Yes, vec![(0, Rejection::NotRelayForZone)]));
		let by_another_meter = signed_by(&meter(HOUSEHOLD), GENESIS_HASH, NEIGHBOUR, METERED, 1, 0);
		let (pays, rejected) = relay(NEIGHBOUR, vec![by_another_meter]);
		assert_eq!((pays, rejected), (Pays::Yes, vec![(0, Rejection::BadSignature)]));
		assert_eq!(Metering::reading_of(METERED, NEIGHBOUR), None);
	});
}

#[test]
fn forged_altered_and_foreign_signatures_are_rejected() {
	new_test_ext().execute_with(|| {
		// Signed by the neighbour's meter, not the household's.
		let forged = signed_by(&meter(NEIGHBOUR), GENESIS_HASH, HOUSEHOLD, METERED, 40, 0);
		assert_eq!(rejection_of(forged), Rejection::BadSignature);
		// The oracle lowered the import after the meter signed.
		let mut altered = reading(HOUSEHOLD, METERED, 40, 0);
		altered.imported_wh = 4;
		assert_eq!(rejection_of(altered), Rejection::BadSignature);
		// Signed for another chain.
		let other_chain = signed_by(&meter(HOUSEHOLD), [1; 32], HOUSEHOLD, METERED, 40, 0);
		assert_eq!(rejection_of(other_chain), Rejection::BadSignature);
		// A reading of another slot replayed for this one.
		let mut replayed = reading(HOUSEHOLD, METERED - 1, 40, 0);
		replayed.slot = METERED;
		assert_eq!(rejection_of(replayed), Rejection::BadSignature);
		// Another participant's genuine reading claimed for the household.
		let mut stolen = reading(NEIGHBOUR, METERED, 40, 0);
		stolen.participant = HOUSEHOLD;
		assert_eq!(rejection_of(stolen), Rejection::BadSignature);
		assert_eq!(pallet_settlement::Positions::<Test>::iter().count(), 0);
	});
}

#[test]
fn readings_of_unregistered_accounts_are_rejected() {
	new_test_ext().execute_with(|| {
		assert_eq!(rejection_of(reading(STRANGER, METERED, 1, 0)), Rejection::UnknownParticipant);
	});
}

#[test]
fn readings_are_accepted_only_within_the_metering_window() {
	new_test_ext().execute_with(|| {
		assert_eq!(rejection_of(reading(HOUSEHOLD, NOW_SLOT, 1, 0)), Rejection::SlotNotOver);
		assert_eq!(rejection_of(reading(HOUSEHOLD, NOW_SLOT + 1, 1, 0)), Rejection::SlotNotOver);
		// The window of slot METERED runs 30 s past its end: to 30 s into NOW_SLOT.
		set_time(NOW_SLOT, 30);
		assert_eq!(rejection_of(reading(HOUSEHOLD, METERED, 1, 0)), Rejection::WindowClosed);
		set_time(NOW_SLOT, 29);
		let (_, rejected) = relay(ORACLE, vec![reading(HOUSEHOLD, METERED, 1, 0)]);
		assert!(rejected.is_empty());
		set_time(NOW_SLOT, 0);
		let (_, rejected) = relay(ORACLE, vec![reading(NEIGHBOUR, METERED, 1, 0)]);
		assert!(rejected.is_empty());
	});
}

#[test]
fn one_reading_per_meter_and_slot() {
	new_test_ext().execute_with(|| {
		let (_, rejected) = relay(
			ORACLE,
			vec![reading(HOUSEHOLD, METERED, 40, 0), reading(HOUSEHOLD, METERED, 41, 0)],
		);
		assert_eq!(rejected, vec![(1, Rejection::Duplicate)]);
		assert_eq!(rejection_of(reading(HOUSEHOLD, METERED, 40, 0)), Rejection::Duplicate);
		assert_eq!(Metering::reading_of(METERED, HOUSEHOLD).map(|r| r.imported_wh), Some(40));
	});
}

#[test]
fn values_above_the_connection_capacity_are_rejected() {
	new_test_ext().execute_with(|| {
		assert_eq!(
			rejection_of(reading(HOUSEHOLD, METERED, CAPACITY_WH + 1, 0)),
			Rejection::AboveConnectionCapacity
		);
		assert_eq!(
			rejection_of(reading(HOUSEHOLD, METERED, 0, CAPACITY_WH + 1)),
			Rejection::AboveConnectionCapacity
		);
		let (_, rejected) =
			relay(ORACLE, vec![reading(HOUSEHOLD, METERED, CAPACITY_WH, CAPACITY_WH)]);
		assert!(rejected.is_empty());
	});
}

#[test]
fn a_mixed_batch_records_the_valid_readings_reports_the_rest_and_pays_its_fee() {
	new_test_ext().execute_with(|| {
		let (pays, rejected) = relay(
			ORACLE,
			vec![
				reading(HOUSEHOLD, METERED, 10, 0),
				reading(STRANGER, METERED, 10, 0),
				reading(NEIGHBOUR, METERED, 20, 0),
			],
		);
		assert_eq!((pays, rejected), (Pays::Yes, vec![(1, Rejection::UnknownParticipant)]));
		assert_eq!(pallet_settlement::Positions::<Test>::iter_prefix(METERED).count(), 2);
	});
}

#[test]
fn empty_and_oversized_batches_are_refused_whole() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Metering::submit_readings(RuntimeOrigin::signed(ORACLE), vec![]),
			Error::<Test>::EmptyBatch
		);
		let five = (0..5).map(|_| reading(HOUSEHOLD, METERED, 1, 0)).collect::<Vec<_>>();
		assert_noop!(
			Metering::submit_readings(RuntimeOrigin::signed(ORACLE), five),
			Error::<Test>::BatchTooLarge
		);
		assert_ok!(Metering::submit_readings(
			RuntimeOrigin::signed(ORACLE),
			vec![reading(HOUSEHOLD, METERED, 1, 0)]
		));
	});
}
