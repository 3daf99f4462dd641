//! # Wattle double auction
//!
//! Clears one delivery slot of the Wattle market by a uniform-price double auction (pay-as-clear):
//! every trade in the slot settles at one price. This crate is pure and `no_std`, with no storage,
//! so that the clearing authorities' off-chain workers, the runtime's check of a submitted result,
//! the benchmarks and the property tests all run the same code.
//!
//! ## Units
//!
//! - Energy in watt-hours: [`EnergyWh`] (`u64`), as `wattle_primitives::EnergyWh`.
//! - Prices in planck per watt-hour: [`Price`] (`u128`, the width of `wattle_primitives::Balance`).
//!   1 WTL per kWh is 10^9 planck per Wh. A buyer pays, and a seller receives, `price * fill_wh`.
//!
//! ## The rule
//!
//! A book holds bids ([`Side::Buy`]) and asks ([`Side::Sell`]), each with positive energy, a limit
//! price and an [`OrderId`] that increases with placement. Its result is what [`clear`] computes:
//!
//! 1. Sort bids by (price descending, id ascending) and asks by (price ascending, id ascending).
//! 2. Match greedily: while the best remaining bid is priced at or above the best remaining ask,
//!    trade the smaller of their remaining energies. Equal prices trade, so the volume is the
//!    largest the book allows.
//! 3. The volume `V` is the energy matched; if `V = 0`, nothing trades and there is no price.
//! 4. `lo` is the highest price among asks that sell and bids left short, `hi` the lowest among
//!    bids that buy and asks left short (an empty set is ignored). The price is
//!    `p = lo + (hi - lo) / 2`, rounded down.
//!
//! ## The result and its canonical form
//!
//! [`ClearingResult`] is either [`ClearingResult::NoTrade`] or a [`Clearing`] of the price `p`,
//! the volume `V` and, per side, an optional [`Marginal`] order with its fill. It takes O(1)
//! space whatever the size of the book, and every order's fill follows from it ([`fill_of`]):
//!
//! - bids priced above `p` and asks priced below `p` are filled completely;
//! - bids priced below `p` and asks priced above `p` receive nothing;
//! - at exactly `p`, orders of a side with an id below its marginal id are filled completely, the
//!   marginal order is filled `fill_wh`, and orders with a higher id, or all of them if the side
//!   has no marginal order, receive nothing.
//!
//! The form is canonical: a side's marginal order is, among its orders priced exactly `p` that
//! receive energy, the one with the highest id, with `1 <= fill_wh <= energy_wh`; when all of them
//! are filled completely it is still the highest of them, with its whole energy. If no order of
//! the side at `p` receives energy, the side has no marginal order. `V` and the marginal fills are
//! [`NonZeroEnergyWh`], so a trade without volume or a marginal without fill cannot be encoded.
//! Since any set of fills that is "prefix in id order at `p`" has exactly one such description,
//! and the clearing's fills have that shape (see below), each book has exactly one result.
//!
//! ## Verification
//!
//! A submitted result is checked by [`verify`], or by a [`Verifier`] fed one order at a time:
//!
//! - without trade: the book does not cross (the highest bid is priced below the lowest ask, or a
//!   side is empty);
//! - with trade: each marginal order exists, is of its side, is priced exactly `p` and its fill is
//!   at most its energy; the bids' fills and the asks' fills both add up to `V`; not both sides
//!   have an order priced exactly `p` left short; and `p` is `lo + (hi - lo) / 2` for the `lo` and
//!   `hi` of step 4 computed from the fills. "Orders priced better than `p` fill completely,
//!   worse ones not at all, and at `p` in id order" holds by construction of [`fill_of`].
//!
//! Each order's fill is a function of the order and the O(1) result alone, so no sorting is
//! needed: each order adds to two sums, a maximum, a minimum and a few flags. That makes the check
//! O(n), independent of the order in which orders arrive, and streamable: the runtime can read a
//! large book from storage in pages across blocks and keep the [`Verifier`]'s SCALE-encoded state
//! (bounded by `MaxEncodedLen`) in storage between them.
//!
//! ## Why the checks accept exactly the result of [`clear`]
//!
//! Count energy in units: in step 1's order, let `d_k` be the price of the bid holding the k-th
//! Wh of demand and `s_k` the price of the ask holding the k-th Wh of supply. `d` falls and `s`
//! rises, so the greedy matching trades exactly `V* = max { k : d_k >= s_k }` (0 if none) and
//! fills the first `V*` units of each side.
//!
//! *Accepted results are right.* Take a trade that passes every check, with price `p` and volume
//! `V`. Because each marginal order is a real order of its side at `p` with a fill within its
//! energy, the fills derived from it cover a prefix of each side in step 1's order, so each
//! side's fills are fixed by their total, which the sum checks make `V`.
//! - `V <= V*`: the bid holding unit `V` buys, so `d_V >= p`; the ask holding it sells, so
//!   `s_V <= p`; hence `d_V >= s_V`.
//! - `V >= V*`: if `V < V*`, the bid holding unit `V + 1` is left short, so `d_(V+1) <= p`, and
//!   the ask holding it too, so `s_(V+1) >= p`; with `d_(V+1) >= s_(V+1)` both equal `p`, and two
//!   orders at `p` on opposite sides are left short, which is rejected.
//!
//! So the fills are the greedy's; `lo` and `hi` are those of step 4, and the midpoint check fixes
//! `p`. Given `p` and the fills, each side's marginal is fixed: two different marginal orders, or
//! a marginal and none, give some order at `p` different fills. Hence the result is the
//! clearing's. A no-trade is accepted only if the book does not cross, that is `V* = 0`; a trade
//! needs `V >= 1` and so `V* >= 1`.
//!
//! *The clearing's result passes.* Its fills are prefixes; the last matched bid and ask crossed,
//! so `lo <= hi` and `p` lies in `[lo, hi]`, which puts every short bid at or below `p`, every
//! short ask at or above it, and every trading order on the right side of it. The matching
//! stopped because a side ran out or because the best short bid is priced below the best short
//! ask, so not both sides are short at `p`.
//!
//! Each check is needed: without the existence check, a made-up id between two real ids at `p`
//! would describe the same fills as the real marginal; without the short-at-`p` check, a bid and
//! an ask at the same price could be left trading less than they can; without the midpoint
//! check, any price in `[lo, hi]` would do.
//!
//! ## Bounds
//!
//! The volume, and each side's sum of fills, must fit in a `u64`. The pallet bounds the orders of
//! a slot and the energy of an order far below that (even 10^6 orders of 10^9 Wh sum to 10^15 Wh,
//! against 1.8 * 10^19), but nothing here relies on it: [`clear`] reports
//! [`ClearError::VolumeOverflow`] instead of wrapping, and the verifier treats a sum beyond
//! `u64::MAX` as a volume mismatch. Prices never overflow: the midpoint is computed as
//! `lo + (hi - lo) / 2`.
//!
//! ## Cost
//!
//! [`clear`] is O(n log n): one unstable sort per side on (price, id), then one linear pass; it
//! allocates only the two vectors holding each side. Verification is O(n) with O(1) state.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod clearing;
mod types;
mod verification;

#[cfg(test)]
mod tests;

pub use clearing::{clear, ClearError};
pub use types::{
	fill_of, Clearing, ClearingResult, EnergyWh, Marginal, NonZeroEnergyWh, Order, OrderId, Price,
	Side,
};
pub use verification::{verify, Verifier, VerifyError};
