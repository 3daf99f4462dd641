//! # Metering: step 6 of a blockchain power transaction (delivery and metering)
//!
//! Delivery is proven by meters, not by the participants' word. After a slot ends, each
//! participant's smart meter reports what crossed its connection in the slot: `imported_wh`
//! drawn from the grid, `exported_wh` fed into it. The meter signs the reading with its own
//! sr25519 key, the one the participant registered (step 1), over
//! `(b"wattle/reading", genesis_hash, participant, slot, imported_wh, exported_wh)` in SCALE (see
//! [`wattle_primitives::reading_payload`]).
//!
//! A **metering oracle** of the participant's zone (or the zone's operator) relays readings in
//! batches with [`Pallet::submit_readings`]. It can relay, but never invent or alter a reading:
//! the signature would not verify. The genesis hash in the signed bytes stops a reading from
//! being replayed on another chain, the slot from being replayed on another slot.
//!
//! A reading is accepted once per participant and slot, from the slot's end until the metering
//! window (`metering_window_secs`) closes, and only if neither value exceeds what the connection
//! can carry in the slot (`max_power_w * slot_secs / 3600` Wh). In a batch, valid readings are
//! recorded (event `ReadingRecorded`) and each rejected one is reported with its index and
//! reason (event `ReadingRejected`); a batch in which every reading is accepted is free.
//!
//! ## Integrating a meter gateway
//! A gateway holds no key of its own for the readings: the meter signs. The gateway collects
//! `(participant, slot, imported_wh, exported_wh, signature)` from its meters after each slot and
//! submits them, up to `MaxReadingsPerBatch` at a time, from an oracle account of the zone.
//! `scripts/meter-gateway.mjs` does this for the dev meters (`//<Name>//meter`).
//!
//! An accepted reading is written into the household's record of the slot, which settlement
//! (step 7) keeps ([`wattle_primitives::SlotLedger`]): `settlement.positions(slot, who).reading`.
//! That one record is all settlement reads of a household.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

