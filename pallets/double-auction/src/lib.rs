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
//! ## Market splitting: zones behind links with caps
//!
//! A market whose households sit in grid zones clears with [`clear_split`] and is checked with
//! [`verify_split`] or a [`SplitVerifier`]. Each zone hangs off the hub (the substation) through a
//! [`ZoneLink`] with an export cap `E_z` and an import cap `I_z` in Wh per slot; each order is a
//! [`ZonedOrder`]. Zone `z`'s net export is `x_z = sold_z - bought_z`; a result must have
//! `-I_z <= x_z <= E_z` for every zone and `Σ x_z = 0` (the hub itself does not trade).
//!
//! ### The result
//!
//! [`SplitResult::NoTrade`], or a [`SplitClearing`]: the hub price `π` and per zone (all zones of
//! the links, in ascending order) a [`ZoneClearing`] with its price `p_z`, what it buys and
//! sells, and its marginal orders at `p_z`. Within a zone the single auction's fill rule holds at
//! the zone's price (priced better: full; worse: nothing; at `p_z`: id order up to the marginal),
//! so the result is O(zones) and every fill follows from it.
//!
//! ### The rule
//!
//! 1. **Welfare.** The fills maximise `Σ bids price·fill − Σ asks price·fill` under the caps.
//!    Checked by complementary slackness: within each zone by the fill rule at `p_z`; across a
//!    link, `p_z < π` only if the zone exports its whole cap (`x_z = E_z`), `p_z > π` only if it
//!    imports its whole cap (`x_z = −I_z`). Zones whose link is not congested share `π`; an
//!    exporting zone cut off by its cap is priced at or below the hub, an importing one at or
//!    above. These prices are the LP's duals, so the welfare is optimal.
//! 2. **Volume.** Among the welfare optima, the most energy trades: in no zone are a bid and an
//!    ask priced exactly `p_z` both left short, and there are no two zones at the hub price where
//!    one has an ask at `π` left short and room to export and the other a bid at `π` left short
//!    and room to import.
//! 3. **Time priority.** At a price level, earlier orders (lower ids) trade first: within a zone
//!    by the fill rule, and between zones at the hub price wherever the links allow: no zone's
//!    marginal ask has a higher id than another zone's lowest short ask at `π` while the first
//!    can import more and the second export more (and the same for bids, the links the other
//!    way round).
//! 4. **Prices.** From the fills, each zone has an interval of prices they allow: `lo_z` and
//!    `hi_z` as in step 4 of the single rule, either possibly open. The hub's interval is the
//!    intersection of: `[lo_z, hi_z]` for a zone within both caps; `[lo_z, ∞)` for one at its
//!    export cap only; `(−∞, hi_z]` for one at its import cap only; nothing for one at both. The
//!    hub price is its midpoint, rounded down (its one bound if it is open on one side, 0 if
//!    nothing bounds it). A zone's price is the hub price if its interval holds it, else the
//!    midpoint of its own interval (its one bound if open on one side).
//!
//! With every link unbounded no zone can be at a cap, so every zone is at the hub price, rules 2
//! and 3 become those of the single auction over the whole book, and the hub's interval is the
//! single rule's `[lo, hi]`: the result is exactly [`clear`]'s, with one price for all
//! (a property test checks this on random books).
//!
//! Uniqueness is checked by enumeration: for thousands of small random books and links, of every
//! result the types can express (every price up to one above the book's highest, every marginal
//! and fill), the verifier accepts exactly one, the clearing's. The clearing is checked against
//! an LP solved by `good_lp` (`tests/lp_oracle.rs`): the same welfare, the most volume at that
//! welfare, the same volume per zone where the optimum is unique, and prices that are optimal
//! duals (strong duality, checked in integers).
//!
//! ### Congestion rent
//!
//! Buyers pay and sellers receive their own zone's price. Buyers then pay `Σ p_z·bought_z` and
//! sellers receive `Σ p_z·sold_z`; with `Σ x_z = 0` the difference is
//! `Σ (π − p_z)·x_z`, each term non-negative by rule 1: [`SplitClearing::congestion_rent`].
//!
//! ### Worked example
//!
//! A suburb (zone 1) of cheap PV behind a link that exports at most 6 Wh, and a town (zone 0):
//! the suburb asks 10 Wh at 2 (id 1) and 10 Wh at 4 (id 2) and bids 4 Wh at 3 (id 3); the town
//! bids 20 Wh at 8 (id 4) and asks 10 Wh at 7 (id 5). As one market it clears at 5, the suburb
//! exporting 20 Wh. With the cap, the suburb exports 6: its ask 1 sells 10, its own bid buys 4,
//! ask 2 sells nothing; its interval is `[2, 3]`. The town imports 6: ask 5 sells 10 and bid 4
//! buys 16, so its interval is `[8, 8]`, which is the hub's: `π = 8`, the town's price 8, the
//! suburb's 2 (8 is outside `[2, 3]`). Buyers pay `4·2 + 16·8 = 136`, sellers receive
//! `10·2 + 10·8 = 100`: a congestion rent of `(8 − 2)·6 = 36`.
//!
//! ### Cost
//!
//! [`clear_split`] sorts each zone's orders once by price alone, on 16-byte entries, and only
//! the one level per side where a zone's fill stops by id (O(n log n)). It finds the hub's level
//! by a binary search over prices (O(zones · log n) a step), clears each congested zone on its
//! own by another search, and shares out the hub's level among the coupled zones by exchanges
//! between pairs of zones. Prices above `u64::MAX` are keyed by their rank instead. The verifier is O(n) with O(zones) state, then O(zones²) at the end.
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
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

mod clearing;
mod split_clearing;
mod split_prices;
mod split_verification;
mod types;
mod verification;
mod zones;

#[cfg(test)]
mod split_tests;
#[cfg(test)]
mod tests;

pub use clearing::{clear, ClearError};
pub use split_clearing::{clear_split, SplitError};
pub use split_verification::{verify_split, SplitVerifier, SplitVerifyError};
pub use types::{
	fill_of, Clearing, ClearingResult, EnergyWh, Marginal, NonZeroEnergyWh, Order, OrderId, Price,
	Side,
};
pub use verification::{verify, Verifier, VerifyError};
pub use zones::{
	SplitClearing, SplitResult, ZoneClearing, ZoneClearings, ZoneId, ZoneLink, ZonedOrder,
	MAX_ZONES,
};
