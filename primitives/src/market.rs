//! The market's timeline: one [`MarketConfig`], and the slot arithmetic every market pallet
//! shares, so that "which slot is it" and "is slot s still open" have one answer.
use crate::{Balance, Slot, MAX_SLOT_SECS};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The market's rules of time and size, set at genesis and readable from the chain.
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
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct MarketConfig {
	/// Length of a delivery slot in seconds (production: 900, a quarter hour).
	pub slot_secs: u64,
	/// Orders for a slot close this many seconds before the slot starts (gate closure); the
	/// slot is cleared between gate closure and its start.
	pub gate_closure_secs: u64,
	/// Orders are accepted for at most this many slots after the current one.
	pub max_slots_ahead: u32,
	/// Meter readings for a slot are accepted for this many seconds after the slot ends; then
	/// the slot is settled.
	pub metering_window_secs: u64,
	/// A slot with no valid clearing result by its start is cleared on chain if it holds at most
	/// this many orders, and voided otherwise.
	pub on_chain_clearing_limit: u32,
	/// An imbalance of at most this many Wh earns reputation instead of losing it.
	pub imbalance_tolerance_wh: u64,
	/// Participants below this reputation may not place orders.
	pub min_reputation: u16,
	/// The highest limit price an order may carry, in planck per Wh.
	pub max_price: Balance,
}

impl Default for MarketConfig {
	/// The production market: quarter-hour slots, gate closure 5 minutes before, a day ahead.
	fn default() -> Self {
		Self {
			slot_secs: 900,
			gate_closure_secs: 300,
			max_slots_ahead: 96,
			metering_window_secs: 900,
			on_chain_clearing_limit: 1_000,
			imbalance_tolerance_wh: 100,
			min_reputation: 100,
			max_price: 10 * crate::WTL_PER_KWH,
		}
	}
}

/// Where a slot stands at a given moment.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum SlotPhase {
	/// Too far ahead: orders are not accepted yet.
	NotOpen,
	/// Orders are accepted until gate closure.
	Open,
	/// After gate closure, before the slot starts: the slot is being cleared.
	Clearing,
	/// The slot's own interval: energy flows.
	Delivery,
	/// After the slot: meter readings are accepted.
	Metering,
	/// The metering window has closed: the slot is (being) settled.
	Settlement,
}

/// Why a market configuration was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidMarketConfig {
	/// `slot_secs` must be 1..=3600.
	SlotLength,
	/// `gate_closure_secs` must be at least 1, so that a slot has a clearing window, and below
	/// `slot_secs * max_slots_ahead`, so that some slot is open.
	GateClosure,
	/// `max_slots_ahead` must be at least 1.
	SlotsAhead,
	/// `max_price` must be above 0.
	MaxPrice,
	/// `metering_window_secs` must be at least 1, or no reading is ever accepted.
	MeteringWindow,
	/// `on_chain_clearing_limit` must be at most [`MAX_ON_CHAIN_CLEARING_LIMIT`], what the
	/// runtime's clearing of a book in a block is benchmarked for.
	OnChainClearingLimit,
}

/// The largest book the runtime clears itself at a slot's start (`clearing.clear_on_chain` is
/// benchmarked up to it).
pub const MAX_ON_CHAIN_CLEARING_LIMIT: u32 = 1_000;

impl MarketConfig {
	/// Checks the configuration for values that would stop the market.
	pub fn validate(&self) -> Result<(), InvalidMarketConfig> {
		if self.slot_secs == 0 || self.slot_secs > MAX_SLOT_SECS {
			return Err(InvalidMarketConfig::SlotLength);
		}
		if self.max_slots_ahead == 0 {
			return Err(InvalidMarketConfig::SlotsAhead);
		}
		if self.gate_closure_secs == 0
			|| self.gate_closure_secs >= self.slot_secs.saturating_mul(self.max_slots_ahead as u64)
		{
			return Err(InvalidMarketConfig::GateClosure);
		}
		if self.max_price == 0 {
			return Err(InvalidMarketConfig::MaxPrice);
		}
		if self.metering_window_secs == 0 {
			return Err(InvalidMarketConfig::MeteringWindow);
		}
		if self.on_chain_clearing_limit > MAX_ON_CHAIN_CLEARING_LIMIT {
			return Err(InvalidMarketConfig::OnChainClearingLimit);
		}
		Ok(())
	}

	/// The slot that `unix_secs` falls in.
	pub fn slot_at(&self, unix_secs: u64) -> Slot {
		unix_secs.checked_div(self.slot_secs).unwrap_or(unix_secs)
	}

	/// The most slots that can be in their clearing phase at once, after the current one: those
	/// within `gate_closure_secs` of now.
	pub fn slots_in_clearing_at_most(&self) -> u64 {
		self.gate_closure_secs.checked_div(self.slot_secs).unwrap_or(0).saturating_add(1)
	}

	/// When `slot` starts, in unix seconds.
	pub fn slot_start(&self, slot: Slot) -> u64 {
		slot.saturating_mul(self.slot_secs)
	}

	/// When `slot` ends (and the next starts), in unix seconds.
	pub fn slot_end(&self, slot: Slot) -> u64 {
		self.slot_start(slot).saturating_add(self.slot_secs)
	}

	/// When orders for `slot` close, in unix seconds.
	pub fn gate_closure(&self, slot: Slot) -> u64 {
		self.slot_start(slot).saturating_sub(self.gate_closure_secs)
	}

	/// When meter readings for `slot` stop being accepted, in unix seconds.
	pub fn metering_closes(&self, slot: Slot) -> u64 {
		self.slot_end(slot).saturating_add(self.metering_window_secs)
	}

