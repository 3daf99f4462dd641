//! The registry as the other market pallets see it ([`ParticipantRegistry`]).
use crate::{pallet::*, MAX_REPUTATION};
use codec::{Decode, Encode};
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use sp_runtime::traits::{AccountIdConversion, TrailingZeroInput};
use wattle_primitives::{
	Balance, EnergyWh, ParticipantInfo, ParticipantRegistry, ZoneId, ZoneInfo,
};

impl<T: Config> ParticipantRegistry<T::AccountId> for Pallet<T> {
	fn initial_reputation() -> u16 {
		T::InitialReputation::get()
	}

	fn participant(who: &T::AccountId) -> Option<ParticipantInfo> {
		Registry::<T>::get(who)
	}

	fn zone(zone: ZoneId) -> Option<ZoneInfo<T::AccountId>> {
		Zones::<T>::get(zone)
	}

	fn is_meter_relay(zone: ZoneId, who: &T::AccountId) -> bool {
		Zones::<T>::get(zone).is_some_and(|z| z.operator == *who)
			|| Oracles::<T>::get(zone).contains(who)
	}

	fn adjust_reputation(who: &T::AccountId, delta: i32) {
		let changed = Registry::<T>::mutate(who, |p| {
			let p = p.as_mut()?;
			let reputation =
				(p.reputation as i32).saturating_add(delta).clamp(0, MAX_REPUTATION as i32);
			p.reputation = reputation as u16;
			Some(p.reputation)
		});
		if let Some(reputation) = changed {
			Self::deposit_event(Event::ReputationChanged { who: who.clone(), reputation });
		}
	}

	fn add_debt(who: &T::AccountId, amount: Balance) -> sp_runtime::DispatchResult {
		let total = Registry::<T>::try_mutate(who, |p| {
			let p = p.as_mut().ok_or(Error::<T>::NotRegistered)?;
			p.debt = p.debt.checked_add(amount).ok_or(Error::<T>::DebtOverflow)?;
			Ok::<_, Error<T>>(p.debt)
		})?;
		Self::deposit_event(Event::DebtIncurred { who: who.clone(), amount, total });
		Ok(())
	}

	fn participants_after(
		after: Option<&T::AccountId>,
	) -> alloc::boxed::Box<dyn Iterator<Item = (T::AccountId, ParticipantInfo)>> {
		match after {
			// The key of `after` orders the walk even once `after` itself has left.
			Some(after) => alloc::boxed::Box::new(Registry::<T>::iter_from(
				Registry::<T>::hashed_key_for(after),
			)),
			None => alloc::boxed::Box::new(Registry::<T>::iter()),
		}
	}
}

/// The zone [`AdmissionFixtures::admit`] puts participants in: far from any preset's zones.
pub const FIXTURE_ZONE: ZoneId = 9_999;

impl<T: Config> wattle_primitives::AdmissionFixtures<T::AccountId> for Pallet<T> {
	fn admit(
		who: &T::AccountId,
		role: wattle_primitives::Role,
		max_power_w: u32,
		meter_key: sp_core::sr25519::Public,
	) -> Result<ZoneId, sp_runtime::DispatchError> {
		if !Zones::<T>::contains_key(FIXTURE_ZONE) {
			// Not `wtl/…` like the market's own accounts: a mock runtime's u64 accounts keep only
			// the id's first 4 bytes.
			let operator: T::AccountId =
				frame_support::PalletId(*b"fixtzone").into_account_truncating();
			Self::do_create_zone(FIXTURE_ZONE, operator, fixture_tariffs())?;
		}
		// Fixtures fund what the deposit needs, so that callers without a currency can use them.
		let needed = T::RegistrationDeposit::get()
			.saturating_mul(2)
			.saturating_add(T::Currency::minimum_balance());
		if T::Currency::balance(who) < needed {
			T::Currency::set_balance(who, needed);
		}
		Self::do_register(who, role, FIXTURE_ZONE, meter_key, max_power_w)?;
		Registry::<T>::mutate(who, |p| {
			if let Some(p) = p {
				p.status = wattle_primitives::AdmissionStatus::Approved;
				p.billed_from = Some(0);
			}
		});
		Ok(FIXTURE_ZONE)
	}

	fn fund(who: &T::AccountId, amount: wattle_primitives::Balance) {
		T::Currency::set_balance(who, amount);
	}
}

impl<T: Config> wattle_primitives::GridFixtures for Pallet<T> {
	fn zones_for_benchmarks(zones: u32, cap_wh: EnergyWh) -> alloc::vec::Vec<ZoneId> {
		let wanted = zones.min(wattle_primitives::MAX_ZONES) as usize;
		let mut id: ZoneId = 0;
		while Links::<T>::get().len() < wanted {
			if !Zones::<T>::contains_key(id) {
				// The zone first, so that even a mock runtime's u64 accounts differ zone by zone.
				let seed = (id, *b"wattle/zone-operator").encode();
				let operator = T::AccountId::decode(&mut TrailingZeroInput::new(&seed))
					.expect("infinite input decodes; qed");
				Self::do_create_zone(id, operator, fixture_tariffs())
					.expect("a fresh zone and operator with valid tariffs; qed");
			}
			id = id.saturating_add(1);
		}
		let links = Links::<T>::get();
		for (index, link) in links.iter().enumerate() {
			let cap = if index % 2 == 1 { cap_wh } else { EnergyWh::MAX };
			Self::do_set_link_caps(link.zone, cap, cap).expect("the zone exists; qed");
		}
		Links::<T>::get().iter().map(|link| link.zone).collect()
	}
}

/// Tariffs of the fixture zone: the development tariffs.
pub fn fixture_tariffs() -> wattle_primitives::Tariffs {
	wattle_primitives::dev_tariffs()
}
