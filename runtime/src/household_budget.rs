//! What one household trading one order in one slot costs the chain, from the benchmarked
//! weights the runtime charges (with its RocksDB database weights): the figure the city-scale
//! goal is set on. `cargo test -p wattle-runtime household_budget -- --nocapture` prints it.
use crate::Runtime;
use frame_support::weights::{constants::ExtrinsicBaseWeight, Weight};
use pallet_clearing::WeightInfo as _;
use pallet_metering::WeightInfo as _;
use pallet_orders::WeightInfo as _;
use pallet_settlement::WeightInfo as _;

type Orders = pallet_orders::weights::SubstrateWeight<Runtime>;
type Clearing = pallet_clearing::weights::SubstrateWeight<Runtime>;
type Metering = pallet_metering::weights::SubstrateWeight<Runtime>;
type Settlement = pallet_settlement::weights::SubstrateWeight<Runtime>;

/// Readings a meter gateway relays per batch, and orders per page of the book.
const BATCH: u64 = 256;
const PAGE: u64 = 512;

/// Each phase of a household-slot: its name and its charged weight.
pub fn phases(day_ahead: bool) -> [(&'static str, Weight); 6] {
	let placement = if day_ahead {
		// A day of quarter hours in one `placeOrders`, its base spread over the 96 slots.
		Orders::place_orders(96).saturating_add(ExtrinsicBaseWeight::get()) / 96
	} else {
		Orders::place_order().saturating_add(ExtrinsicBaseWeight::get())
	};
	let reading =
		Metering::submit_readings(BATCH as u32).saturating_add(ExtrinsicBaseWeight::get()) / BATCH;
	let settle = Settlement::settle_households(1).saturating_sub(Settlement::settle_households(0));
	let prune = Settlement::prune_records(1)
		.saturating_sub(Settlement::prune_records(0))
		.saturating_add(Settlement::prune_page() / PAGE);
	[
		("placing the order (with the extrinsic base)", placement),
		(
			"verifying the clearing result, its share of a page",
			Clearing::verify_result(2).saturating_sub(Clearing::verify_result(1)) / PAGE,
		),
		("forming its contract", Weight::zero()),
		("its meter reading, its share of a batch of 256", reading),
		("settling it", settle),
		("pruning its record and its share of the book", prune),
	]
}

/// What the extensions of a signed transaction add to it: genesis, era, nonce, weight, fee and
/// weight reclaim, as the runtime charges them.
pub fn extensions() -> Weight {
	use frame_system::ExtensionsWeightInfo;
	use pallet_transaction_payment::WeightInfo;
	type System = <Runtime as frame_system::Config>::ExtensionsWeightInfo;
	type Payment = <Runtime as pallet_transaction_payment::Config>::WeightInfo;
	System::check_genesis()
		.saturating_add(System::check_mortality_mortal_transaction())
		.saturating_add(System::check_non_zero_sender())
		.saturating_add(System::check_spec_version())
		.saturating_add(System::check_tx_version())
		.saturating_add(System::check_nonce())
		.saturating_add(System::check_weight())
		.saturating_add(System::weight_reclaim())
		.saturating_add(Payment::charge_transaction_payment())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn millis(weight: Weight) -> f64 {
		weight.ref_time() as f64 / 1e9
	}

	#[test]
	fn household_budget() {
		for day_ahead in [false, true] {
			let phases = phases(day_ahead);
			let total = phases.iter().fold(Weight::zero(), |sum, (_, w)| sum.saturating_add(*w));
			println!(
				"one order per {}:",
				if day_ahead { "day (placeOrders of 96)" } else { "slot (placeOrder)" }
			);
			for (name, weight) in phases {
				println!("  {name:55} {:>8.3} ms", millis(weight));
			}
			println!("  {:55} {:>8.3} ms", "sum", millis(total));
			let signed = if day_ahead { extensions() / 96 } else { extensions() };
			println!("  {:55} {:>8.3} ms", "the signed transaction's extensions", millis(signed));
			println!("  {:55} {:>8.3} ms", "sum with them", millis(total.saturating_add(signed)));
		}
	}
}
