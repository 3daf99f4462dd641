//! Benchmarks: verifying and storing a result for books of 1 to 196 pages (512 orders a page:
//! up to 100,000 orders), clearing on chain and voiding. Accepting a result writes nothing per
//! order: every fill follows from the O(zones) result.
//! Their tests run with the unit tests; `scripts/benchmark.sh` turns them into `weights.rs`.
use super::*;
use crate::pallet::{Call, Config, Outcomes, Pallet};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use wattle_double_auction::clear_split;
use wattle_primitives::{BookFixtures, GridFixtures, GridLinks, MarketClock, OrderBook, Slot};

const SLOT: Slot = 1_000;

/// Sets the clock `secs_before_start` seconds before `SLOT` starts.
fn before_start<T: Config>(secs_before_start: u64) {
	let start = T::Clock::config().slot_start(SLOT);
	T::Clock::set_now_secs(start.saturating_sub(secs_before_start));
}

fn book_result<T: Config>() -> SplitResult {
	clear_split(Pallet::<T>::whole_book(SLOT), &T::Grid::links(SLOT)).expect("bounded book; qed")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case per page: full pages, every order verified, in a market of the most zones of
	/// which every other one is cut off by its link (so the finish, O(zones²), works on a split
	/// market). 196 pages of 512 orders are the runtime's 100,000 orders.
	#[benchmark]
	fn verify_result(p: Linear<1, 196>) {
		let per_page = T::Book::orders_per_page();
		let zones = T::Grid::zones_for_benchmarks(wattle_double_auction::MAX_ZONES, 0);
		T::Book::fill_for_benchmarks(SLOT, p * per_page, &zones);
		before_start::<T>(1);
		let result = book_result::<T>();
		// Books of the runtime's pages split; a mock's pages of a few orders may not.
		if per_page >= 512 {
			let split = matches!(&result, SplitResult::Trade(split)
				if split.zones.iter().any(|zone| zone.price != split.hub_price));
			assert!(split, "a split market");
		}
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(caller), SLOT, result);
		assert!(Outcomes::<T>::contains_key(SLOT));
	}

	#[benchmark]
	fn clear_on_chain(n: Linear<1, { wattle_primitives::MAX_ON_CHAIN_CLEARING_LIMIT }>) {
		T::Book::fill_for_benchmarks(SLOT, n, &[]);
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
		T::Book::fill_for_benchmarks(SLOT, limit + 1, &[]);
		before_start::<T>(0);
		NextSlotToClose::<T>::put(SLOT);
		#[block]
		{
			Pallet::<T>::close_started_slots();
		}
		assert_eq!(Outcomes::<T>::get(SLOT), Some(Outcome::Voided));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
