//! Benchmark of a batch of `n` readings from `n` meters, each accepted, so every check and
//! every signature verification runs. Its test runs with the unit tests; the node's
//! `benchmark pallet` command (scripts/benchmark.sh) turns it into `weights.rs`.
use super::*;
use crate::pallet::{Call, Config, Pallet, SignedReading};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use sp_core::crypto::KeyTypeId;
use wattle_primitives::{
	reading_payload, AdmissionFixtures, MarketClock, ParticipantRegistry, Role, SlotLedger,
};

/// Where the benchmark keeps its meters' keys in the keystore.
const METER_KEYS: KeyTypeId = KeyTypeId(*b"metr");

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_readings(n: Linear<1, { T::MaxReadingsPerBatch::get() }>) {
		let config = T::Clock::config();
		// Half a metering window after the end of slot 1_000.
		let slot = 1_000;
		T::Clock::set_now_secs(config.slot_end(slot) + config.metering_window_secs / 2);
		let genesis_hash = Pallet::<T>::genesis_hash();
		let mut relay = None;
		let mut readings = Vec::new();
		for i in 0..n {
			let who: T::AccountId = account("household", i, 0);
			let meter = sp_io::crypto::sr25519_generate(METER_KEYS, None);
			<T as Config>::Registry::admit(&who, Role::Prosumer, 1_000_000, meter)
				.expect("fresh accounts admitted by the fixture; qed");
			let zone = <T as Config>::Registry::participant(&who).expect("just admitted; qed").zone;
			relay = <T as Config>::Registry::zone(zone).map(|z| z.operator);
			let payload = reading_payload(&genesis_hash, &who, slot, 1, 1);
			let signature = sp_io::crypto::sr25519_sign(METER_KEYS, &meter, &payload)
				.expect("the key was just generated in the keystore; qed");
			readings.push(SignedReading {
				participant: who,
				slot,
				imported_wh: 1,
				exported_wh: 1,
				signature,
			});
		}
		let relay = relay.expect("n >= 1; qed");
		let last: T::AccountId = account("household", n - 1, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(relay), readings);
		assert!(T::Ledger::reading(slot, &last).is_some());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
