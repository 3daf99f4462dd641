//! What the book stores and what a caller sends.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use wattle_double_auction::{Order as BookEntry, Side};
use wattle_primitives::{Balance, EnergyWh, ParticipantInfo, Slot, Tariffs, ZoneId};

/// One order of a slot's book: what clearing reads of it, and who placed it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct BookLine<AccountId> {
	/// Id, side, energy and limit price.
	pub order: BookEntry,
	/// The zone of the household that placed it: where its energy is delivered or fed in,
	/// which clearing needs for the links between zones.
	pub zone: ZoneId,
	/// Who placed it.
	pub owner: AccountId,
}

/// The size of a slot's book.
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
	Default,
)]
pub struct BookSummary {
	/// Orders the slot received, cancelled ones included (bounded by `MaxOrdersPerSlot`); the
	/// next order's place in the slot.
	pub placed: u32,
	/// Orders in the book now.
	pub open: u32,
}

/// One order of a `place_orders` batch.
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
pub struct OrderSpec {
	/// The delivery slot.
	pub slot: Slot,
	/// Buy or sell.
	pub side: Side,
	/// The most energy it trades, Wh.
	pub energy_wh: EnergyWh,
	/// Limit price, planck per Wh.
	pub price: Balance,
}

/// What every order of one caller is checked against, read once per call.
pub(crate) struct Quote {
	pub participant: ParticipantInfo,
	pub tariffs: Tariffs,
	pub config: wattle_primitives::MarketConfig,
	pub now_secs: u64,
}
