//! # Clearing: steps 3 and 4 of a blockchain power transaction (matching and contract)
//!
//! At gate closure a slot's book is final, and the slot is cleared as a double auction split
//! into zones (pay-as-clear, market splitting, see `wattle-double-auction`): every zone whose
//! link to the hub is not congested trades at the hub's price, a zone cut off by its link's cap
//! at a price of its own, and the caps of every link hold (step 5 at grid level).
//!
//! - **Off chain.** The off-chain worker of each clearing authority (a node with a `clea` key
//!   in its keystore that is in [`Authorities`]) reads the book of every slot past gate closure
//!   and not yet cleared, computes the result, signs it and submits it as a fee-less authorized
//!   transaction ([`Pallet::submit_result_as_authority`]). The transaction pool rejects an
//!   invalid or stale result before it reaches a block.
//! - **On chain, the runtime only verifies.** The result is O(zones) in size (the hub price
//!   and per zone its price, what it buys and sells and its marginal orders); the runtime checks
//!   it against the book and the slot's links (`participants.links(slot)`) in one O(n) pass with
//!   no sorting. Anyone may submit the same result in a signed transaction
//!   ([`Pallet::submit_result`]), so clearing does not depend on one party. The first valid
//!   result is final.
//! - **Contract.** Once a result is accepted, every order is a contract for the fill that follows
//!   from it and the order (`ZoneClearing::fill_of`): event [`Event::SlotCleared`], and
//!   [`Event::MarketSplit`] when a congested link split it; result in [`Outcomes`]. Nothing is written per order: settlement (step 7) reads each
//!   household's fills from the O(1) result, and pays back what a deposit does not need.
//! - **Fallback.** A slot with no valid result by its start is cleared by the runtime itself if
//!   it holds at most `on_chain_clearing_limit` orders, and voided otherwise (nothing trades,
//!   [`Event::SlotVoided`]). The fallback looks at every slot in turn and never skips one.
//! - **Grid security.** The connection limit of every participant was enforced at order time
//!   (step 5, pallet `orders`); a cleared fill never exceeds its order; and no zone's net
//!   export exceeds its link's caps for the slot.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

pub use pallet::*;
pub use wattle_double_auction::{
	Clearing, ClearingResult, Marginal, SplitClearing, SplitResult, SplitVerifyError, ZoneClearing,
	ZoneClearings,
};

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmarking;
pub mod crypto;
#[cfg(test)]
mod mock;
mod offchain;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

/// A clearing authority's public key.
pub type AuthorityId = crypto::Public;
/// A clearing authority's signature over a result.
pub type AuthoritySignature = crypto::Signature;

/// The most started slots the fallback looks at in one block.
pub const MAX_SLOTS_CLOSED_PER_BLOCK: u32 = 4;

