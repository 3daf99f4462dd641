//! The order book (pallet `orders`) and the clearing outcomes (pallet `clearing`) as clearing
//! and settlement see them.
use crate::{Balance, EnergyWh, Slot, ZoneId};
use alloc::vec::Vec;
use wattle_double_auction::{ClearingResult, Order, OrderId};

/// A participant's contracted position in a cleared slot: what settlement needs of its orders.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Position {
	/// Energy its bids contracted to buy, Wh.
	pub bought_wh: EnergyWh,
	/// Energy its asks contracted to sell, Wh.
	pub sold_wh: EnergyWh,
	/// The grid fee its bids owe: each bid's fill times the zone's grid fee at placement.
	pub grid_fee: Balance,
	/// What its orders of the slot still hold.
	pub held: Balance,
	/// Its zone at placement.
	pub zone: ZoneId,
}

/// A slot's order book, read and closed by clearing (steps 3 and 4) and consumed by
/// settlement (step 7).
pub trait OrderBook<AccountId> {
	/// Orders per page of a book.
	fn orders_per_page() -> u32;
	/// The most pages a book can have.
	fn max_pages() -> u32;
	/// Pages of the slot's book in use (`0..pages`).
	fn pages(slot: Slot) -> u32;
	/// Orders open in the slot.
	fn open_orders(slot: Slot) -> u32;
	/// Whether the slot still takes orders or awaits clearing (neither cleared nor voided).
	fn is_open(slot: Slot) -> bool;
	/// Page `page` of the slot's book.
	fn page(slot: Slot, page: u32) -> Vec<Order>;
	/// Closes the book: cleared under a result, or voided (`None`). Cancellations stop.
	fn close(slot: Slot, result: Option<&ClearingResult>);
	/// Turns the orders of one page into contracts under `result`: each order keeps the hold
	/// its fill needs and gets the rest back; an order without fill, or every order of a voided
	/// slot (`None`), is released whole and closed. Returns how many orders it handled.
	fn apply_page(slot: Slot, page: u32, result: Option<&ClearingResult>) -> u32;

	/// The owner of contracted order `id`: an order still open with a fill.
	fn contracted_owner(id: OrderId) -> Option<AccountId>;
	/// Moves what contracted bid `id` pays for its energy, `fill * price`, from its hold to
	/// `escrow`. Returns the amount moved (0 for an ask, an unknown or an already collected bid).
	fn collect_bid(id: OrderId, price: Balance, escrow: &AccountId) -> Balance;
	/// `who`'s contracted position in `slot`, if it has one.
	fn position(slot: Slot, who: &AccountId) -> Option<Position>;
	/// Pays up to `amount` from what `who`'s orders of `slot` hold to `payee`, releases the
	/// rest of their hold and forgets them. Returns what was paid.
	fn close_position(slot: Slot, who: &AccountId, payee: &AccountId, amount: Balance) -> Balance;
	/// Forgets the last page of the slot's book, and the book itself with its first page.
	/// Returns the pages left.
	fn prune_last_page(slot: Slot) -> u32;

	/// Fills `slot`'s book with `orders` synthetic orders that cross (bids and asks in turn),
	/// each of its own funded owner with its hold if `with_owners`, else only listed in the
	/// book's pages. For the benchmarks of the pallets that clear books; no transaction
	/// reaches it.
	fn fill_for_benchmarks(slot: Slot, orders: u32, with_owners: bool);
	/// Gives `who` (admitted already) the most contracted orders an account may have in
	/// `slot`, bids and asks in turn, each filled `fill_wh` at `price` with the hold that
	/// needs. For the benchmarks of settlement.
	fn contract_for_benchmarks(slot: Slot, who: &AccountId, fill_wh: EnergyWh, price: Balance);
}

/// Where a slot's clearing stands, as settlement needs it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClearingState {
	/// Not cleared or voided yet, or its orders are still being turned into contracts.
	Pending,
	/// Final and without trades: voided, not crossing, or without orders.
	NoTrade,
	/// Every order is a contract at this price (planck per Wh).
	Traded { price: Balance },
}

/// The clearing outcomes (pallet `clearing`).
pub trait ClearedSlots {
	/// How `slot` stands.
	fn clearing_state(slot: Slot) -> ClearingState;
	/// Forgets the slot's outcome once it is settled.
	fn forget(slot: Slot);
	/// Makes `slot` cleared at `price` with its contracts formed. For the benchmarks of
	/// settlement.
	fn clear_for_benchmarks(slot: Slot, price: Balance);
}
