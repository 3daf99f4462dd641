//! # Settlement: step 7 of a blockchain power transaction (settlement and credit evaluation)
//!
//! Settlement keeps each household's record of each slot ([`Positions`], one key per slot and
//! household): the orders it placed (pallet `orders` writes them here, with their deposit in the
//! market's escrow), its meter's signed reading (pallet `metering` writes it here) and, once the
//! slot is settled, its bill. It is the one pallet that moves a bill's money.
//!
//! Once a slot's metering window has closed, every registered household is settled exactly once
//! if it has a record of the slot (orders or a reading) or is billed for the slot (it has been
//! approved before the slot began: it drew from the grid whether it traded or not), under the
//! settlement rule of `docs/DESIGN.md`:
//!
//! - **Energy** at its zone's clearing price: each order's fill follows from the slot's
//!   O(zones) clearing result and the household's zone; a buyer pays `bought * price` and a
//!   seller receives `sold * price`, both through the market's escrow (`settlement.escrow`),
//!   which holds every deposit of every unsettled order.
//! - **Congestion rent.** Where a congested link split the market, buyers paid more than the
//!   sellers received: `Σ (hub price − zone price) · net export`. Once every household is
//!   settled, each congested zone's term is paid out of the escrow to that zone's operator
//!   ([`Event::CongestionRentPaid`]), so the escrow ends the slot as it began.
//! - **Grid fee** `bought * grid_fee` to the zone operator.
//! - **Imbalance** `d = measured_net - contracted_net` (Wh, net export): for `d < 0` the
//!   household pays `|d| * retail_price` to the zone operator, for `d > 0` the operator pays
//!   `d * feed_in_price`. A household with a reading and no position is settled the same way:
//!   the grid is its supplier of last resort.
//! - **Missing reading**, with a position or without: the meter counts as having imported the
//!   connection's whole capacity for the slot and exported nothing, and the zone's
//!   `missing_reading_penalty` is due on top. No true reading costs more, so withholding one
//!   never pays, whether the household traded or not.
//! - **Who pays how.** What the household owes comes from its deposit first, then its free
//!   balance; the rest is recorded as debt ([`wattle_primitives::ParticipantRegistry`]), which
//!   stops it trading until `repayDebt`. The rest of its deposit is paid back. Nothing is minted
//!   or burned.
//! - **Credit evaluation.** Reputation +`ReputationGain` for a slot with a position settled
//!   within `imbalance_tolerance_wh`, −`ImbalanceLoss` beyond it, −`MissingReadingLoss`
//!   without a reading, −`DebtLoss` for new debt. A slot without a position breaches no
//!   contract and changes reputation only by new debt. Below `min_reputation` a household
//!   cannot place orders.
//!
//! **How it runs.** Slots are settled in order. A slot's walk visits each registered household
//! once, in the registry's order, from a stored cursor: `on_idle` settles as many as the block has room for, and anyone
//! may push the walk on with [`Pallet::settle`], so no block goes over its weight however many
//! households a slot has. Each household gets an event [`Event::Settled`] and its bill in its
//! record (kept for `BillRetentionSlots` slots, then pruned with a cursor, a bounded number of
//! records a block); each slot ends with [`Event::SlotSettled`] and its totals in
//! [`SlotTotalsOf`]. The slot's book is pruned at its end; its clearing outcome, which explains
//! the bills' fills, goes with its records.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

pub use pallet::*;

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmarking;
pub mod curtailment;
mod cut_links;
mod ledger;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod rule;
#[cfg(test)]
mod tests;
mod types;
mod walk;
pub mod weights;

