//! The registry as the other market pallets see it ([`ParticipantRegistry`]).
use crate::{pallet::*, MAX_REPUTATION};
use wattle_primitives::{Balance, ParticipantInfo, ParticipantRegistry, ZoneId, ZoneInfo};

impl<T: Config> ParticipantRegistry<T::AccountId> for Pallet<T> {
	fn participant(who: &T::AccountId) -> Option<ParticipantInfo> {
		Participants::<T>::get(who)
	}

	fn zone(zone: ZoneId) -> Option<ZoneInfo<T::AccountId>> {
		Zones::<T>::get(zone)
	}

	fn is_meter_relay(zone: ZoneId, who: &T::AccountId) -> bool {
		Zones::<T>::get(zone).is_some_and(|z| z.operator == *who) ||
			Oracles::<T>::get(zone).contains(who)
	}

	fn adjust_reputation(who: &T::AccountId, delta: i32) {
		let changed = Participants::<T>::mutate(who, |p| {
			let p = p.as_mut()?;
			let reputation = (p.reputation as i32).saturating_add(delta).clamp(0, MAX_REPUTATION as i32);
			p.reputation = reputation as u16;
			Some(p.reputation)
		});
		if let Some(reputation) = changed {
			Self::deposit_event(Event::ReputationChanged { who: who.clone(), reputation });
		}
	}

	fn add_debt(who: &T::AccountId, amount: Balance) -> sp_runtime::DispatchResult {
		let total = Participants::<T>::try_mutate(who, |p| {
			let p = p.as_mut().ok_or(Error::<T>::NotRegistered)?;
			p.debt = p.debt.checked_add(amount).ok_or(Error::<T>::DebtOverflow)?;
			Ok::<_, Error<T>>(p.debt)
		})?;
		Self::deposit_event(Event::DebtIncurred { who: who.clone(), amount, total });
		Ok(())
	}
}