/// The bytes before a result that a clearing authority signs.
pub const RESULT_CONTEXT: [u8; 15] = *b"wattle/clearing";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
	use frame_support::pallet_prelude::*;
	use frame_system::{offchain::CreateAuthorizedTransaction, pallet_prelude::*};
	use scale_info::TypeInfo;
	use sp_runtime::{traits::Zero, RuntimeAppPublic};
	use wattle_double_auction::{clear_split, SplitVerifier};
	use wattle_primitives::{GridLinks, MarketClock, OrderBook, Slot, SlotPhase};

	/// How a slot ended its clearing.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
	)]
	pub enum Outcome {
		/// Cleared at one price, by a runtime before market splitting (spec 101 and earlier).
		Cleared(ClearingResult),
		/// No valid result in time and too many orders to clear on chain: nothing traded.
		Voided,
		/// Cleared under this split result; every order's fill follows from it and its zone.
		Split(SplitResult),
	}

	/// Who produced an accepted result.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
	)]
	pub enum ClearedBy<AccountId> {
		/// A clearing authority's off-chain worker.
		Authority(AuthorityId),
		/// A signed transaction of this account.
		Account(AccountId),
		/// The runtime itself, at the slot's start (fallback).
		Runtime,
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ CreateAuthorizedTransaction<Call<Self>>
	{
		/// The order books (pallet `orders`); the fixtures serve benchmarks only.
		type Book: OrderBook + wattle_primitives::BookFixtures;

		/// The market's clock and configuration.
		type Clock: MarketClock;

		/// The zones' links to the hub with each slot's caps (pallet `participants`); the
		/// fixtures serve benchmarks only.
		type Grid: GridLinks + wattle_primitives::GridFixtures;

		/// The most clearing authorities.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Weights of this pallet's calls and hooks, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The clearing authorities: keys whose off-chain workers submit results without fees. In
	/// Wattle's runtime, the validators' `clea` session keys (see the `OneSessionHandler` below).
	#[pallet::storage]
	pub type Authorities<T: Config> =
		StorageValue<_, BoundedVec<AuthorityId, T::MaxAuthorities>, ValueQuery>;

	/// How each slot was cleared. Kept until the slot is settled (pallet `settlement`).
	#[pallet::storage]
	pub type Outcomes<T: Config> = StorageMap<_, Twox64Concat, Slot, Outcome>;

	/// The first slot whose start the fallback has not yet looked at.
	#[pallet::storage]
	pub type NextSlotToClose<T: Config> = StorageValue<_, Slot, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Slot `slot` was cleared: `volume_wh` trades, at the hub price `price` planck per Wh
		/// in every zone whose link is not congested (both 0 when nothing trades). Every order's
		/// fill follows from `clearing.outcomes(slot)`.
		SlotCleared { slot: Slot, price: u128, volume_wh: u64, by: ClearedBy<T::AccountId> },
		/// A congested link split slot `slot`'s market: each zone's price, what it buys and
		/// sells, and the congestion rent its buyers pay beyond what its sellers receive, which
		/// goes to the operators of the congested links at settlement.
		MarketSplit { slot: Slot, hub_price: u128, zones: ZoneClearings, congestion_rent: u128 },
		/// Slot `slot` had no valid result by its start and too many orders to clear on chain:
		/// nothing trades, and settlement pays every deposit back.
		SlotVoided { slot: Slot, orders: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The slot's gate has not closed yet: orders may still change.
		GateNotClosed,
		/// The slot has started: it was cleared or voided already at its start.
		SlotStarted,
		/// The slot was cleared (or voided) already; the first valid result is final.
		AlreadyCleared,
		/// The slot has no orders to clear.
		EmptyBook,
		/// The result says the book does not cross, but it does.
		ResultBookCrosses,
		/// The result's marginal bid is not an order of the slot.
		MarginalBidNotFound,
		/// The result's marginal ask is not an order of the slot.
		MarginalAskNotFound,
		/// The result's marginal bid is an ask.
		MarginalBidIsAnAsk,
		/// The result's marginal ask is a bid.
		MarginalAskIsABid,
		/// The result's marginal bid is not priced at the clearing price.
		MarginalBidOffPrice,
		/// The result's marginal ask is not priced at the clearing price.
		MarginalAskOffPrice,
		/// The result fills its marginal bid beyond its energy.
		MarginalBidOverfilled,
		/// The result fills its marginal ask beyond its energy.
		MarginalAskOverfilled,
		/// A zone's bids' fills do not add up to what the result says it buys.
		BidVolumeMismatch,
		/// A zone's asks' fills do not add up to what the result says it sells.
		AskVolumeMismatch,
		/// Orders at the clearing price are left short on both sides: more could trade.
		BothSidesShortAtPrice,
		/// The price is not the midpoint of the interval the fills allow.
		PriceNotMidpoint,
		/// The book's traded volume does not fit in 64 bits.
		VolumeOverflow,
		/// The key is not a clearing authority.
		NotAnAuthority,
		/// Too many clearing authorities.
		TooManyAuthorities,
		/// The result's zones are not the market's zones (`participants.links`), one each, in
		/// ascending order.
		ResultZonesMismatch,
		/// An order's zone has no link to the hub.
		UnknownZone,
		/// The result claims a trade in which nothing trades.
		EmptyTrade,
		/// A zone's net export is beyond its link's export or import cap for the slot.
		LinkOverloaded,
		/// The zones' net exports do not add up to zero: the hub would trade.
		FlowsUnbalanced,
		/// Two zones at the hub price could trade more with each other.
		VolumeNotMaximal,
		/// At the hub price a later ask sells while an earlier one of another zone is left short
		/// that the links would let sell.
		AskPriorityBroken,
		/// At the hub price a later bid buys while an earlier one of another zone is left short
		/// that the links would let buy.
		BidPriorityBroken,
		/// The hub price is not the midpoint of the prices the fills allow the hub.
		HubPriceNotMidpoint,
		/// A zone is priced off the hub price without its link being full that way.
		SplitWithoutCongestion,
	}

	impl<T> From<SplitVerifyError> for Error<T> {
		fn from(error: SplitVerifyError) -> Self {
			use SplitVerifyError as E;
			match error {
				E::LinksNotSorted | E::ZonesMismatch => Error::ResultZonesMismatch,
				E::UnknownZone => Error::UnknownZone,
				E::BookCrosses => Error::ResultBookCrosses,
				E::EmptyTrade => Error::EmptyTrade,
				E::MarginalBidNotFound => Error::MarginalBidNotFound,
				E::MarginalAskNotFound => Error::MarginalAskNotFound,
				E::MarginalBidIsAnAsk => Error::MarginalBidIsAnAsk,
				E::MarginalAskIsABid => Error::MarginalAskIsABid,
				E::MarginalBidOffPrice => Error::MarginalBidOffPrice,
				E::MarginalAskOffPrice => Error::MarginalAskOffPrice,
				E::MarginalBidOverfilled => Error::MarginalBidOverfilled,
				E::MarginalAskOverfilled => Error::MarginalAskOverfilled,
				E::BoughtMismatch => Error::BidVolumeMismatch,
				E::SoldMismatch => Error::AskVolumeMismatch,
				E::LinkOverloaded => Error::LinkOverloaded,
				E::FlowsUnbalanced => Error::FlowsUnbalanced,
				E::BothSidesShortAtPrice => Error::BothSidesShortAtPrice,
				E::VolumeNotMaximal => Error::VolumeNotMaximal,
				E::AskPriorityBroken => Error::AskPriorityBroken,
				E::BidPriorityBroken => Error::BidPriorityBroken,
				E::HubPriceNotMidpoint => Error::HubPriceNotMidpoint,
				E::PriceNotMidpoint => Error::PriceNotMidpoint,
				E::SplitWithoutCongestion => Error::SplitWithoutCongestion,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::close_started_slots()
		}

		fn offchain_worker(_n: BlockNumberFor<T>) {
			Self::clear_closed_slots_off_chain();
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submit the clearing result of `slot`, in a signed transaction open to anyone. It is
		/// checked against the slot's book; the first valid result is final.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::verify_result(Pallet::<T>::max_pages()))]
		pub fn submit_result(
			origin: OriginFor<T>,
			slot: Slot,
			result: SplitResult,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let pages = Self::check_result(slot, &result)?;
			Self::accept(slot, result, ClearedBy::Account(who));
			Ok(Some(<T as Config>::WeightInfo::verify_result(pages)).into())
		}

		/// Submit the clearing result of `slot` as clearing authority `authority`, whose key
		/// signed `(b"wattle/clearing", genesis_hash, slot, result)`. Fee-less: the transaction
		/// pool checks the signature and the result before the transaction enters a block.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::verify_result(Pallet::<T>::max_pages()))]
		#[pallet::authorize(Self::authorize_result)]
		#[pallet::weight_of_authorize(<T as Config>::WeightInfo::verify_result(Pallet::<T>::max_pages()))]
		pub fn submit_result_as_authority(
			origin: OriginFor<T>,
			slot: Slot,
			result: SplitResult,
			authority: AuthorityId,
			signature: AuthoritySignature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			// Checked with the authority's key when the transaction was authorized.
			let _ = signature;
			let pages = Self::check_result(slot, &result)?;
			Self::accept(slot, result, ClearedBy::Authority(authority));
			Ok(Some(<T as Config>::WeightInfo::verify_result(pages)).into())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// How `slot` was cleared, if it was.
		pub fn outcome(slot: Slot) -> Option<Outcome> {
			Outcomes::<T>::get(slot)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The most pages a slot's book can have.
		pub fn max_pages() -> u32 {
			T::Book::max_pages()
		}

		/// Every order of `slot`'s book with its zone, read page by page into one vector sized up
		/// front, so that clearing knows the book's size before it starts.
		pub fn whole_book(slot: Slot) -> alloc::vec::Vec<wattle_double_auction::ZonedOrder> {
			let mut book = alloc::vec::Vec::with_capacity(T::Book::open_orders(slot) as usize);
			for page in 0..T::Book::pages(slot) {
				book.extend(T::Book::page(slot, page));
			}
			book
		}

		/// The bytes a clearing authority signs for `result` of `slot` on this chain.
		pub fn signing_payload(slot: Slot, result: &SplitResult) -> alloc::vec::Vec<u8> {
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			(RESULT_CONTEXT, genesis, slot, result).encode()
		}

		/// The pool's check of an authority's result: a known authority's signature over it,
		/// and a result that verifies against the book now.
		fn authorize_result(
			_source: TransactionSource,
			slot: &Slot,
			result: &SplitResult,
			authority: &AuthorityId,
			signature: &AuthoritySignature,
		) -> TransactionValidityWithRefund {
			if !Authorities::<T>::get().contains(authority) {
				return Err(InvalidTransaction::BadSigner.into());
			}
			if !authority.verify(&Self::signing_payload(*slot, result), signature) {
				return Err(InvalidTransaction::BadProof.into());
			}
			let pages = Self::check_result(*slot, result).map_err(|error| match error {
				Error::<T>::SlotStarted | Error::<T>::AlreadyCleared => InvalidTransaction::Stale,
				Error::<T>::GateNotClosed => InvalidTransaction::Future,
				_ => InvalidTransaction::Custom(0),
			})?;
			let config = T::Clock::config();
			let secs_left = config.slot_start(*slot).saturating_sub(T::Clock::now_secs());
			let validity = ValidTransaction::with_tag_prefix("WattleClearing")
				.priority(TransactionPriority::MAX / 2)
				.and_provides(slot)
				.longevity((secs_left / 6).saturating_add(1))
				.propagate(true)
				.build()?;
			let refund = <T as Config>::WeightInfo::verify_result(Pallet::<T>::max_pages())
				.saturating_sub(<T as Config>::WeightInfo::verify_result(pages));
			Ok((validity, refund))
		}

		/// Checks that `slot` can be cleared now and that `result` is its result. Returns the
		/// pages read.
		pub fn check_result(slot: Slot, result: &SplitResult) -> Result<u32, Error<T>> {
			match T::Clock::phase(slot) {
				SlotPhase::Clearing => {},
				SlotPhase::NotOpen | SlotPhase::Open => return Err(Error::<T>::GateNotClosed),
				_ => return Err(Error::<T>::SlotStarted),
			}
			ensure!(!Outcomes::<T>::contains_key(slot), Error::<T>::AlreadyCleared);
			ensure!(T::Book::open_orders(slot) > 0, Error::<T>::EmptyBook);
			let pages = T::Book::pages(slot);
			let links = T::Grid::links(slot);
			let mut verifier = SplitVerifier::new(&links, result).map_err(Error::<T>::from)?;
			for page in 0..pages {
				for order in T::Book::page(slot, page) {
					verifier.feed(&order).map_err(Error::<T>::from)?;
				}
			}
			verifier.finish().map_err(Error::<T>::from)?;
			Ok(pages)
		}

		/// Makes `result` final for `slot`: every order is a contract for its fill.
		fn accept(slot: Slot, result: SplitResult, by: ClearedBy<T::AccountId>) {
			let (price, volume_wh) = match &result {
				SplitResult::NoTrade => (0, 0),
				SplitResult::Trade(clearing) => (clearing.hub_price, clearing.volume_wh()),
			};
			if let SplitResult::Trade(clearing) = &result {
				if clearing.zones.iter().any(|zone| zone.price != clearing.hub_price) {
					Self::deposit_event(Event::MarketSplit {
						slot,
						hub_price: clearing.hub_price,
						zones: clearing.zones.clone(),
						congestion_rent: clearing.congestion_rent(),
					});
				}
			}
			Outcomes::<T>::insert(slot, Outcome::Split(result));
			Self::deposit_event(Event::SlotCleared { slot, price, volume_wh, by });
		}

		/// The fallback: every slot that has started without a result is cleared on chain if
		/// small enough, else voided. Each slot is looked at once, in order: none is skipped.
		pub(crate) fn close_started_slots() -> Weight {
			let mut weight = T::DbWeight::get().reads_writes(2, 1);
			// Before the first block's timestamp the clock reads 0; starting there would make
			// the fallback crawl up from slot 0.
			if T::Clock::now_secs() == 0 {
				return weight;
			}
			let current = T::Clock::current_slot();
			let mut slot = NextSlotToClose::<T>::get().unwrap_or(current);
			// A few slots a block, so that a chain that stalled for long catches up gradually.
			let mut budget = MAX_SLOTS_CLOSED_PER_BLOCK;
			while slot <= current && budget > 0 {
				budget = budget.saturating_sub(1);
				weight = weight.saturating_add(Self::close_slot_at_start(slot));
				slot = slot.saturating_add(1);
			}
			NextSlotToClose::<T>::put(slot);
			weight
		}

		fn close_slot_at_start(slot: Slot) -> Weight {
			let orders = T::Book::open_orders(slot);
			if Outcomes::<T>::contains_key(slot) || orders == 0 {
				return T::DbWeight::get().reads(2);
			}
			let limit = T::Clock::config().on_chain_clearing_limit;
			if orders <= limit {
				if let Ok(result) = clear_split(Self::whole_book(slot), &T::Grid::links(slot)) {
					Self::accept(slot, result, ClearedBy::Runtime);
					return <T as Config>::WeightInfo::clear_on_chain(orders);
				}
			}
			Outcomes::<T>::insert(slot, Outcome::Voided);
			Self::deposit_event(Event::SlotVoided { slot, orders });
			<T as Config>::WeightInfo::void_slot()
		}
	}

	impl<T: Config> wattle_primitives::ClearedSlots for Pallet<T> {
		fn clearing_state(slot: Slot) -> wattle_primitives::ClearingState {
			use wattle_primitives::{ClearedPrices, ClearingState};
			match Outcomes::<T>::get(slot) {
				Some(Outcome::Cleared(ClearingResult::Trade(clearing))) => {
					ClearingState::Traded(ClearedPrices::Single(clearing))
				},
				Some(Outcome::Split(SplitResult::Trade(clearing))) => {
					ClearingState::Traded(ClearedPrices::Split(clearing))
				},
				Some(_) => ClearingState::NoTrade,
				// Without an outcome, a slot the fallback has looked at had no orders.
				None if NextSlotToClose::<T>::get().is_some_and(|next| slot < next) => {
					ClearingState::NoTrade
				},
				None => ClearingState::Pending,
			}
		}

		fn forget(slot: Slot) {
			Outcomes::<T>::remove(slot);
			T::Grid::forget(slot);
		}
	}

	impl<T: Config> wattle_primitives::ClearingFixtures for Pallet<T> {
		fn clear_for_benchmarks(slot: Slot, prices: wattle_primitives::ClearedPrices) {
			let outcome = match prices {
				wattle_primitives::ClearedPrices::Single(clearing) => {
					Outcome::Cleared(ClearingResult::Trade(clearing))
				},
				wattle_primitives::ClearedPrices::Split(split) => {
					Outcome::Split(SplitResult::Trade(split))
				},
			};
			Outcomes::<T>::insert(slot, outcome);
			if NextSlotToClose::<T>::get().is_none_or(|next| next <= slot) {
				NextSlotToClose::<T>::put(slot.saturating_add(1));
			}
		}
	}

	impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
		type Public = AuthorityId;
	}

	/// The clearing authorities are the validators: their `clea` session keys, set by
	/// `pallet-session` whenever the validator set or a validator's keys change.
	impl<T: Config> frame_support::traits::OneSessionHandler<T::AccountId> for Pallet<T> {
		type Key = AuthorityId;

		fn on_genesis_session<'a, I>(validators: I)
		where
			I: Iterator<Item = (&'a T::AccountId, AuthorityId)> + 'a,
		{
			Self::set_authorities(validators.map(|(_, key)| key));
		}

		fn on_new_session<'a, I>(changed: bool, validators: I, _queued: I)
		where
			I: Iterator<Item = (&'a T::AccountId, AuthorityId)> + 'a,
		{
			if changed {
				Self::set_authorities(validators.map(|(_, key)| key));
			}
		}

		fn on_disabled(_validator_index: u32) {}
	}

	impl<T: Config> Pallet<T> {
		fn set_authorities(keys: impl Iterator<Item = AuthorityId>) {
			let keys: alloc::vec::Vec<AuthorityId> = keys.collect();
			if keys.len() > T::MaxAuthorities::get() as usize {
				log::warn!(
					target: "runtime::clearing",
					"{} validators, only the first {} are clearing authorities",
					keys.len(),
					T::MaxAuthorities::get(),
				);
			}
			Authorities::<T>::put(BoundedVec::truncate_from(keys));
		}
	}
}