pub use cut_links::ZoneDues;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			BuildGenesisConfig,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::AccountIdConversion;
	use wattle_double_auction::Side;
	use wattle_primitives::{
		AdmissionFixtures, Balance, ClearedSlots, EnergyWh, MarketClock, OrderBook,
		ParticipantRegistry, Slot, ZoneId,
	};

	/// 1: the walk's progress keeps the slot's prices per zone and the rent paid
	/// ([`crate::migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency of the market.
		type Currency: Mutate<Self::AccountId, Balance = Balance>;

		/// The admission registry: zones, tariffs, reputation and debt. Fixtures serve
		/// benchmarks only.
		type Registry: ParticipantRegistry<Self::AccountId> + AdmissionFixtures<Self::AccountId>;

		/// The market's clock and configuration.
		type Clock: MarketClock;

		/// The order books, pruned once their slot is settled (pallet `orders`); the fixtures
		/// serve benchmarks only.
		type Book: OrderBook + wattle_primitives::BookFixtures;

		/// The clearing outcomes (pallet `clearing`); the fixtures serve benchmarks only.
		type Clearing: ClearedSlots + wattle_primitives::ClearingFixtures;

		/// Derives the market's escrow account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The most orders one household may place in one slot, cancelled ones included, so that
		/// no household alone can fill a slot's `MaxOrdersPerSlot` by placing and cancelling.
		#[pallet::constant]
		type MaxOrdersPerAccountPerSlot: Get<u32>;

		/// The most households one `settle` call may settle.
		#[pallet::constant]
		type MaxStepsPerCall: Get<u32>;

		/// How many slots bills and slot totals are kept after settlement.
		#[pallet::constant]
		type BillRetentionSlots: Get<Slot>;

		/// Reputation gained for a slot with a position within the imbalance tolerance.
		#[pallet::constant]
		type ReputationGain: Get<u16>;

		/// Reputation lost for a slot with a position and an imbalance beyond the tolerance.
		#[pallet::constant]
		type ImbalanceLoss: Get<u16>;

		/// Reputation lost for a slot with a position and no meter reading.
		#[pallet::constant]
		type MissingReadingLoss: Get<u16>;

		/// Reputation lost when settlement leaves new debt.
		#[pallet::constant]
		type DebtLoss: Get<u16>;

		/// Weights of this pallet's call and steps, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The next slot to settle once its metering window closes; slots are settled in order.
	#[pallet::storage]
	pub type NextSlotToSettle<T: Config> = StorageValue<_, Slot, OptionQuery>;

	/// The slot being settled and how far its walk is.
	#[pallet::storage]
	pub type InProgress<T: Config> = StorageValue<_, Progress, OptionQuery>;

	/// Each household's record of a slot (`slot`, `household`): its orders and their deposit,
	/// its meter reading, and its bill once the slot is settled. Kept for `BillRetentionSlots`
	/// slots after settlement.
	#[pallet::storage]
	pub type Positions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		Slot,
		Blake2_128Concat,
		T::AccountId,
		SlotRecord<T::MaxOrdersPerAccountPerSlot>,
	>;

	/// Each settled slot's totals: price, volume, imbalances, fees, debt.
	#[pallet::storage]
	pub type SlotTotalsOf<T: Config> = StorageMap<_, Twox64Concat, Slot, SlotTotals>;

	/// The links cut after their slot was cleared (`slot`, `zone`): the caps each still
	/// carries, under which the zone's contracts shrink ([`Pallet::curtail_link`]). Kept as long
	/// as the slot's bills.
	#[pallet::storage]
	pub type Curtailments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, Slot, Twox64Concat, ZoneId, Curtailment>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` was settled for `slot`: it paid `energy_paid` and received `energy_received`
		/// for energy, paid `grid_fee`, had an imbalance of `imbalance_wh` (net export beyond
		/// its contract, Wh) that cost `imbalance_charge` or earned `imbalance_credit`, paid
		/// `penalty` for a missing reading, and was left with `debt` new debt. `curtailed_wh` of
		/// its cleared contract was cut by its zone's operator ([`Event::LinkCurtailed`]); its
		/// bill counts the contract that remained. The whole bill is in
		/// `settlement.positions(slot, who).bill`.
		Settled {
			slot: Slot,
			who: T::AccountId,
			energy_paid: Balance,
			energy_received: Balance,
			grid_fee: Balance,
			imbalance_wh: i64,
			imbalance_charge: Balance,
			imbalance_credit: Balance,
			penalty: Balance,
			debt: Balance,
			curtailed_wh: EnergyWh,
		},
		/// Every household of `slot` is settled and the slot's book is pruned; totals in
		/// `settlement.slotTotalsOf(slot)`.
		SlotSettled { slot: Slot, participants: u32, volume_wh: EnergyWh, price: Balance },
		/// The congestion rent of `zone`'s link in `slot`, `(hub price − zone price) · net
		/// export`, was paid to its operator out of the escrow.
		CongestionRentPaid { slot: Slot, zone: ZoneId, operator: T::AccountId, amount: Balance },
		/// `zone`'s operator cut its link for cleared `slot` to `export_cap_wh` and
		/// `import_cap_wh`: the contracts of the zone's `side` (its sellers for a cut export, its
		/// buyers for a cut import) lose `shed_wh` in all, pro rata, at the prices they cleared
		/// at. At the hub price the operator supplies the energy the zone no longer exports
		/// (paid at settlement), or takes and pays for (`paid_now`, into the escrow) what it no
		/// longer imports.
		LinkCurtailed {
			slot: Slot,
			zone: ZoneId,
			export_cap_wh: EnergyWh,
			import_cap_wh: EnergyWh,
			side: Side,
			shed_wh: EnergyWh,
			paid_now: Balance,
		},
		/// `amount` of what `who` owed its zone's `operator` for `slot` could not be paid for a
		/// reason that is not the household's: the operator's account cannot receive it (it does
		/// not exist and the amount is below the existential deposit). The household keeps that
		/// money and it is not its debt; its bill's `paid_from_hold`, `paid_from_balance` and
		/// `debt` leave it out.
		OperatorPaymentRefused {
			slot: Slot,
			who: T::AccountId,
			operator: T::AccountId,
			amount: Balance,
		},
		/// The operator of curtailed `zone` was paid `amount` out of the escrow for the `shed_wh`
		/// it supplied at the hub in slot `slot` at the hub price.
		HubSupplyPaid {
			slot: Slot,
			zone: ZoneId,
			operator: T::AccountId,
			shed_wh: EnergyWh,
			amount: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `max` must be at least 1.
		ZeroSteps,
		/// `max` is above `MaxStepsPerCall`: ask for fewer steps.
		TooManySteps,
		/// The slot is settled already.
		AlreadySettled,
		/// An earlier slot is still to be settled: settle `settlement.nextSlotToSettle` first.
		EarlierSlotFirst,
		/// The slot's metering window is still open (or the slot has not happened yet).
		MeteringWindowOpen,
		/// The slot's clearing is not final yet.
		ClearingPending,
		/// The zone does not exist, or was not part of the slot's market.
		UnknownZone,
		/// Only the zone's operator may curtail its link.
		NotZoneOperator,
		/// A link can be curtailed only once its slot is cleared and until the slot ends; after
		/// that the meters tell what flowed.
		NotCurtailableNow,
		/// The slot did not trade, or traded before zones were cleared apart: it has no zone
		/// contracts to curtail.
		NothingCleared,
		/// The zone's cleared net flow fits within these caps: nothing would be cut.
		NothingToCurtail,
		/// A curtailment can only tighten the caps of an earlier one: households may already
		/// have cut their flows.
		CurtailmentLoosened,
		/// The operator's free balance cannot pay, at the hub price, for the energy its zone no
		/// longer imports.
		OperatorCannotPay,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _marker: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The escrow keeps the existential deposit for good, so that paying out of it
			// never reaps it and no dust is ever burned.
			let escrow = Pallet::<T>::escrow_account();
			let missing =
				T::Currency::minimum_balance().saturating_sub(T::Currency::balance(&escrow));
			if missing > 0 {
				T::Currency::mint_into(&escrow, missing)
					.expect("genesis can fund the escrow's existential deposit; qed");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			// Settlement starts with the slot the chain's clock first shows: no order can be
			// for an earlier one. Before the first timestamp the clock reads 0.
			if NextSlotToSettle::<T>::get().is_none() && T::Clock::now_secs() > 0 {
				NextSlotToSettle::<T>::put(T::Clock::current_slot());
				return T::DbWeight::get().reads_writes(3, 1);
			}
			T::DbWeight::get().reads(1)
		}

		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::walk(u32::MAX, remaining, None).1
		}

		fn integrity_test() {
			assert!(T::MaxStepsPerCall::get() > 0, "settle must be able to take a step");
			assert!(T::MaxOrdersPerAccountPerSlot::get() > 0, "a household places some order");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Push the settlement of `slot` on by up to `max` steps (a household settled, a page
		/// of the book or a batch of expired records pruned). Open to anyone; `on_idle` does the
		/// same work in blocks with room to spare. Only the next slot to settle can be pushed,
		/// once its metering window has closed and its clearing is final.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::walk_weight(*max))]
		pub fn settle(origin: OriginFor<T>, slot: Slot, max: u32) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			ensure!(max > 0, Error::<T>::ZeroSteps);
			ensure!(max <= T::MaxStepsPerCall::get(), Error::<T>::TooManySteps);
			let next = Self::next_slot_to_settle().ok_or(Error::<T>::MeteringWindowOpen)?;
			ensure!(slot >= next, Error::<T>::AlreadySettled);
			ensure!(slot == next, Error::<T>::EarlierSlotFirst);
			if InProgress::<T>::get().is_none() {
				Self::opening(slot)?;
			}
			let (_, used) = Self::walk(max, Self::walk_weight(max), Some(slot));
			Ok(Some(used).into())
		}

		/// Curtail `zone`'s link for `slot` after the slot was cleared (a fault, an overload
		/// between clearing and delivery): it carries at most `export_cap_wh` out of the zone and
		/// `import_cap_wh` into it. Only the zone's operator, from the slot's clearing until its
		/// end; a later call may only tighten the caps.
		///
		/// Prices stand and contracts shrink: the zone's sellers (for a cut export) or buyers
		/// (for a cut import) lose, pro rata to their cleared fills, the energy by which the
		/// zone's cleared net flow exceeds the cap, and each is settled on what remains, so a
		/// household that follows the cut has no imbalance and is not paid for energy it did not
		/// deliver. The other zones' contracts stand: the operator supplies at the hub, and is
		/// paid for at the hub price at settlement, what its zone no longer exports, or takes at
		/// the hub what its zone no longer imports and pays for it now, at the hub price, into
		/// the escrow. The congestion rent is paid on the curtailed flows.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::curtail_link())]
		pub fn curtail_link(
			origin: OriginFor<T>,
			slot: Slot,
			zone: ZoneId,
			export_cap_wh: EnergyWh,
			import_cap_wh: EnergyWh,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_curtail_link(who, slot, zone, export_cap_wh, import_cap_wh)
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// `who`'s bill for `slot`, once settled (kept for `BillRetentionSlots` slots).
		pub fn bill(slot: Slot, who: T::AccountId) -> Option<Bill> {
			Positions::<T>::get(slot, who).and_then(|record| record.bill)
		}

		/// `who`'s record of `slot`: orders, deposit, reading and bill.
		pub fn position(
			slot: Slot,
			who: T::AccountId,
		) -> Option<SlotRecord<T::MaxOrdersPerAccountPerSlot>> {
			Positions::<T>::get(slot, who)
		}

		/// `zone`'s link as curtailed after `slot` was cleared, if it was.
		pub fn curtailment(slot: Slot, zone: ZoneId) -> Option<Curtailment> {
			Curtailments::<T>::get(slot, zone)
		}

		/// The totals of settled `slot`.
		pub fn slot_totals(slot: Slot) -> Option<SlotTotals> {
			SlotTotalsOf::<T>::get(slot)
		}

		/// The market's escrow account: it holds the deposits of every order not yet settled.
		pub fn escrow() -> T::AccountId {
			Self::escrow_account()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The market's escrow account.
		pub fn escrow_account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The invariants: the escrow holds its existential deposit, every unsettled record's
		/// deposit, and what the households settled so far in the slot being settled paid in for
		/// energy less what they were paid out for it (sellers may come first) and what the
		/// zones' operators were paid; at least that much, since a stranger may give it more and
		/// an operator that cut an import has paid in for slots not yet settled.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let progress = InProgress::<T>::get();
			let deposits = Positions::<T>::iter_values()
				.filter(|record| record.bill.is_none())
				.fold(0, |total: Balance, record| total.saturating_add(record.deposit));
			let (paid_in, paid_out) = progress
				.as_ref()
				.map_or((0, 0), |p| (p.paid_in, p.paid_out.saturating_add(p.rent_paid)));
			let owed = T::Currency::minimum_balance()
				.saturating_add(deposits)
				.saturating_add(paid_in)
				.checked_sub(paid_out)
				.ok_or("the slot being settled paid sellers more than all deposits")?;
			ensure!(
				T::Currency::balance(&Self::escrow_account()) >= owed,
				"the escrow holds less than the unsettled deposits"
			);
			// The walk visits registered households only: an open record of anyone else would
			// keep its deposit in the escrow for good. One left with cancelled orders only holds
			// nothing and is pruned with its slot.
			for (_, who, record) in Positions::<T>::iter() {
				ensure!(
					!record.is_open() || T::Registry::participant(&who).is_some(),
					"an unsettled record of an account that is not registered"
				);
			}
			Ok(())
		}
	}
}
