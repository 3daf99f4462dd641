//! Benchmarks of each step of the walk at its worst case: a participant with the most orders an
//! account may have, bids and asks, a reading far off its contract, part of the bill paid from
//! its balance and the rest left as debt; a full page of the book loaded or pruned. Their tests
//! run with the unit tests; `scripts/benchmark.sh` turns them into `weights.rs`.
use super::*;
use crate::pallet::{Bills, Config, InProgress, NextSlotToSettle, Pallet};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	weights::Weight,
};
use sp_core::sr25519;
use wattle_double_auction::Side;
use wattle_primitives::{
	AdmissionFixtures, Balance, ClearedSlots, EnergyWh, MarketClock, MeterReadings, OrderBook,
	Role, Slot, WTL, WTL_PER_KWH,
};

const SLOT: Slot = 1_000;
const PRICE: Balance = WTL_PER_KWH / 5;
const FILL_WH: EnergyWh = 10;

/// The clock after `SLOT`'s metering window.
fn after_metering<T: Config>() {
	T::Clock::set_now_secs(T::Clock::config().metering_closes(SLOT).saturating_add(1));
}

/// An admitted prosumer with the most contracted orders an account may have in `SLOT`.
fn trader<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("household", 0, 0);
	T::Registry::admit(&who, Role::Prosumer, 1_000_000, sr25519::Public::from_raw([7; 32]))
		.expect("a fresh account; qed");
	T::Book::contract_for_benchmarks(SLOT, &who, FILL_WH, PRICE);
	T::Clearing::clear_for_benchmarks(SLOT, PRICE);
	who
}

fn progress(stage: Stage, collected: Balance) -> Progress {
	Progress {
		slot: SLOT,
		stage,
		collected,
		paid_out: 0,
		totals: SlotTotals { price: PRICE, ..Default::default() },
	}
}

fn one_step<T: Config>() {
	Pallet::<T>::walk(1, Weight::MAX, None);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Reading a full page of the book.
	#[benchmark]
	fn load_page() {
		let per_page = T::Book::orders_per_page();
		T::Book::fill_for_benchmarks(SLOT, per_page, false);
		let entries;
		#[block]
		{
			entries = T::Book::page(SLOT, 0);
		}
		assert_eq!(entries.len() as u32, per_page);
	}

	/// Moving a contracted bid's payment from its hold into the escrow.
	#[benchmark]
	fn collect_bid() {
		trader::<T>();
		after_metering::<T>();
		InProgress::<T>::put(progress(Stage::Collect { page: 0, index: 0 }, 0));
		#[block]
		{
			one_step::<T>();
		}
		let collected = InProgress::<T>::get().map_or(0, |p| p.collected);
		assert_eq!(collected, PRICE * FILL_WH as Balance);
	}

	/// Settling a participant at the worst case: every order of its slot to read and close,
	/// energy paid from the escrow, a shortfall far beyond its holds, paid partly from its
	/// balance with the rest recorded as debt, reputation changed, bill and event written.
	#[benchmark]
	fn settle_participant() {
		let who = trader::<T>();
		let escrow = Pallet::<T>::escrow_account();
		let mut collected: Balance = 0;
		for page in 0..T::Book::pages(SLOT) {
			for order in T::Book::page(SLOT, page) {
				if order.side == Side::Buy {
					collected += T::Book::collect_bid(order.id, PRICE, &escrow);
				}
			}
		}
		T::Meter::record_for_benchmarks(SLOT, &who, 20_000, 0);
		let free = T::Currency::minimum_balance().saturating_add(WTL / 1_000);
		T::Currency::set_balance(&who, free);
		after_metering::<T>();
		InProgress::<T>::put(progress(Stage::Positions { page: 0, index: 0 }, collected));
		#[block]
		{
			one_step::<T>();
		}
		let bill = Bills::<T>::get(SLOT, &who).expect("settled; qed");
		assert!(bill.debt > 0 && bill.paid_from_balance > 0 && bill.energy_received > 0);
	}

	/// Forgetting a full page of a settled slot's book.
	#[benchmark]
	fn prune_page() {
		let per_page = T::Book::orders_per_page();
		T::Book::fill_for_benchmarks(SLOT, per_page * 2, false);
		InProgress::<T>::put(progress(Stage::PruneBook, 0));
		#[block]
		{
			one_step::<T>();
		}
		assert_eq!(T::Book::pages(SLOT), 1);
	}

	/// Forgetting a bill past the retention period.
	#[benchmark]
	fn prune_bill() {
		let who: T::AccountId = account("household", 0, 0);
		Bills::<T>::insert(SLOT, &who, Bill::default());
		let mut walk = progress(Stage::PruneBills, 0);
		walk.slot = SLOT + T::BillRetentionSlots::get();
		InProgress::<T>::put(walk);
		#[block]
		{
			one_step::<T>();
		}
		assert!(!Bills::<T>::contains_key(SLOT, &who));
	}

	/// A whole slot that traded nobody's orders: every stage started and finished once.
	#[benchmark]
	fn empty_slot() {
		T::Clearing::clear_for_benchmarks(SLOT, PRICE);
		NextSlotToSettle::<T>::put(SLOT);
		after_metering::<T>();
		#[block]
		{
			Pallet::<T>::walk(u32::MAX, Weight::MAX, Some(SLOT));
		}
		assert_eq!(NextSlotToSettle::<T>::get(), Some(SLOT + 1));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
