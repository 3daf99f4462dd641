//! What settlement stores: each household's bill, each slot's totals, and where the paginated
//! walk through the slot being settled stands.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use wattle_primitives::{Balance, EnergyWh, Slot};

/// A household's bill for one slot: everything settlement computed and moved for it.
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
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Bill {
	/// The slot's clearing price, planck per Wh (0 if the slot did not trade).
	#[serde(with = "wattle_primitives::balance_string")]
	pub price: Balance,
	/// Energy its bids contracted to buy, Wh.
	pub bought_wh: EnergyWh,
	/// Energy its asks contracted to sell, Wh.
	pub sold_wh: EnergyWh,
	/// The meter's reading: energy drawn from the grid, Wh (0 if missing).
	pub imported_wh: EnergyWh,
	/// The meter's reading: energy fed into the grid, Wh (0 if missing).
	pub exported_wh: EnergyWh,
	/// It had a position and its meter sent no reading.
	pub reading_missing: bool,
	/// `bought * price`, paid for energy into the market's escrow.
	#[serde(with = "wattle_primitives::balance_string")]
	pub energy_paid: Balance,
	/// `sold * price`, received for energy from the market's escrow.
	#[serde(with = "wattle_primitives::balance_string")]
	pub energy_received: Balance,
	/// Grid fee on the energy bought, to the zone operator.
	#[serde(with = "wattle_primitives::balance_string")]
	pub grid_fee: Balance,
	/// Measured net export minus contracted net export, Wh.
	pub imbalance_wh: i64,
	/// Paid to the zone operator for energy drawn beyond the contract, at the retail price.
	#[serde(with = "wattle_primitives::balance_string")]
	pub imbalance_charge: Balance,
	/// Paid by the zone operator for energy spilled beyond the contract, at the feed-in price.
	#[serde(with = "wattle_primitives::balance_string")]
	pub imbalance_credit: Balance,
	/// The missing-reading penalty, to the zone operator.
	#[serde(with = "wattle_primitives::balance_string")]
	pub penalty: Balance,
	/// Of what it owed the operator (net of the credit), the part taken from its order holds.
	#[serde(with = "wattle_primitives::balance_string")]
	pub paid_from_hold: Balance,
	/// The part taken from its free balance.
	#[serde(with = "wattle_primitives::balance_string")]
	pub paid_from_balance: Balance,
	/// The part it could not pay: recorded as debt to the zone operator.
	#[serde(with = "wattle_primitives::balance_string")]
	pub debt: Balance,
	/// Of the operator's net credit, the part the operator's free balance could not cover.
	#[serde(with = "wattle_primitives::balance_string")]
	pub unpaid_by_operator: Balance,
	/// How its reputation changed.
	pub reputation_change: i32,
}

/// A settled slot's totals, for reports.
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
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct SlotTotals {
	/// The clearing price, planck per Wh (0 if the slot did not trade).
	#[serde(with = "wattle_primitives::balance_string")]
	pub price: Balance,
	/// Energy traded, Wh.
	pub volume_wh: EnergyWh,
	/// Participants settled.
	pub participants: u32,
	/// Energy drawn from the grid beyond contracts, Wh (sum of negative imbalances).
	pub shortfall_wh: EnergyWh,
	/// Energy spilled into the grid beyond contracts, Wh (sum of positive imbalances).
	pub surplus_wh: EnergyWh,
	/// Grid fees charged.
	#[serde(with = "wattle_primitives::balance_string")]
	pub grid_fees: Balance,
	/// Imbalance charges at retail price.
	#[serde(with = "wattle_primitives::balance_string")]
	pub imbalance_charges: Balance,
	/// Imbalance credits at feed-in price.
	#[serde(with = "wattle_primitives::balance_string")]
	pub imbalance_credits: Balance,
	/// Missing-reading penalties.
	#[serde(with = "wattle_primitives::balance_string")]
	pub penalties: Balance,
	/// Participants with a position and no reading.
	pub missing_readings: u32,
	/// New debt recorded.
	#[serde(with = "wattle_primitives::balance_string")]
	pub debt: Balance,
}

/// Where the walk through a slot stands.
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
pub enum Stage {
	/// Moving every contracted bid's `fill * price` from its hold into the escrow, from order
	/// `index` of book page `page` on.
	Collect { page: u32, index: u32 },
	/// Settling every participant with a position, in book order.
	Positions { page: u32, index: u32 },
	/// Settling the participants with a reading and no position.
	Readings,
	/// Forgetting the slot's book and clearing outcome.
	PruneBook,
	/// Forgetting the bills of the slot that has just left the retention period.
	PruneBills,
}

/// The slot being settled.
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
pub struct Progress {
	/// The slot.
	pub slot: Slot,
	/// How far its walk is.
	pub stage: Stage,
	/// Moved from bids into the escrow so far.
	pub collected: Balance,
	/// Paid from the escrow to sellers so far.
	pub paid_out: Balance,
	/// The totals so far.
	pub totals: SlotTotals,
}
