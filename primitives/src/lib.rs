//! Wattle primitives: the units of the market and the small interfaces through which the market
//! pallets talk to each other, so that no pallet reads another's storage.
//!
//! Units (exact integers, no floats): energy in watt-hours ([`EnergyWh`]), money in planck
//! ([`Balance`], 1 WTL = 10^12 planck), prices in planck per Wh.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

mod admission;
pub mod balance_string;
mod book;
mod grid;
mod market;

pub use admission::*;
pub use book::*;
pub use grid::*;
pub use market::*;

/// Money, in planck. 1 WTL = 10^12 planck.
pub type Balance = u128;

/// Energy in watt-hours.
pub type EnergyWh = u64;

/// A delivery slot: `unix_secs / slot_secs`.
pub type Slot = u64;

/// A grid zone (a feeder or substation area) with one operator and one set of tariffs.
pub type ZoneId = u32;

/// Planck in one WTL (the token has 12 decimals).
pub const WTL: Balance = 1_000_000_000_000;

/// A price of 1 WTL per kWh, in planck per Wh.
pub const WTL_PER_KWH: Balance = WTL / 1_000;

/// The longest delivery slot any market configuration may use: one hour.
pub const MAX_SLOT_SECS: u64 = 3_600;

/// The most energy a connection of `max_power_w` watts can move in a slot of `slot_secs`
/// seconds: `max_power_w * slot_secs / 3600`, in Wh.
pub fn connection_capacity_wh(max_power_w: u32, slot_secs: u64) -> EnergyWh {
	(max_power_w as u64).saturating_mul(slot_secs) / 3_600
}

/// The 14 bytes every meter signs before its reading: no length prefix.
pub const READING_CONTEXT: [u8; 14] = *b"wattle/reading";

/// What a smart meter signs (sr25519, raw bytes) to vouch for a reading: the SCALE encoding of
/// `(b"wattle/reading", genesis_hash, participant, slot, imported_wh, exported_wh)`. The
/// genesis hash binds it to one chain, the participant and slot to one meter and interval.
pub fn reading_payload<AccountId: codec::Encode>(
	genesis_hash: &[u8; 32],
	participant: &AccountId,
	slot: Slot,
	imported_wh: EnergyWh,
	exported_wh: EnergyWh,
) -> alloc::vec::Vec<u8> {
	codec::Encode::encode(&(
		READING_CONTEXT,
		genesis_hash,
		participant,
		slot,
		imported_wh,
		exported_wh,
	))
}
