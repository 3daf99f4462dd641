//! Benchmarks of the walk at its worst case: `n` households of one zone, each with the most
//! orders a record may hold (bids and asks, all filled), no reading (so the substitute and the
//! penalty apply), a bill beyond its deposit paid partly from its balance and the rest left as
//! debt; a full page of the book pruned; `n` expired records pruned in one block. Their tests
//! run with the unit tests; `scripts/benchmark.sh` turns them into `weights.rs`.
use super::*;
use crate::pallet::{Config, Curtailments, InProgress, NextSlotToSettle, Pallet, Positions};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	weights::Weight,
};
use sp_core::sr25519;
use wattle_double_auction::{Clearing, Order, Side, SplitClearing, ZoneClearing};
use wattle_primitives::{
	order_deposit, order_id, AdmissionFixtures, Balance, BookFixtures, ClearingFixtures, EnergyWh,
	MarketClock, OrderBook, ParticipantRegistry, Role, Slot, ZoneId, WTL_PER_KWH,
};

const SLOT: Slot = 1_000;
const PRICE: Balance = WTL_PER_KWH / 5;
const FILL_WH: EnergyWh = 10;

/// The clock after `SLOT`'s metering window.
fn after_metering<T: Config>() {
	T::Clock::set_now_secs(T::Clock::config().metering_closes(SLOT).saturating_add(1));
}

/// `SLOT` cleared at `PRICE`: bids priced above it and asks priced below it fill completely.
fn cleared<T: Config>() -> Clearing {
	let clearing = Clearing {
		price: PRICE,
		volume_wh: core::num::NonZeroU64::MIN,
		marginal_bid: None,
		marginal_ask: None,
	};
	T::Clearing::clear_for_benchmarks(SLOT, wattle_primitives::ClearedPrices::Single(clearing));
	clearing
}

/// `SLOT` split into the most zones, the first of them `zone`, which imports
/// `imported_wh` at twice the hub price `PRICE`.
fn split_with_importer<T: Config>(zone: ZoneId, imported_wh: EnergyWh) {
	let zones = (0..wattle_double_auction::MAX_ZONES).map(|k| ZoneClearing {
		zone: zone + k,
		price: if k == 0 { PRICE * 2 } else { PRICE },
		bought_wh: if k == 0 { imported_wh } else { 0 },
		sold_wh: if k == 1 { imported_wh } else { 0 },
		marginal_bid: None,
		marginal_ask: None,
	});
	let split = SplitClearing {
		hub_price: PRICE,
		zones: zones.collect::<Vec<_>>().try_into().expect("MAX_ZONES zones; qed"),
	};
	T::Clearing::clear_for_benchmarks(SLOT, wattle_primitives::ClearedPrices::Split(split));
}

/// `n` admitted prosumers of one zone, each with a full record of `SLOT` whose deposit is in the
/// escrow, no reading and little free balance.
fn households<T: Config>(n: u32) -> Vec<T::AccountId> {
	let escrow = Pallet::<T>::escrow_account();
	let mut escrowed = T::Currency::minimum_balance();
	let mut all = Vec::new();
	for i in 0..n {
		let who: T::AccountId = account("household", i, 0);
		let mut meter = [7u8; 32];
		meter[..4].copy_from_slice(&i.to_le_bytes());
		let zone =
			T::Registry::admit(&who, Role::Prosumer, 1_000_000, sr25519::Public::from_raw(meter))
				.expect("a fresh account with a meter of its own; qed");
		let tariffs = T::Registry::zone(zone).expect("the fixture's zone; qed").tariffs;
		let mut record = SlotRecord::new(zone);
		record.grid_fee = tariffs.grid_fee;
		record.collateral = tariffs.seller_collateral;
		for k in 0..T::MaxOrdersPerAccountPerSlot::get() {
			let (side, price) =
				if k % 2 == 0 { (Side::Buy, PRICE * 2) } else { (Side::Sell, PRICE / 2) };
			let seq = i * T::MaxOrdersPerAccountPerSlot::get() + k;
			let order = Order { id: order_id(SLOT, seq), side, energy_wh: FILL_WH, price };
			record.deposit += order_deposit(&order, record.grid_fee, record.collateral)
				.expect("small amounts; qed");
			record.orders.try_push(order).expect("within the bound; qed");
		}
		escrowed += record.deposit;
		Positions::<T>::insert(SLOT, &who, record);
		// Enough to pay part of the bill from the balance, not all of it.
		T::Currency::set_balance(&who, T::Currency::minimum_balance() + 1_000);
		all.push(who);
	}
	T::Currency::set_balance(&escrow, escrowed);
	all
}

