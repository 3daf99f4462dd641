//! How the market pallets see each other's part of a slot: the order book (pallet `orders`),
//! the clearing outcomes (pallet `clearing`) and each household's record of the slot (pallet
//! `settlement`), into which its orders and its meter reading are written.
use crate::ClearedPrices;
use crate::{Balance, EnergyWh, Slot, ZoneId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use wattle_double_auction::{Order, OrderId, ZonedOrder};

/// Bits of an [`OrderId`] below its slot: an order's id is `slot << ORDER_SEQ_BITS | seq`, with
/// `seq` its place among the slot's orders. Ids increase with placement within a slot (what the
/// clearing's tie-break needs), no counter is kept across slots, and the slot and the page of the
/// book follow from the id alone. An id stays below 2^53 for any slot before the year 10^5, so
/// JavaScript reads it exactly.
pub const ORDER_SEQ_BITS: u32 = 20;

/// The id of the `seq`-th order of `slot`.
pub fn order_id(slot: Slot, seq: u32) -> OrderId {
	(slot << ORDER_SEQ_BITS) | (seq as OrderId & ((1 << ORDER_SEQ_BITS) - 1))
}

/// The slot of order `id`.
pub fn order_slot(id: OrderId) -> Slot {
	id >> ORDER_SEQ_BITS
}

/// The place of order `id` among its slot's orders.
pub fn order_seq(id: OrderId) -> u32 {
	(id & ((1 << ORDER_SEQ_BITS) - 1)) as u32
}

/// What an order deposits in the market's escrow: a bid `energy * (price + grid_fee)`, an ask
/// `energy * collateral`, under the grid fee and collateral its household's orders of the slot
/// are held under; `None` on overflow.
pub fn order_deposit(order: &Order, grid_fee: Balance, collateral: Balance) -> Option<Balance> {
	let per_wh = match order.side {
		wattle_double_auction::Side::Buy => order.price.checked_add(grid_fee)?,
		wattle_double_auction::Side::Sell => collateral,
	};
	per_wh.checked_mul(order.energy_wh as Balance)
}

/// A meter's reading of one slot.
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
pub struct Reading {
	/// Energy drawn from the grid in the slot, Wh.
	pub imported_wh: EnergyWh,
	/// Energy fed into the grid in the slot, Wh.
	pub exported_wh: EnergyWh,
}

/// A household's contracted position in a cleared slot: what settlement needs of its orders.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Position {
	/// Energy its bids contracted to buy, Wh.
	pub bought_wh: EnergyWh,
	/// Energy its asks contracted to sell, Wh.
	pub sold_wh: EnergyWh,
	/// The grid fee its bids owe: the fill times the zone's grid fee at its first order.
	pub grid_fee: Balance,
}

/// A slot's order book (pallet `orders`), as clearing reads it and settlement prunes it.
pub trait OrderBook {
	/// Orders per page of a book.
	fn orders_per_page() -> u32;
	/// The most pages a book can have.
	fn max_pages() -> u32;
	/// Pages of the slot's book in use (`0..pages`).
	fn pages(slot: Slot) -> u32;
	/// Orders in the slot's book.
	fn open_orders(slot: Slot) -> u32;
	/// Page `page` of the slot's book, each order with its household's zone.
	fn page(slot: Slot, page: u32) -> Vec<ZonedOrder>;
	/// Forgets the last page of the slot's book, and the book itself with its first page.
	/// Returns the pages left.
	fn prune_last_page(slot: Slot) -> u32;
}

/// Why a household's record of a slot refused a change.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LedgerError {
	/// The household has the most orders one account may have in one slot.
	TooManyOrders,
	/// The free balance cannot cover the order's deposit.
	InsufficientBalance,
	/// The household has no order with this id in the slot.
	UnknownOrder,
	/// A reading of this household for this slot is recorded already.
	DuplicateReading,
	/// The slot is settled already.
	Settled,
}

