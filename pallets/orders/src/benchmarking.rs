//! Benchmarks of the calls at the worst case of every bound. Their tests run with the unit
//! tests; the node's `benchmark pallet` command (scripts/benchmark.sh) turns them into
//! `weights.rs`.
use super::*;
use crate::pallet::{Books, Call, Config, Configuration, Pallet, SlotBook};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::BoundedVec, traits::Get};
use frame_system::RawOrigin;
use sp_core::sr25519;
use wattle_primitives::{
	order_id, AdmissionFixtures, Balance, Role, Slot, SlotLedger, WTL, WTL_PER_KWH,
};

const PRICE: Balance = WTL_PER_KWH / 5;

/// An approved prosumer with plenty of funds and a large connection.
fn trader<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Registry::admit(&who, Role::Prosumer, 1_000_000, sr25519::Public::from_raw([7; 32]))
		.expect("a fresh account; qed");
	T::Registry::fund(&who, 1_000_000_000 * WTL);
	who
}

/// The open slots, earliest first.
fn open_slots<T: Config>() -> Vec<Slot> {
	let current = <Pallet<T> as MarketClock>::current_slot();
	(current + 1..=current + Configuration::<T>::get().max_slots_ahead as Slot)
		.filter(|slot| Pallet::<T>::phase(*slot) == SlotPhase::Open)
		.collect()
}

/// Makes `who`'s next order in `slot` hit every bound's worst case: `who` one order short of
/// its per-slot limit (all on the same side, so the capacity check reads them all), and the
/// slot's current page one short of full.
fn worst_case_book<T: Config>(who: &T::AccountId, slot: Slot) {
	let quote = Pallet::<T>::quote(who).expect("an admitted trader; qed");
	let own = T::Ledger::max_orders_per_slot().saturating_sub(1);
	for _ in 0..own {
		Pallet::<T>::do_place_order(
			&quote,
			who,
			OrderSpec { slot, side: Side::Buy, energy_wh: 1, price: PRICE },
		)
		.expect("within every bound; qed");
	}
	let per_page = T::OrdersPerPage::get();
	let mut summary = Books::<T>::get(slot);
	let page = summary.placed / per_page;
	let mut lines: BoundedVec<_, T::OrdersPerPage> = SlotBook::<T>::get(slot, page);
	while lines.len() + 1 < per_page as usize {
		let order = BookEntry {
			id: order_id(slot, summary.placed),
			side: Side::Sell,
			energy_wh: 1,
			price: PRICE,
		};
		lines
			.try_push(BookLine { order, zone: 0, owner: who.clone() })
			.expect("one short of full; qed");
		summary.placed += 1;
		summary.open += 1;
	}
	SlotBook::<T>::insert(slot, page, lines);
	Books::<T>::insert(slot, summary);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn place_order() {
		let who = trader::<T>();
		let slot = open_slots::<T>()[0];
		worst_case_book::<T>(&who, slot);
		let next = order_id(slot, Books::<T>::get(slot).placed);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), slot, Side::Buy, 1, PRICE);
		assert_eq!(Pallet::<T>::book_line(next).map(|line| line.owner), Some(who));
	}

	#[benchmark]
	fn cancel_order() {
		let who = trader::<T>();
		let slot = open_slots::<T>()[0];
		worst_case_book::<T>(&who, slot);
		let quote = Pallet::<T>::quote(&who).expect("an admitted trader; qed");
		let spec = OrderSpec { slot, side: Side::Buy, energy_wh: 1, price: PRICE };
		let id = Pallet::<T>::do_place_order(&quote, &who, spec).expect("within every bound; qed");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(Pallet::<T>::book_line(id).is_none());
	}

	/// `n` orders of one household, each in a slot of its own, so that every order touches a
	/// book and a record of its own: the market is opened far enough ahead for that (the
	/// production market takes orders 96 slots ahead, the dev chain's only 30).
	#[benchmark]
	fn place_orders(n: Linear<1, { T::MaxOrdersPerCall::get() }>) {
		let who = trader::<T>();
		Configuration::<T>::mutate(|config| {
			config.max_slots_ahead = config.max_slots_ahead.max(T::MaxOrdersPerCall::get() + 2);
		});
		let slots = open_slots::<T>();
		assert!(slots.len() >= n as usize, "a slot of its own for every order");
		let orders: Vec<OrderSpec> = (0..n as usize)
			.map(|k| OrderSpec {
				slot: slots[k % slots.len()],
				side: Side::Buy,
				energy_wh: 1,
				price: PRICE,
			})
			.collect();
		let last = orders[orders.len() - 1].slot;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), orders);
		assert!(!T::Ledger::orders(last, &who).is_empty());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