pub use pallet::*;

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
	use frame_support::{dispatch::PostDispatchInfo, pallet_prelude::*};
	use frame_system::pallet_prelude::*;
	use scale_info::TypeInfo;
	use sp_core::sr25519;
	use sp_runtime::traits::Zero;
	pub use wattle_primitives::Reading;
	use wattle_primitives::{
		connection_capacity_wh, reading_payload, AdmissionFixtures, EnergyWh, LedgerError,
		MarketClock, ParticipantRegistry, Slot, SlotLedger, SlotPhase,
	};

	/// One meter reading, signed by the participant's meter.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
	)]
	pub struct SignedReading<AccountId> {
		/// Whose meter took it.
		pub participant: AccountId,
		/// The delivery slot it covers.
		pub slot: Slot,
		/// Energy drawn from the grid in the slot, Wh.
		pub imported_wh: EnergyWh,
		/// Energy fed into the grid in the slot, Wh.
		pub exported_wh: EnergyWh,
		/// The meter key's sr25519 signature over `reading_payload(..)`.
		pub signature: sr25519::Signature,
	}

	/// Why a reading in a batch was not recorded.
	#[derive(
		Encode,
		Decode,
		DecodeWithMemTracking,
		MaxEncodedLen,
		TypeInfo,
		Clone,
		Copy,
		PartialEq,
		Eq,
		Debug,
	)]
	pub enum Rejection {
		/// The participant is not registered.
		UnknownParticipant,
		/// The sender is neither an oracle nor the operator of the participant's zone, nor the
		/// participant itself.
		NotRelayForZone,
		/// The slot has not ended yet.
		SlotNotOver,
		/// The slot's metering window has closed.
		WindowClosed,
		/// A reading of this meter for this slot is recorded already.
		Duplicate,
		/// A value is above what the connection can carry in one slot.
		AboveConnectionCapacity,
		/// The signature is not the participant's meter key's over this reading on this chain.
		BadSignature,
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The admission registry: meter keys, zones, relays. Fixtures serve benchmarks only.
		type Registry: ParticipantRegistry<Self::AccountId> + AdmissionFixtures<Self::AccountId>;

		/// The market's clock and configuration.
		type Clock: MarketClock;

		/// The households' records of each slot, into which readings are written (pallet
		/// `settlement`).
		type Ledger: SlotLedger<Self::AccountId>;

		/// The most readings one batch may carry.
		#[pallet::constant]
		type MaxReadingsPerBatch: Get<u32>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A signed meter reading was recorded for settlement.
		ReadingRecorded {
			slot: Slot,
			participant: T::AccountId,
			imported_wh: EnergyWh,
			exported_wh: EnergyWh,
		},
		/// Reading number `index` of a batch was not recorded, for `reason`.
		ReadingRejected { index: u32, slot: Slot, participant: T::AccountId, reason: Rejection },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The batch holds no reading.
		EmptyBatch,
		/// The batch holds more than `MaxReadingsPerBatch` readings: split it.
		BatchTooLarge,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Relay a batch of signed meter readings, as an oracle or the operator of the
		/// participants' zone, or as a household for its own meter (if its oracle stays silent).
		/// Each valid reading is recorded; each invalid one is reported in `ReadingRejected`
		/// with its index. Free when every reading is accepted.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_readings(readings.len() as u32))]
		pub fn submit_readings(
			origin: OriginFor<T>,
			readings: Vec<SignedReading<T::AccountId>>,
		) -> DispatchResultWithPostInfo {
			let relay = ensure_signed(origin)?;
			ensure!(!readings.is_empty(), Error::<T>::EmptyBatch);
			ensure!(
				readings.len() <= T::MaxReadingsPerBatch::get() as usize,
				Error::<T>::BatchTooLarge
			);
			let genesis_hash = Self::genesis_hash();
			let mut all_accepted = true;
			for (index, reading) in readings.into_iter().enumerate() {
				match Self::check_and_record(&relay, &genesis_hash, &reading) {
					Ok(()) => {
						Self::deposit_event(Event::ReadingRecorded {
							slot: reading.slot,
							participant: reading.participant,
							imported_wh: reading.imported_wh,
							exported_wh: reading.exported_wh,
						});
					},
					Err(reason) => {
						all_accepted = false;
						Self::deposit_event(Event::ReadingRejected {
							index: index as u32,
							slot: reading.slot,
							participant: reading.participant,
							reason,
						});
					},
				}
			}
			let pays_fee = if all_accepted { Pays::No } else { Pays::Yes };
			Ok(PostDispatchInfo { actual_weight: None, pays_fee })
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The recorded reading of `participant` in `slot`.
		pub fn reading_of(slot: Slot, participant: T::AccountId) -> Option<Reading> {
			T::Ledger::reading(slot, &participant)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The hash of block 0: what a meter's signature binds a reading to.
		pub fn genesis_hash() -> [u8; 32] {
			let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let mut bytes = [0u8; 32];
			let encoded = hash.encode();
			for (byte, encoded) in bytes.iter_mut().zip(encoded) {
				*byte = encoded;
			}
			bytes
		}

		/// Every rule a reading must meet, cheapest first, the signature last; records it in the
		/// household's record of the slot if it meets them all.
		fn check_and_record(
			relay: &T::AccountId,
			genesis_hash: &[u8; 32],
			reading: &SignedReading<T::AccountId>,
		) -> Result<(), Rejection> {
			let participant = T::Registry::participant(&reading.participant)
				.ok_or(Rejection::UnknownParticipant)?;
			// A household may relay its own meter's reading, so that a silent oracle cannot bill
			// it the substitute and the penalty: the meter's signature is what counts.
			let own_reading = relay == &reading.participant;
			if !own_reading && !T::Registry::is_meter_relay(participant.zone, relay) {
				return Err(Rejection::NotRelayForZone);
			}
			match T::Clock::phase(reading.slot) {
				SlotPhase::Metering => {},
				SlotPhase::Settlement => return Err(Rejection::WindowClosed),
				_ => return Err(Rejection::SlotNotOver),
			}
			if T::Ledger::reading(reading.slot, &reading.participant).is_some() {
				return Err(Rejection::Duplicate);
			}
			let capacity =
				connection_capacity_wh(participant.max_power_w, T::Clock::config().slot_secs);
			if reading.imported_wh > capacity || reading.exported_wh > capacity {
				return Err(Rejection::AboveConnectionCapacity);
			}
			let payload = reading_payload(
				genesis_hash,
				&reading.participant,
				reading.slot,
				reading.imported_wh,
				reading.exported_wh,
			);
			if !sp_io::crypto::sr25519_verify(&reading.signature, &payload, &participant.meter_key)
			{
				return Err(Rejection::BadSignature);
			}
			let recorded =
				Reading { imported_wh: reading.imported_wh, exported_wh: reading.exported_wh };
			T::Ledger::record_reading(
				reading.slot,
				&reading.participant,
				participant.zone,
				recorded,
			)
			.map_err(|error| match error {
				LedgerError::Settled => Rejection::WindowClosed,
				_ => Rejection::Duplicate,
			})
		}
	}
}
