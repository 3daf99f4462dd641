//! Benchmarks of both calls at the worst case of every bound. Their tests run with the unit
//! tests; the node's `benchmark pallet` command (scripts/benchmark.sh) turns them into
//! `weights.rs`.
use super::*;
use crate::pallet::{AccountSlots, Books, Call, Config, OpenOrders, Pallet, SlotBook};
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use sp_core::sr25519;
use wattle_primitives::{AdmissionFixtures, Balance, Role, Slot, WTL, WTL_PER_KWH};

const PRICE: Balance = WTL_PER_KWH / 5;

/// An approved prosumer with plenty of funds and a large connection.
fn trader<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Currency::set_balance(&who, 1_000_000_000 * WTL);
	T::Registry::admit(&who, Role::Prosumer, 1_000_000, sr25519::Public::from_raw([7; 32]))
		.expect("a fresh funded account; qed");
	who
}

/// The first slot that takes orders now.
fn open_slot<T: Config>() -> Slot {
	let current = <Pallet<T> as MarketClock>::current_slot();
	(current + 1..=current + Configuration::<T>::get().max_slots_ahead as Slot)
		.find(|slot| Pallet::<T>::phase(*slot) == SlotPhase::Open)
		.expect("a valid configuration keeps some slot open; qed")
}

/// Makes `who`'s next order in `slot` hit every bound's worst case: a last page one short of
/// full, `who` one order short of its per-slot limit (all on the same side, so the capacity
/// check reads them all), and `who`'s slot list one short of full.
fn worst_case_book<T: Config>(who: &T::AccountId, slot: Slot) {
	let own = T::MaxOrdersPerAccountPerSlot::get().saturating_sub(1);
	for _ in 0..own {
		Pallet::<T>::do_place_order(who.clone(), slot, Side::Buy, 1, PRICE)
			.expect("within every bound; qed");
	}
	let summary = Books::<T>::get(slot);
	let last = summary.pages.saturating_sub(1);
	let mut page = SlotBook::<T>::get(slot, last);
	let mut id = OrderId::MAX / 2;
	while page.len() + 1 < T::OrdersPerPage::get() as usize {
		page.try_push(BookEntry { id, side: Side::Sell, energy_wh: 1, price: PRICE })
			.expect("one short of full; qed");
		id += 1;
	}
	SlotBook::<T>::insert(slot, last, page);
	AccountSlots::<T>::mutate(who, |slots| {
		let mut past: Slot = 0;
		while slots.len() + 1 < T::MaxOpenSlotsPerAccount::get() as usize {
			if !slots.contains(&past) {
				slots.try_push(past).expect("one short of full; qed");
			}
			past += 1;
		}
	});
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn place_order() {
		let who = trader::<T>();
		let slot = open_slot::<T>();
		worst_case_book::<T>(&who, slot);
		let next = NextOrderId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), slot, Side::Buy, 1, PRICE);
		assert_eq!(OpenOrders::<T>::get(next).map(|o| o.owner), Some(who));
	}

	#[benchmark]
	fn cancel_order() {
		let who = trader::<T>();
		let slot = open_slot::<T>();
		worst_case_book::<T>(&who, slot);
		let id = Pallet::<T>::do_place_order(who.clone(), slot, Side::Buy, 1, PRICE)
			.expect("within every bound; qed");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(OpenOrders::<T>::get(id).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
