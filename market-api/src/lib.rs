//! The market as its clients read it: the runtime API [`MarketApi`], in the runtime's metadata
//! so that Polkadot-JS decodes `api.call.marketApi.*`, and the views it returns, which the
//! node's `market_*` RPC serves as JSON (amounts of planck as decimal strings).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
pub use pallet_settlement::{Bill, SlotTotals};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
pub use wattle_double_auction::{OrderId, Side};
use wattle_primitives::balance_string;
pub use wattle_primitives::{
	Balance, EnergyWh, MarketConfig, ParticipantInfo, Slot, SlotPhase, ZoneId,
};

/// The market's clock now.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketStatus {
	/// The chain's time, unix seconds (the last block's timestamp).
	pub now_secs: u64,
	/// The slot that time falls in (being delivered).
	pub current_slot: Slot,
	/// The earliest slot that still takes orders.
	pub first_open_slot: Slot,
	/// The next slot settlement will settle, once its metering window closes.
	pub next_slot_to_settle: Option<Slot>,
}

/// How a slot's clearing stands.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SlotClearing {
	/// Not cleared yet (or nothing to clear).
	Pending,
	/// Cleared: `volume_wh` trades at `price` planck per Wh.
	Traded {
		#[serde(with = "balance_string")]
		price: Balance,
		volume_wh: EnergyWh,
	},
	/// Cleared without trade: the book did not cross.
	NoTrade,
	/// No valid result in time and too many orders to clear on chain: nothing traded.
	Voided,
	/// Settled, and its records pruned after the retention period: the outcome is in the slot's
	/// totals while they are kept.
	Settled,
}

/// Where a slot stands.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotStatus {
	/// The slot.
	pub slot: Slot,
	/// Its phase now.
	pub phase: SlotPhase,
	/// Unix seconds of its gate closure, start, end and the end of its metering window.
	pub gate_closure: u64,
	/// Unix seconds when its delivery starts.
	pub start: u64,
	/// Unix seconds when its delivery ends.
	pub end: u64,
	/// Unix seconds when its metering window closes.
	pub metering_closes: u64,
	/// Orders in its book.
	pub orders: u32,
	/// Its clearing.
	pub clearing: SlotClearing,
	/// Whether every participant of the slot is settled.
	pub settled: bool,
}

/// The orders at one price on one side of a book.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceLevel {
	/// Limit price, planck per Wh.
	#[serde(with = "balance_string")]
	pub price: Balance,
	/// Energy of the orders at this price, Wh.
	pub energy_wh: EnergyWh,
	/// How many orders.
	pub orders: u32,
}

/// One order, as its owner sees it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
	/// Its id.
	pub id: OrderId,
	/// Buy or sell.
	pub side: Side,
	/// The most energy it trades, Wh.
	pub energy_wh: EnergyWh,
	/// Limit price, planck per Wh.
	#[serde(with = "balance_string")]
	pub price: Balance,
	/// Planck it deposited in the market's escrow until its slot is settled.
	#[serde(with = "balance_string")]
	pub held: Balance,
	/// Its fill once its slot is cleared (0 if it did not trade or the slot was voided).
	pub cleared_wh: Option<EnergyWh>,
}

/// A slot's book: depth by price level, best first, and the caller's own orders.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderBookView {
	/// The slot.
	pub slot: Slot,
	/// Bids by price, highest first.
	pub bids: Vec<PriceLevel>,
	/// Asks by price, lowest first.
	pub asks: Vec<PriceLevel>,
	/// The given account's orders in the slot.
	pub own: Vec<OrderView>,
}

/// An order of a cleared slot and the energy it trades.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderFill<AccountId> {
	/// Its id.
	pub id: OrderId,
	/// Its owner, while the order is open.
	pub owner: Option<AccountId>,
	/// Buy or sell.
	pub side: Side,
	/// The most energy it trades, Wh.
	pub energy_wh: EnergyWh,
	/// Limit price, planck per Wh.
	#[serde(with = "balance_string")]
	pub price: Balance,
	/// The energy it trades under the clearing, Wh.
	pub fill_wh: EnergyWh,
}

/// A slot's clearing with the fill of every order on one page of its book.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClearingView<AccountId> {
	/// The slot.
	pub slot: Slot,
	/// The clearing.
	pub clearing: SlotClearing,
	/// The page of the book these fills are from.
	pub page: u32,
	/// Pages in the book.
	pub pages: u32,
	/// Every order on the page with its fill (orders that got nothing are dropped from the book
	/// once contracts are formed).
	pub fills: Vec<OrderFill<AccountId>>,
}

