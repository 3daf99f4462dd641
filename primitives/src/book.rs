//! The order book (pallet `orders`) as clearing and settlement see it.
use crate::Slot;
use alloc::vec::Vec;
use wattle_double_auction::{ClearingResult, Order};

/// A slot's order book, read and closed by clearing (steps 3 and 4).
pub trait OrderBook {
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
	/// Fills `slot`'s book with `orders` synthetic orders that cross (bids and asks in turn),
	/// each of its own funded owner with its hold if `with_owners`, else only listed in the
	/// book's pages. For the benchmarks of the pallets that clear books; no transaction
	/// reaches it.
	fn fill_for_benchmarks(slot: Slot, orders: u32, with_owners: bool);
}
