//! What settlement stores: each household's record of each slot (its orders, deposit, reading
//! and, once settled, its bill), each slot's totals, and where the walk through the slot being
//! settled stands.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use wattle_double_auction::Order;
use wattle_primitives::{Balance, ClearedPrices, EnergyWh, Reading, Slot, ZoneId};

/// A household's part of one slot: everything settlement needs of it, under one key.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxOrders))]
pub struct SlotRecord<MaxOrders: Get<u32>> {
	/// The household's zone when the record was made.
	pub zone: ZoneId,
	/// The zone's grid fee at the household's first order of the slot, planck per Wh: what its
	/// bids deposit on top of their price, and what they pay per Wh bought.
	pub grid_fee: Balance,
	/// The zone's seller collateral at its first order, planck per Wh: what its asks deposit.
	pub collateral: Balance,
	/// What its orders deposited in the market's escrow, in planck.
	pub deposit: Balance,
	/// Its orders of the slot, as placed; a cancelled one stays with no energy (so it still
	/// counts against `MaxOrdersPerAccountPerSlot`).
	pub orders: BoundedVec<Order, MaxOrders>,
	/// Its meter's signed reading, once relayed.
	pub reading: Option<Reading>,
	/// Its bill, once the slot is settled.
	pub bill: Option<Bill>,
}

/// A cancelled order keeps its place in its household's record with no energy: no order is
/// placed without energy (`ZeroEnergy`).
pub fn is_cancelled(order: &Order) -> bool {
	order.energy_wh == 0
}

impl<MaxOrders: Get<u32>> SlotRecord<MaxOrders> {
	/// Its orders that are not cancelled.
	pub fn live_orders(&self) -> impl Iterator<Item = &Order> {
		self.orders.iter().filter(|order| !is_cancelled(order))
	}

	/// Whether it still binds its household: unsettled, with a live order, a deposit or a
	/// reading. Cancelled orders alone do not.
	pub fn is_open(&self) -> bool {
		self.bill.is_none()
			&& (self.deposit > 0 || self.reading.is_some() || self.live_orders().next().is_some())
	}

	/// An empty record of a household in `zone`.
	pub fn new(zone: ZoneId) -> Self {
		Self {
			zone,
			grid_fee: 0,
			collateral: 0,
			deposit: 0,
			orders: BoundedVec::new(),
			reading: None,
			bill: None,
		}
	}
}

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
	/// Of what it owed the operator (net of the credit), the part taken from what the escrow
	/// held for it: its deposit and its energy proceeds, less its energy payment.
	#[serde(with = "wattle_primitives::balance_string")]
	pub paid_from_hold: Balance,
	/// The part taken from its free balance.
	#[serde(with = "wattle_primitives::balance_string")]
	pub paid_from_balance: Balance,
	/// The part it could not pay: recorded as debt to the zone operator. A part the operator's
	/// account refused to receive is in none of these three (`Event::OperatorPaymentRefused`).
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
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum Stage {
	/// Settling every registered household, after the one whose account `after` encodes (in
	/// the registry's order).
	Households { after: Option<BoundedVec<u8, RawKeyLen>> },
	/// Forgetting the slot's book.
	PruneBook,
	/// Forgetting the records and clearing outcome of the slot that has just left the retention
	/// period, from `cursor` on.
	PruneExpired { cursor: Option<BoundedVec<u8, RawKeyLen>> },
	/// Paying the congestion rent of the market's zones, from the `next`-th zone of the split
	/// on, to each congested link's operator (after the households, before the book).
	PayRents { next: u32 },
}

/// The longest raw storage key a walk keeps as its cursor.
pub type RawKeyLen = frame_support::traits::ConstU32<128>;

/// The slot being settled.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Progress {
	/// The slot.
	pub slot: Slot,
	/// Its clearing, if it traded: every order's fill and price follow from it and its zone.
	pub clearing: Option<ClearedPrices>,
	/// How far its walk is.
	pub stage: Stage,
	/// What the households settled so far paid for energy (left in the escrow), and what the
	/// operators of the zones paid so far met in the rent stage paid for the energy they took
	/// at the hub when they cut their link's import.
	pub paid_in: Balance,
	/// What the households settled so far received for energy (paid out of the escrow).
	pub paid_out: Balance,
	/// The totals so far.
	pub totals: SlotTotals,
	/// Paid so far to the zones' operators out of the escrow: the congested links' rent (where
	/// the buyers' payments left it beyond what the sellers received), and the hub price of the
	/// energy an operator supplied at the hub when it cut its link's export.
	pub rent_paid: Balance,
}

/// A zone's link cut after its slot was cleared (a fault between clearing and the slot's end):
/// the caps it carries instead of those the slot cleared under, and how far settlement has
/// shared the cut among the zone's households.
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
pub struct Curtailment {
	/// The most the zone can still export, net, in the slot, Wh.
	pub export_cap_wh: EnergyWh,
	/// The most the zone can still import, net, in the slot, Wh.
	pub import_cap_wh: EnergyWh,
	/// Of the contracts on the cut side, the energy (as cleared) of the households settled so
	/// far: where the pro-rata rounding stands.
	pub settled_wh: EnergyWh,
}