/// A participant in a slot: its orders, position, reading and bill.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
	/// The slot.
	pub slot: Slot,
	/// Its open or contracted orders in the slot.
	pub orders: Vec<OrderView>,
	/// Energy its orders contracted to buy, Wh.
	pub bought_wh: EnergyWh,
	/// Energy its orders contracted to sell, Wh.
	pub sold_wh: EnergyWh,
	/// Its meter's recorded reading `(imported_wh, exported_wh)`, until settlement consumes it.
	pub reading: Option<(EnergyWh, EnergyWh)>,
	/// Its bill, once the slot is settled.
	pub bill: Option<Bill>,
}

/// A slot's settlement.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotSettlement {
	/// The slot.
	pub slot: Slot,
	/// Every participant is settled.
	pub settled: bool,
	/// Settlement of this slot is under way.
	pub in_progress: bool,
	/// Its totals once settled (kept for the bill retention period).
	pub totals: Option<SlotTotals>,
}

/// One zone of a slot: its link's caps and, once cleared, its price and flows.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneView {
	/// The zone.
	pub zone: ZoneId,
	/// The most it may export, net, in the slot, Wh; `None` if its link is unbounded.
	pub export_cap_wh: Option<EnergyWh>,
	/// The most it may import, net, in the slot, Wh; `None` if its link is unbounded.
	pub import_cap_wh: Option<EnergyWh>,
	/// The price its buyers pay and its sellers receive, planck per Wh, once the slot traded.
	#[serde(with = "balance_string::option")]
	pub price: Option<Balance>,
	/// Energy its bids bought, Wh.
	pub bought_wh: EnergyWh,
	/// Energy its asks sold, Wh.
	pub sold_wh: EnergyWh,
	/// What it sent to the hub, Wh: sold minus bought (negative when it imports).
	pub net_export_wh: i64,
	/// The congestion rent its link earned, planck: `(hub price − price) · net export`, on
	/// the flows after any curtailment.
	#[serde(with = "balance_string")]
	pub congestion_rent: Balance,
	/// The caps its link was cut to after the slot was cleared, `(export, import)` in Wh, if
	/// its operator curtailed it (`settlement.curtailLink`).
	pub curtailed_caps_wh: Option<(EnergyWh, EnergyWh)>,
	/// Energy the curtailment took out of the zone's contracts (its sellers' for a cut
	/// export, its buyers' for a cut import), Wh; the bought and sold figures above are as
	/// cleared.
	pub shed_wh: EnergyWh,
}

/// A slot's zones: the hub price, every zone's caps, price and flows, and the congestion rent.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZonesView {
	/// The slot.
	pub slot: Slot,
	/// The hub's price, planck per Wh: that of every zone whose link is not congested.
	#[serde(with = "balance_string::option")]
	pub hub_price: Option<Balance>,
	/// The slot's congestion rent, planck: what its buyers paid beyond what its sellers got.
	#[serde(with = "balance_string")]
	pub congestion_rent: Balance,
	/// Every zone, in ascending zone order.
	pub zones: Vec<ZoneView>,
}

sp_api::decl_runtime_apis! {
	/// The Wattle market: its rules, clock, books, clearing, participants and settlement.
	pub trait MarketApi<AccountId> where AccountId: Codec {
		/// The market's timeline and limits.
		fn config() -> MarketConfig;
		/// The chain's time and the current slot.
		fn status() -> MarketStatus;
		/// Where `slot` stands: phase, times, orders, clearing and settlement.
		fn slot(slot: Slot) -> SlotStatus;
		/// `slot`'s book: up to `max_levels` price levels a side, best first, and `who`'s own
		/// orders.
		fn order_book(slot: Slot, who: Option<AccountId>, max_levels: u32) -> OrderBookView;
		/// `slot`'s clearing and the fill of every order on page `page` of its book.
		fn clearing(slot: Slot, page: u32) -> ClearingView<AccountId>;
		/// A participant's record: role, zone, status, meter key, capacity, reputation, debt.
		fn participant(who: AccountId) -> Option<ParticipantInfo>;
		/// `who`'s orders, position, reading and bill in `slot`.
		fn position(slot: Slot, who: AccountId) -> PositionView;
		/// `slot`'s settlement and totals.
		fn settlement(slot: Slot) -> SlotSettlement;
		/// `slot`'s zones: each link's caps for the slot and, once cleared, each zone's price
		/// and flows, the hub price and the congestion rent.
		fn zones(slot: Slot) -> ZonesView;
	}
}