	/// Where `slot` stands at `unix_secs`.
	pub fn phase(&self, slot: Slot, unix_secs: u64) -> SlotPhase {
		let current = self.slot_at(unix_secs);
		if unix_secs >= self.metering_closes(slot) {
			SlotPhase::Settlement
		} else if unix_secs >= self.slot_end(slot) {
			SlotPhase::Metering
		} else if unix_secs >= self.slot_start(slot) {
			SlotPhase::Delivery
		} else if unix_secs >= self.gate_closure(slot) {
			SlotPhase::Clearing
		} else if slot > current.saturating_add(self.max_slots_ahead as u64) {
			SlotPhase::NotOpen
		} else {
			SlotPhase::Open
		}
	}
}

/// The market's clock and configuration, as the market pallets read them.
pub trait MarketClock {
	/// The market configuration in force.
	fn config() -> MarketConfig;
	/// The current time in unix seconds (from the block's timestamp).
	fn now_secs() -> u64;
	/// The slot the current block falls in.
	fn current_slot() -> Slot {
		Self::config().slot_at(Self::now_secs())
	}
	/// Where `slot` stands now.
	fn phase(slot: Slot) -> SlotPhase {
		Self::config().phase(slot, Self::now_secs())
	}
	/// Moves the clock to `unix_secs`. For the benchmarks and tests of the pallets that read
	/// the clock; no transaction reaches it.
	fn set_now_secs(unix_secs: u64);
}

/// The development market: one-minute slots, gate closure 20 s before a slot, orders up to 30
/// slots ahead, readings for 30 s after a slot; a whole cycle (order, clearing, delivery,
/// metering, settlement) takes about three minutes. Used by the dev and local presets and by
/// the pallets' mock runtimes.
pub fn dev_market() -> MarketConfig {
	MarketConfig {
		slot_secs: 60,
		gate_closure_secs: 20,
		max_slots_ahead: 30,
		metering_window_secs: 30,
		on_chain_clearing_limit: 1_000,
		imbalance_tolerance_wh: 20,
		min_reputation: 100,
		max_price: 10 * crate::WTL_PER_KWH,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn quarter_hours() -> MarketConfig {
		MarketConfig::default()
	}

	#[test]
	fn a_slot_goes_through_every_phase_in_order() {
		let c = quarter_hours();
		let slot = 1_000;
		let start = c.slot_start(slot);
		assert_eq!(start, 900_000);
		assert_eq!(c.phase(slot, start - 96 * 900 - 1), SlotPhase::NotOpen);
		assert_eq!(c.phase(slot, start - 96 * 900), SlotPhase::Open);
		assert_eq!(c.phase(slot, start - 301), SlotPhase::Open);
		assert_eq!(c.phase(slot, start - 300), SlotPhase::Clearing);
		assert_eq!(c.phase(slot, start - 1), SlotPhase::Clearing);
		assert_eq!(c.phase(slot, start), SlotPhase::Delivery);
		assert_eq!(c.phase(slot, start + 899), SlotPhase::Delivery);
		assert_eq!(c.phase(slot, start + 900), SlotPhase::Metering);
		assert_eq!(c.phase(slot, start + 1_799), SlotPhase::Metering);
		assert_eq!(c.phase(slot, start + 1_800), SlotPhase::Settlement);
	}

	#[test]
	fn slots_are_unix_seconds_divided_by_the_slot_length() {
		let c = quarter_hours();
		assert_eq!(c.slot_at(0), 0);
		assert_eq!(c.slot_at(899), 0);
		assert_eq!(c.slot_at(900), 1);
		assert_eq!(c.slot_end(1), 1_800);
		assert_eq!(c.gate_closure(0), 0, "saturates at the epoch");
		assert_eq!(c.slot_start(u64::MAX), u64::MAX, "saturates far in the future");
	}

	#[test]
	fn configurations_that_would_stop_the_market_are_refused() {
		let ok = quarter_hours();
		assert_eq!(ok.validate(), Ok(()));
		assert_eq!(
			MarketConfig { slot_secs: 0, ..ok }.validate(),
			Err(InvalidMarketConfig::SlotLength)
		);
		assert_eq!(
			MarketConfig { slot_secs: MAX_SLOT_SECS + 1, ..ok }.validate(),
			Err(InvalidMarketConfig::SlotLength)
		);
		assert_eq!(
			MarketConfig { max_slots_ahead: 0, ..ok }.validate(),
			Err(InvalidMarketConfig::SlotsAhead)
		);
		assert_eq!(
			MarketConfig { gate_closure_secs: 900 * 96, ..ok }.validate(),
			Err(InvalidMarketConfig::GateClosure)
		);
		assert_eq!(
			MarketConfig { max_price: 0, ..ok }.validate(),
			Err(InvalidMarketConfig::MaxPrice)
		);
		assert_eq!(
			MarketConfig { gate_closure_secs: 0, ..ok }.validate(),
			Err(InvalidMarketConfig::GateClosure)
		);
		assert_eq!(
			MarketConfig { metering_window_secs: 0, ..ok }.validate(),
			Err(InvalidMarketConfig::MeteringWindow)
		);
		assert_eq!(
			MarketConfig { on_chain_clearing_limit: MAX_ON_CHAIN_CLEARING_LIMIT + 1, ..ok }
				.validate(),
			Err(InvalidMarketConfig::OnChainClearingLimit)
		);
		assert_eq!(dev_market().validate(), Ok(()));
	}
}
