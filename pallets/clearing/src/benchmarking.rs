//! Benchmarks: verifying and storing a result for books of 1 to 196 pages (512 orders a page:
//! up to 100,000 orders), clearing on chain, voiding, and forming the contracts of one page.
//! Their tests run with the unit tests; `scripts/benchmark.sh` turns them into `weights.rs`.
use super::*;
use crate::pallet::{Call, Config, ContractQueue, Outcomes, Pallet};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use wattle_double_auction::clear;
use wattle_primitives::{MarketClock, OrderBook, Slot};

const SLOT: Slot = 1_000;

/// Sets the clock `secs_before_start` seconds before `SLOT` starts.
fn before_start<T: Config>(secs_before_start: u64) {
	let start = T::Clock::config().slot_start(SLOT);
	T::Clock::set_now_secs(start.saturating_sub(secs_before_start));
}

fn book_result<T: Config>() -> ClearingResult {
	clear(&Pallet::<T>::whole_book(SLOT)).expect("bounded book; qed")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case per page: full pages, every order verified. 196 pages of 512 orders are the
	/// runtime's 100,000 orders.
	#[benchmark]
	fn verify_result(p: Linear<1, 196>) {
		let per_page = T::Book::orders_per_page();
		T::Book::fill_for_benchmarks(SLOT, p * per_page, false);
		before_start::<T>(1);
		let result = book_result::<T>();
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(caller), SLOT, result);
		assert!(Outcomes::<T>::contains_key(SLOT));
	}

	#[benchmark]
	fn clear_on_chain(n: Linear<1, 1_000>) {
		T::Book::fill_for_benchmarks(SLOT, n, false);
		before_start::<T>(0);
		NextSlotToClose::<T>::put(SLOT);
		#[block]
		{
			Pallet::<T>::close_started_slots();
		}
		assert!(Outcomes::<T>::contains_key(SLOT));
	}

	#[benchmark]
	fn void_slot() {
		let limit = T::Clock::config().on_chain_clearing_limit;
		T::Book::fill_for_benchmarks(SLOT, limit + 1, false);
		before_start::<T>(0);
		NextSlotToClose::<T>::put(SLOT);
		#[block]
		{
			Pallet::<T>::close_started_slots();
		}
		assert_eq!(Outcomes::<T>::get(SLOT), Some(Outcome::Voided));
	}

	/// One page of `n` orders with owners and holds, each keeping part of its hold.
	#[benchmark]
	fn form_contracts(n: Linear<1, 512>) {
		let n = n.min(T::Book::orders_per_page());
		T::Book::fill_for_benchmarks(SLOT, n, true);
		before_start::<T>(1);
		let result = book_result::<T>();
		Pallet::<T>::check_result(SLOT, &result).expect("the book's own result; qed");
		Outcomes::<T>::insert(SLOT, Outcome::Cleared(result));
		T::Book::close(SLOT, Some(&result));
		ContractQueue::<T>::put(frame_support::BoundedVec::truncate_from(alloc::vec![(SLOT, 0)]));
		NextSlotToClose::<T>::put(SLOT + 1_000);
		#[block]
		{
			Pallet::<T>::form_contracts();
		}
		assert!(ContractQueue::<T>::get().is_empty());
	}

	#[benchmark]
	fn set_authorities() {
		let authorities = frame_support::BoundedVec::truncate_from(alloc::vec![]);
		#[extrinsic_call]
		_(RawOrigin::Root, authorities);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
