//! The clearing authorities' off-chain worker: clear every slot past gate closure, sign the
//! result with the node's `clea` key and submit it as a fee-less authorized transaction.
use crate::{pallet::*, AuthorityId};
use codec::Encode;
use frame_system::offchain::{CreateAuthorizedTransaction, SubmitTransaction};
use sp_runtime::{
	offchain::storage_lock::{StorageLock, Time},
	RuntimeAppPublic,
};
use wattle_double_auction::clear_split;
use wattle_primitives::{GridLinks, MarketClock, OrderBook, Slot, SlotPhase};

const LOG_TARGET: &str = "wattle::clearing";

impl<T: Config> Pallet<T> {
	/// Runs on every imported block of a node that holds a clearing authority's key.
	pub(crate) fn clear_closed_slots_off_chain() {
		let authorities = Authorities::<T>::get();
		let Some(key) = AuthorityId::all().into_iter().find(|key| authorities.contains(key)) else {
			return;
		};
		let config = T::Clock::config();
		let current = T::Clock::current_slot();
		// Slots in their clearing phase lie within gate_closure_secs of now.
		let ahead = config.slots_in_clearing_at_most();
		for slot in current.saturating_add(1)..=current.saturating_add(ahead) {
			if T::Clock::phase(slot) == SlotPhase::Clearing
				&& !Outcomes::<T>::contains_key(slot)
				&& T::Book::open_orders(slot) > 0
			{
				Self::clear_and_submit(slot, &key);
			}
		}
	}

	fn clear_and_submit(slot: Slot, key: &AuthorityId) {
		// One worker at a time per slot: block imports can overlap.
		let lock_key = (*b"wattle/clearing/lock/", slot).encode();
		let mut lock = StorageLock::<Time>::new(&lock_key);
		let Ok(_guard) = lock.try_lock() else { return };

		let result = match clear_split(Self::whole_book(slot), &T::Grid::links(slot)) {
			Ok(result) => result,
			Err(error) => {
				log::warn!(target: LOG_TARGET, "slot {slot} cannot be cleared: {error:?}");
				return;
			},
		};
		let Some(signature) = key.sign(&Self::signing_payload(slot, &result)) else {
			log::warn!(target: LOG_TARGET, "the clearing key is gone from the keystore");
			return;
		};
		let call = Call::<T>::submit_result_as_authority {
			slot,
			result,
			authority: key.clone(),
			signature,
		};
		let xt =
			<T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => {
				log::info!(target: LOG_TARGET, "submitted the result of slot {slot}")
			},
			Err(()) => {
				log::debug!(target: LOG_TARGET, "the pool refused the result of slot {slot}")
			},
		}
	}
}
