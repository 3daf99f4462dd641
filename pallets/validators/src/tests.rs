use crate::{mock::*, ChangeStage, Error, Event, Stage, Validators as ValidatorSet};
use frame_support::{assert_noop, assert_ok, traits::EstimateNextSessionRotation};
use pallet_session::{SessionManager, ShouldEndSession};
use sp_runtime::DispatchError;

fn set() -> Vec<AccountId> {
	ValidatorSet::<Test>::get().into_inner()
}

/// What `pallet-session` does at a change of session: starts the next session, then plans the
/// one after it.
fn rotate(index: u32) -> Option<Vec<AccountId>> {
	<Validators as SessionManager<AccountId>>::end_session(index);
	<Validators as SessionManager<AccountId>>::start_session(index + 1);
	<Validators as SessionManager<AccountId>>::new_session(index + 2)
}

#[test]
fn genesis_validators_are_the_first_sessions_validators() {
	new_test_ext().execute_with(|| {
		assert_eq!(set(), vec![1, 2]);
		assert_eq!(
			<Validators as SessionManager<AccountId>>::new_session_genesis(0),
			Some(vec![1, 2])
		);
		assert_eq!(Stage::<Test>::get(), ChangeStage::Settled);
		assert_ok!(Validators::do_try_state());
	});
}

#[test]
fn only_the_manager_changes_the_set() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(3), 3),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::signed(1), 2),
			DispatchError::BadOrigin
		);
		assert_eq!(Stage::<Test>::get(), ChangeStage::Settled);
	});
}

#[test]
fn a_validator_without_session_keys_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::NoSessionKeys
		);
	});
}

#[test]
fn the_set_holds_each_account_once_and_stays_within_its_bounds() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 3));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::TooManyValidators
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::NotValidator
		);
		for who in [1, 2, 3] {
			assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), who));
		}
		assert_eq!(set(), vec![4]);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 4),
			Error::<Test>::TooFewValidators
		);
		assert_ok!(Validators::do_try_state());
	});
}

#[test]
fn a_change_is_queued_at_the_next_block_and_active_at_the_one_after() {
	new_test_ext().execute_with(|| {
		assert!(!Validators::should_end_session(3));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 3));
		System::assert_last_event(Event::ValidatorAdded { who: 3 }.into());
		assert_eq!(Validators::estimate_next_session_rotation(3).0, Some(4));

		// Block 4: the session ends and the changed set is planned for the session after it.
		assert!(Validators::should_end_session(4));
		assert_eq!(rotate(0), Some(vec![1, 2, 3]));
		System::assert_last_event(Event::ValidatorSetQueued { count: 3 }.into());
		assert_eq!(Stage::<Test>::get(), ChangeStage::Queued);

		// Block 5: the session ends again and the queued set becomes active; nothing more is planned.
		assert!(Validators::should_end_session(5));
		assert_eq!(rotate(1), None);
		assert_eq!(Stage::<Test>::get(), ChangeStage::Settled);
		assert!(!Validators::should_end_session(6));
	});
}

#[test]
fn a_change_while_one_is_queued_is_planned_at_the_next_session() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 3));
		assert_eq!(rotate(0), Some(vec![1, 2, 3]));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 1));
		assert_eq!(Stage::<Test>::get(), ChangeStage::Changed);
		// The set queued before becomes active, and the newest one is planned after it.
		assert_eq!(rotate(1), Some(vec![2, 3]));
		assert_eq!(rotate(2), None);
		assert_eq!(Stage::<Test>::get(), ChangeStage::Settled);
	});
}

#[test]
fn without_changes_sessions_end_every_session_length_blocks_and_keep_the_set() {
	new_test_ext().execute_with(|| {
		let ends: Vec<u64> =
			(1..=3 * SESSION_LENGTH).filter(|n| Validators::should_end_session(*n)).collect();
		assert_eq!(ends, vec![SESSION_LENGTH, 2 * SESSION_LENGTH, 3 * SESSION_LENGTH]);
		assert_eq!(rotate(0), None);
		assert_eq!(Validators::estimate_next_session_rotation(3).0, Some(SESSION_LENGTH));
	});
}
