//! Wattle primitives: the units of the market and the small interfaces through which the
//! market pallets talk to each other, so that no pallet reads another's storage.
#![cfg_attr(not(feature = "std"), no_std)]

/// Money, in planck. 1 WTL = 10^12 planck.
pub type Balance = u128;

/// Energy in watt-hours.
pub type EnergyWh = u64;

/// A delivery slot: `unix_secs / slot_secs`.
pub type Slot = u64;

/// Planck in one WTL (the token has 12 decimals).
pub const WTL: Balance = 1_000_000_000_000;

/// Price of 1 WTL per kWh, expressed in planck per Wh.
pub const WTL_PER_KWH: Balance = WTL / 1_000;
