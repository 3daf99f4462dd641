//! What `pallet-session` asks of the validator set: the validators of the next session, and when a
//! session ends (every `SessionLength` blocks, and at once while a change is on its way).
use crate::{ChangeStage, Config, Event, Pallet, Stage, Validators};
use alloc::vec::Vec;
use frame_support::traits::{EstimateNextSessionRotation, Get, GetDefault};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_session::{PeriodicSessions, SessionManager, ShouldEndSession};
use sp_runtime::{traits::One, Permill, Saturating};
use sp_staking::SessionIndex;

type Periodic<T> = PeriodicSessions<<T as Config>::SessionLength, GetDefault>;

impl<T: Config> SessionManager<T::AccountId> for Pallet<T> {
	/// The changed set, once; `None` (keep the set) otherwise, so that a session without a change
	/// does not make GRANDPA start a new authority set.
	fn new_session(_planned: SessionIndex) -> Option<Vec<T::AccountId>> {
		if Stage::<T>::get() != ChangeStage::Changed {
			return None;
		}
		Stage::<T>::put(ChangeStage::Queued);
		let validators = Validators::<T>::get().into_inner();
		Self::deposit_event(Event::ValidatorSetQueued { count: validators.len() as u32 });
		Some(validators)
	}

	fn new_session_genesis(_planned: SessionIndex) -> Option<Vec<T::AccountId>> {
		let validators = Validators::<T>::get().into_inner();
		(!validators.is_empty()).then_some(validators)
	}

	/// The session that starts runs the set queued at the previous change of session.
	fn start_session(_started: SessionIndex) {
		if Stage::<T>::get() == ChangeStage::Queued {
			Stage::<T>::kill();
		}
	}

	fn end_session(_ended: SessionIndex) {}
}

impl<T: Config> ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
	fn should_end_session(now: BlockNumberFor<T>) -> bool {
		Stage::<T>::get() != ChangeStage::Settled || Periodic::<T>::should_end_session(now)
	}
}

impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
	fn average_session_length() -> BlockNumberFor<T> {
		T::SessionLength::get()
	}

	fn estimate_current_session_progress(
		now: BlockNumberFor<T>,
	) -> (Option<Permill>, frame_support::weights::Weight) {
		Periodic::<T>::estimate_current_session_progress(now)
	}

	fn estimate_next_session_rotation(
		now: BlockNumberFor<T>,
	) -> (Option<BlockNumberFor<T>>, frame_support::weights::Weight) {
		let read = T::DbWeight::get().reads(1);
		if Stage::<T>::get() != ChangeStage::Settled {
			return (Some(now.saturating_add(One::one())), read);
		}
		let (next, weight) = Periodic::<T>::estimate_next_session_rotation(now);
		(next, weight.saturating_add(read))
	}
}
