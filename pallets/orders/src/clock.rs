//! The market's clock: the configuration in storage and the block's timestamp.
use crate::pallet::*;
use wattle_primitives::{MarketClock, MarketConfig};

impl<T: Config> MarketClock for Pallet<T> {
	fn config() -> MarketConfig {
		Configuration::<T>::get()
	}

	fn now_secs() -> u64 {
		pallet_timestamp::Now::<T>::get() / 1_000
	}

	fn set_now_secs(unix_secs: u64) {
		pallet_timestamp::Now::<T>::put(unix_secs.saturating_mul(1_000));
	}
}