/// Each household's record of each slot (pallet `settlement`): its orders with their deposits,
/// and its meter's reading. One record, under one key, is all settlement reads of a household.
pub trait SlotLedger<AccountId> {
	/// The most orders one household may have in one slot.
	fn max_orders_per_slot() -> u32;
	/// `who`'s orders in `slot`.
	fn orders(slot: Slot, who: &AccountId) -> Vec<Order>;
	/// The grid fee and seller collateral per Wh that `who`'s orders of `slot` are held under:
	/// the zone's tariffs at its first order of the slot, if it has one.
	fn terms(slot: Slot, who: &AccountId) -> Option<(Balance, Balance)>;
	/// Adds `order` to `who`'s record of `slot` in `zone`, moving its `deposit` from `who`'s free
	/// balance into the market's escrow. `grid_fee` and `collateral` are kept from the first order.
	fn add_order(
		slot: Slot,
		who: &AccountId,
		zone: ZoneId,
		grid_fee: Balance,
		collateral: Balance,
		order: Order,
		deposit: Balance,
	) -> Result<(), LedgerError>;
	/// Removes `who`'s order `id` of `slot` and pays its `deposit` back from the escrow.
	fn cancel_order(
		slot: Slot,
		who: &AccountId,
		id: OrderId,
		deposit: Balance,
	) -> Result<(), LedgerError>;
	/// Records `who`'s meter reading of `slot` in `zone`.
	fn record_reading(
		slot: Slot,
		who: &AccountId,
		zone: ZoneId,
		reading: Reading,
	) -> Result<(), LedgerError>;
	/// `who`'s recorded reading of `slot`.
	fn reading(slot: Slot, who: &AccountId) -> Option<Reading>;
	/// Whether `who` has a record of a slot that is not settled yet.
	fn has_unsettled(who: &AccountId) -> bool;
}

/// Where a slot's clearing stands, as settlement needs it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ClearingState {
	/// Not cleared or voided yet.
	Pending,
	/// Final and without trades: voided, not crossing, or without orders.
	NoTrade,
	/// Every order's fill follows from these prices ([`ClearedPrices::fill_of`]).
	Traded(ClearedPrices),
}

/// The clearing outcomes (pallet `clearing`).
pub trait ClearedSlots {
	/// How `slot` stands.
	fn clearing_state(slot: Slot) -> ClearingState;
	/// Forgets the slot's outcome once it is settled.
	fn forget(slot: Slot);
}

/// Fills order books without transactions, for the benchmarks of the pallets that read them.
/// Kept apart from [`OrderBook`], which is all that production code uses.
pub trait BookFixtures {
	/// Fills `slot`'s book with `orders` synthetic orders that cross (bids and asks in turn),
	/// spread over `zones` in turn, a bid and an ask a zone at a time (all in zone 0 if empty).
	fn fill_for_benchmarks(slot: Slot, orders: u32, zones: &[ZoneId]);
}

/// Clears slots without a result's check, for the benchmarks of settlement.
pub trait ClearingFixtures {
	/// Makes `slot` cleared at `prices`.
	fn clear_for_benchmarks(slot: Slot, prices: ClearedPrices);
}

/// No clearing: every slot is pending. For mock runtimes without the clearing pallet.
impl ClearedSlots for () {
	fn clearing_state(_: Slot) -> ClearingState {
		ClearingState::Pending
	}
	fn forget(_: Slot) {}
}

/// No book. For mock runtimes without the orders pallet.
impl OrderBook for () {
	fn orders_per_page() -> u32 {
		1
	}
	fn max_pages() -> u32 {
		0
	}
	fn pages(_: Slot) -> u32 {
		0
	}
	fn open_orders(_: Slot) -> u32 {
		0
	}
	fn page(_: Slot, _: u32) -> Vec<ZonedOrder> {
		Vec::new()
	}
	fn prune_last_page(_: Slot) -> u32 {
		0
	}
}

impl BookFixtures for () {
	fn fill_for_benchmarks(_: Slot, _: u32, _: &[ZoneId]) {}
}

impl ClearingFixtures for () {
	fn clear_for_benchmarks(_: Slot, _: ClearedPrices) {}
}
