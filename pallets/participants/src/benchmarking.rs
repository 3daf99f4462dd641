//! Benchmarks of every call at its worst case. Their tests run with the unit tests; the node's
//! `benchmark pallet` command (scripts/benchmark.sh) turns them into `weights.rs`.
use super::*;
use crate::pallet::{Call, Config, Oracles, Pallet, Registry, SlotLinks};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::sr25519;
use wattle_primitives::MarketClock;
use wattle_primitives::{Balance, WTL};

use crate::registry::{fixture_tariffs as tariffs, FIXTURE_ZONE as ZONE};

const FUNDS: Balance = 1_000_000 * WTL;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, FUNDS);
	who
}

fn meter_key(index: u32) -> sr25519::Public {
	let mut raw = [0u8; 32];
	raw[..4].copy_from_slice(&index.to_le_bytes());
	raw[31] = 0xee;
	sr25519::Public::from_raw(raw)
}

fn zone_with_operator<T: Config>() -> T::AccountId {
	let operator = funded::<T>("operator", 0);
	Pallet::<T>::do_create_zone(ZONE, operator.clone(), tariffs()).expect("fresh zone; qed");
	operator
}

fn registered<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("household", index);
	Pallet::<T>::do_register(&who, Role::Prosumer, ZONE, meter_key(index), 10_000)
		.expect("funded household in an existing zone; qed");
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_zone() {
		let operator: T::AccountId = account("operator", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Root, ZONE, operator.clone(), tariffs());
		assert_eq!(Zones::<T>::get(ZONE).map(|z| z.operator), Some(operator));
	}

	#[benchmark]
	fn set_tariffs() {
		let operator = zone_with_operator::<T>();
		let mut new_tariffs = tariffs();
		new_tariffs.grid_fee += 1;
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), ZONE, new_tariffs);
		assert_eq!(Zones::<T>::get(ZONE).map(|z| z.tariffs), Some(new_tariffs));
	}

	#[benchmark]
	fn register() {
		zone_with_operator::<T>();
		let who = funded::<T>("household", 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Role::Prosumer, ZONE, meter_key(1), T::MaxPowerW::get());
		assert!(Registry::<T>::contains_key(&who));
	}

	#[benchmark]
	fn approve() {
		let operator = zone_with_operator::<T>();
		let who = registered::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), who.clone());
		assert_eq!(Registry::<T>::get(&who).map(|p| p.status), Some(AdmissionStatus::Approved));
	}

	#[benchmark]
	fn suspend() {
		let operator = zone_with_operator::<T>();
		let who = registered::<T>(1);
		let reason: BoundedVec<u8, T::MaxReasonLen> =
			BoundedVec::truncate_from(alloc::vec![b'x'; T::MaxReasonLen::get() as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), who.clone(), reason);
		assert_eq!(Registry::<T>::get(&who).map(|p| p.status), Some(AdmissionStatus::Suspended));
	}

	#[benchmark]
	fn reinstate() {
		let operator = zone_with_operator::<T>();
		let who = registered::<T>(1);
		Registry::<T>::mutate(&who, |p| {
			if let Some(p) = p {
				p.status = AdmissionStatus::Suspended;
			}
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), who.clone());
		assert_eq!(Registry::<T>::get(&who).map(|p| p.status), Some(AdmissionStatus::Approved));
	}

	#[benchmark]
	fn add_oracle() {
		let operator = zone_with_operator::<T>();
		// Worst case: the list is one short of full, so the duplicate scan reads all of it.
		for i in 1..T::MaxOraclesPerZone::get() {
			Pallet::<T>::do_add_oracle(&operator, account("oracle", i, 0)).expect("room; qed");
		}
		let oracle: T::AccountId = account("oracle", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), oracle.clone());
		assert!(Oracles::<T>::get(ZONE).contains(&oracle));
	}

	#[benchmark]
	fn remove_oracle() {
		let operator = zone_with_operator::<T>();
		// Worst case: a full list, removing its last entry.
		for i in 0..T::MaxOraclesPerZone::get() {
			Pallet::<T>::do_add_oracle(&operator, account("oracle", i, 0)).expect("room; qed");
		}
		let oracle: T::AccountId = account("oracle", T::MaxOraclesPerZone::get() - 1, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), oracle.clone());
		assert!(!Oracles::<T>::get(ZONE).contains(&oracle));
	}

	#[benchmark]
	fn update_meter() {
		zone_with_operator::<T>();
		let who = registered::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), meter_key(2));
		assert_eq!(Registry::<T>::get(&who).map(|p| p.meter_key), Some(meter_key(2)));
	}

	#[benchmark]
	fn deregister() {
		zone_with_operator::<T>();
		let who = registered::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Registry::<T>::contains_key(&who));
	}

	#[benchmark]
	fn repay_debt() {
		zone_with_operator::<T>();
		let who = registered::<T>(1);
		Registry::<T>::mutate(&who, |p| {
			if let Some(p) = p {
				p.debt = WTL;
			}
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert_eq!(Registry::<T>::get(&who).map(|p| p.debt), Some(0));
	}

	#[benchmark]
	fn set_link_caps() {
		let operator = zone_with_operator::<T>();
		// A slot's gate has just closed: it keeps the caps it is being cleared under.
		let config = T::Clock::config();
		T::Clock::set_now_secs(config.slot_start(1_000) - config.gate_closure_secs);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 5_000, 7_000);
		assert_eq!(Pallet::<T>::default_link(ZONE).map(|link| link.export_cap_wh), Some(5_000));
	}

	#[benchmark]
	fn limit_link() {
		let operator = zone_with_operator::<T>();
		let config = T::Clock::config();
		T::Clock::set_now_secs(config.slot_start(1_000) - config.gate_closure_secs - 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 1_000, 0, 0);
		assert!(SlotLinks::<T>::contains_key(1_000, ZONE));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
