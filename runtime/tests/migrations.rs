//! The runtime's migrations replayed on a real chain's state: a dev chain that ran the previous
//! release (spec 100, `e2e/fixtures`) with a market in it (an approved household's settled slot,
//! orders still open in a later one with their deposits in the escrow, a household registered
//! and not yet approved), exported at its best block by
//! `e2e/tools/snapshot-previous-runtime.mjs` into `tests/fixtures/previous-runtime-state.json`.
//! What try-runtime's `on-runtime-upgrade` checks, natively: each migration's before and after,
//! every pallet's invariants, and that a second run changes nothing.
use frame_support::{
	storage::{storage_prefix, KeyPrefixIterator},
	traits::{fungible::Inspect, GetStorageVersion},
};
use sp_core::{bytes::from_hex, storage::Storage};
use wattle_primitives::AdmissionStatus;
use wattle_runtime::{Balances, Executive, Orders, Participants, Runtime, Settlement};

fn snapshot() -> sp_io::TestExternalities {
	let json: serde_json::Value =
		serde_json::from_str(include_str!("fixtures/previous-runtime-state.json"))
			.expect("the snapshot is JSON");
	let top = json["top"]
		.as_object()
		.expect("raw storage, key to value")
		.iter()
		.map(|(key, value)| {
			(from_hex(key).expect("hex key"), from_hex(value.as_str().unwrap()).expect("hex value"))
		})
		.collect();
	sp_io::TestExternalities::new(Storage { top, children_default: Default::default() })
}

/// Every raw key of the registry, without decoding its values (they are still version 0).
fn registry_keys() -> Vec<Vec<u8>> {
	let prefix = storage_prefix(b"Participants", b"Registry").to_vec();
	KeyPrefixIterator::new(prefix.clone(), prefix, |key| Ok(key.to_vec())).collect()
}

/// Every planck that is held (registration deposits, session keys' deposits).
fn held() -> u128 {
	pallet_balances::Holds::<Runtime>::iter_values()
		.flat_map(|holds| holds.into_iter())
		.map(|hold| hold.amount)
		.sum()
}

#[test]
fn the_upgrade_from_spec_100_migrates_participants_links_and_books_once_and_keeps_every_planck() {
	snapshot().execute_with(|| {
		assert_eq!(Participants::on_chain_storage_version(), 0, "the snapshot is of version 0");
		let participants = registry_keys().len();
		assert_eq!(participants, 6, "the five dev households and one pending newcomer");
		let issuance = Balances::total_issuance();
		let holds = held();
		let escrow = Balances::total_balance(&Settlement::escrow_account());
		assert!(escrow > Balances::minimum_balance(), "open orders have deposits in the escrow");

		let book_pages = pallet_orders::SlotBook::<Runtime>::iter_keys().count();
		assert!(book_pages > 0, "the snapshot has open orders");

		Executive::execute_on_runtime_upgrade();

		assert_eq!(Participants::on_chain_storage_version(), 2);
		assert_eq!(Orders::on_chain_storage_version(), 1);
		assert_eq!(Settlement::on_chain_storage_version(), 1);
		assert_eq!(
			Participants::links(0),
			vec![wattle_primitives::ZoneLink::unbounded(0)],
			"the dev zone is linked to the hub, unbounded"
		);
		// Every page of every book decodes with its orders' zones, those of their households.
		let pages: Vec<_> = pallet_orders::SlotBook::<Runtime>::iter().collect();
		assert_eq!(pages.len(), book_pages, "every page decodes as version 1");
		for (_, _, lines) in pages {
			for line in lines {
				let owner = pallet_participants::Registry::<Runtime>::get(&line.owner).unwrap();
				assert_eq!(line.zone, owner.zone);
			}
		}
		let billed_from = Orders::current_slot() + 1;
		let migrated: Vec<_> = pallet_participants::Registry::<Runtime>::iter().collect();
		assert_eq!(migrated.len(), participants, "every participant decodes as version 1");
		for (_, p) in &migrated {
			let expected = (p.status != AdmissionStatus::Pending).then_some(billed_from);
			assert_eq!(p.billed_from, expected);
		}
		assert_eq!(migrated.iter().filter(|(_, p)| p.billed_from.is_none()).count(), 1);
		assert_eq!(Balances::total_issuance(), issuance, "nothing minted or burned");
		assert_eq!(held(), holds, "every registration deposit still held");
		assert_eq!(Balances::total_balance(&Settlement::escrow_account()), escrow);
		Participants::do_try_state().expect("participants' invariants");
		Orders::do_try_state().expect("orders' invariants");
		Settlement::do_try_state().expect("settlement's invariants");

		let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
		Executive::execute_on_runtime_upgrade();
		assert_eq!(
			sp_io::storage::root(sp_runtime::StateVersion::V1),
			root,
			"a second run is a no-op"
		);
	});
}