fn progress(clearing: Option<Clearing>, stage: Stage) -> Progress {
	Progress {
		slot: SLOT,
		clearing: clearing.map(wattle_primitives::ClearedPrices::Single),
		stage,
		paid_in: 0,
		paid_out: 0,
		totals: SlotTotals { price: PRICE, ..Default::default() },
		rent_paid: 0,
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Settling `n` households of one zone at the worst case in one walk (the genesis
	/// households, if any, are settled with them in the base weight).
	#[benchmark]
	fn settle_households(n: Linear<0, { T::MaxStepsPerCall::get() }>) {
		let clearing = cleared::<T>();
		let genesis = T::Registry::participants_after(None).count() as u32;
		let all = households::<T>(n);
		after_metering::<T>();
		InProgress::<T>::put(progress(Some(clearing), Stage::Households { after: None }));
		#[block]
		{
			Pallet::<T>::walk(n + genesis, Weight::MAX, None);
		}
		for who in all {
			let bill = Positions::<T>::get(SLOT, &who).and_then(|r| r.bill).expect("settled; qed");
			assert!(bill.debt > 0 && bill.reading_missing && bill.energy_received > 0);
		}
	}

	/// Forgetting a full page of a settled slot's book.
	#[benchmark]
	fn prune_page() {
		let per_page = T::Book::orders_per_page();
		T::Book::fill_for_benchmarks(SLOT, per_page * 2, &[]);
		InProgress::<T>::put(progress(None, Stage::PruneBook));
		#[block]
		{
			Pallet::<T>::walk(1, Weight::MAX, None);
		}
		assert_eq!(T::Book::pages(SLOT), 1);
	}

	/// Forgetting `n` records past the retention period in one block.
	#[benchmark]
	fn prune_records(n: Linear<0, 5_000>) {
		for i in 0..n {
			let who: T::AccountId = account("household", i, 0);
			Positions::<T>::insert(SLOT, &who, SlotRecord::new(0));
		}
		let removed;
		#[block]
		{
			removed = Pallet::<T>::prune_expired(SLOT, None, n).0;
		}
		assert_eq!(removed, n);
	}

	/// A whole slot without records or orders: every stage started and finished once.
	#[benchmark]
	fn empty_slot() {
		cleared::<T>();
		NextSlotToSettle::<T>::put(SLOT);
		after_metering::<T>();
		#[block]
		{
			Pallet::<T>::walk(u32::MAX, Weight::MAX, Some(SLOT));
		}
		assert_eq!(NextSlotToSettle::<T>::get(), Some(SLOT + 1));
	}

	/// Tightening an earlier cut of an import in the slot's delivery: the operator pays for
	/// the further energy it takes at the hub, in a market of the most zones.
	#[benchmark]
	fn curtail_link() {
		let household: T::AccountId = account("household", 0, 0);
		let zone = T::Registry::admit(
			&household,
			Role::Consumer,
			1_000_000,
			sr25519::Public::from_raw([9; 32]),
		)
		.expect("a fresh account with a meter of its own; qed");
		let operator = T::Registry::zone(zone).expect("the fixture's zone; qed").operator;
		T::Registry::fund(&operator, T::Currency::minimum_balance() + 1_000 * PRICE);
		split_with_importer::<T>(zone, 1_000);
		Curtailments::<T>::insert(
			SLOT,
			zone,
			Curtailment { export_cap_wh: EnergyWh::MAX, import_cap_wh: 500, settled_wh: 0 },
		);
		T::Clock::set_now_secs(T::Clock::config().slot_start(SLOT).saturating_add(1));
		let escrow_before = T::Currency::balance(&Pallet::<T>::escrow_account());
		#[extrinsic_call]
		_(frame_system::RawOrigin::Signed(operator), SLOT, zone, EnergyWh::MAX, 100);
		assert_eq!(Curtailments::<T>::get(SLOT, zone).map(|c| c.import_cap_wh), Some(100));
		assert_eq!(
			T::Currency::balance(&Pallet::<T>::escrow_account()),
			escrow_before + 400 * PRICE
		);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
