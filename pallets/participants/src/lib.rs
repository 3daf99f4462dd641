//! # Participants: step 1 of a blockchain power transaction (admission)
//!
//! No household trades on Wattle until its grid operator has admitted it. This pallet keeps the
//! registry the rest of the market relies on:
//!
//! - **Zones.** A zone is a feeder or substation area. Root creates it with an operator account
//!   ([`Pallet::create_zone`]); the operator sets its [`Tariffs`] ([`Pallet::set_tariffs`]):
//!   grid fee, retail and feed-in prices, seller collateral and the missing-reading penalty. One
//!   account operates at most one zone, so an operator's calls need not name the zone.
//! - **Participants.** A household registers its role (consumer, producer, prosumer), zone,
//!   smart-meter key (sr25519) and connection capacity in watts ([`Pallet::register`]). A
//!   registration deposit is held (`HoldReason::Registration`) and the status is `Pending`
//!   until the zone's operator approves it ([`Pallet::approve`]). The operator may suspend
//!   ([`Pallet::suspend`], with a reason) and reinstate ([`Pallet::reinstate`]). A new meter
//!   key ([`Pallet::update_meter`]) sends the participant back to `Pending`: the operator must
//!   check the new device. [`Pallet::deregister`] returns the deposit once the participant has
//!   no open orders, no unsettled slot and no debt.
//! - **Links (step 5 at grid level).** Each zone hangs off the hub (the substation) through a
//!   link with an export cap and an import cap in Wh per slot ([`Links`], unbounded when the zone
//!   is created). Its operator sets the default caps ([`Pallet::set_link_caps`]) and may lower
//!   them, never above the default, for one slot until that slot's gate closes
//!   ([`Pallet::limit_link`]): planned maintenance, a forecast of congestion. Clearing reads
//!   them through [`wattle_primitives::GridLinks`] and splits the market where a link is full.
//! - **Metering oracles.** Accounts that relay signed meter readings for a zone, appointed and
//!   removed by its operator ([`Pallet::add_oracle`], [`Pallet::remove_oracle`]).
//! - **Credit.** Each participant carries a reputation (0..=1000, starting at
//!   [`Config::InitialReputation`]) and a debt to its zone operator, both written by settlement
//!   (step 7); [`Pallet::repay_debt`] pays the debt back.
//!
//! Other pallets read all this through [`wattle_primitives::ParticipantRegistry`], never this
//! pallet's storage.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

pub use pallet::*;
pub use wattle_primitives::{AdmissionStatus, ParticipantInfo, Role, Tariffs, ZoneId, ZoneInfo};

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmarking;
mod links;
pub mod migrations;
#[cfg(test)]
mod mock;
mod registry;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

/// Highest reputation a participant can reach.
pub const MAX_REPUTATION: u16 = 1_000;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_core::sr25519;
	use wattle_primitives::{
		Balance, EnergyWh, MarketClock, MarketObligations, Slot, SlotPhase, ZoneLink,
		MAX_SLOT_SECS, MAX_ZONES,
	};

	/// 1: participants carry `billed_from` ([`migrations::v1`]).
	/// 2: every zone has a link to the hub ([`migrations::v2`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency in which deposits are held and debts repaid.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason, Balance = Balance>
			+ Mutate<Self::AccountId, Balance = Balance>;

		/// The runtime's hold reasons, of which [`HoldReason`] is a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// Whether an account still has open orders or unsettled slots (orders and settlement).
		type Obligations: MarketObligations<Self::AccountId>;

		/// The market's clock: a household is billed from the slot after its approval.
		type Clock: MarketClock;

		/// Held from a household while it is registered.
		#[pallet::constant]
		type RegistrationDeposit: Get<Balance>;

		/// The largest connection a household may declare, in watts.
		#[pallet::constant]
		type MaxPowerW: Get<u32>;

		/// How many metering oracles one zone may have.
		#[pallet::constant]
		type MaxOraclesPerZone: Get<u32>;

		/// The longest suspension reason, in bytes.
		#[pallet::constant]
		type MaxReasonLen: Get<u32>;

		/// The reputation a new participant starts with (0..=1000).
		#[pallet::constant]
		type InitialReputation: Get<u16>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The registration deposit of a participant, returned on deregistration.
		#[codec(index = 0)]
		Registration,
	}

	/// Every grid zone: its operator and current tariffs.
	#[pallet::storage]
	pub type Zones<T: Config> = StorageMap<_, Twox64Concat, ZoneId, ZoneInfo<T::AccountId>>;

	/// The zone an account operates; one account operates at most one zone.
	#[pallet::storage]
	pub type OperatorZone<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ZoneId>;

	/// Every zone's link to the hub with its default caps, in ascending zone order: what the
	/// clearing of a slot uses unless the operator limited the slot ([`SlotLinks`]). At most
	/// `MAX_ZONES` zones, the most one market clears together.
	#[pallet::storage]
	pub type Links<T: Config> =
		StorageValue<_, BoundedVec<ZoneLink, ConstU32<MAX_ZONES>>, ValueQuery>;

	/// A zone's link caps lowered for one slot by its operator, kept until the slot's clearing
	/// outcome is forgotten.
	#[pallet::storage]
	pub type SlotLinks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, Slot, Twox64Concat, ZoneId, ZoneLink>;

	/// The metering oracles of a zone: accounts that may relay its meters' signed readings.
	#[pallet::storage]
	pub type Oracles<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ZoneId,
		BoundedVec<T::AccountId, T::MaxOraclesPerZone>,
		ValueQuery,
	>;

	/// Every registered participant: role, zone, status, meter key, capacity, reputation, debt.
	#[pallet::storage]
	pub type Registry<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ParticipantInfo>;

	/// Which participant a meter key belongs to: one meter cannot serve two households.
	#[pallet::storage]
	pub type MeterOwners<T: Config> =
		StorageMap<_, Blake2_128Concat, sr25519::Public, T::AccountId>;

	/// Why a suspended participant was suspended, as its operator wrote it.
	#[pallet::storage]
	pub type SuspensionReasons<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<u8, T::MaxReasonLen>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A grid zone was created with its operator and tariffs.
		ZoneCreated { zone: ZoneId, operator: T::AccountId, tariffs: Tariffs },
		/// A zone's operator changed its tariffs; they apply to orders placed from now on.
		TariffsChanged { zone: ZoneId, tariffs: Tariffs },
		/// A household registered and waits for its operator's approval; `deposit` is held.
		Registered {
			who: T::AccountId,
			role: Role,
			zone: ZoneId,
			meter_key: sr25519::Public,
			max_power_w: u32,
			deposit: Balance,
		},
		/// The zone operator approved a participant: it may trade.
		Approved { who: T::AccountId, zone: ZoneId },
		/// The zone operator suspended a participant: it may not trade until reinstated.
		Suspended { who: T::AccountId, zone: ZoneId, reason: BoundedVec<u8, T::MaxReasonLen> },
		/// The zone operator lifted a suspension: the participant is approved again.
		Reinstated { who: T::AccountId, zone: ZoneId },
		/// The zone operator appointed a metering oracle.
		OracleAdded { zone: ZoneId, oracle: T::AccountId },
		/// The zone operator removed a metering oracle.
		OracleRemoved { zone: ZoneId, oracle: T::AccountId },
		/// A participant registered a new meter key and waits for approval again.
		MeterUpdated { who: T::AccountId, meter_key: sr25519::Public },
		/// A participant left the market; its deposit was released.
		Deregistered { who: T::AccountId, deposit_released: Balance },
		/// Settlement could not collect `amount`; the participant now owes `total` to its operator.
		DebtIncurred { who: T::AccountId, amount: Balance, total: Balance },
		/// A participant paid back `amount` of its debt; `remaining` is still owed.
		DebtRepaid { who: T::AccountId, amount: Balance, remaining: Balance },
		/// Settlement's credit evaluation changed a participant's reputation.
		ReputationChanged { who: T::AccountId, reputation: u16 },
		/// A zone's operator set its link's default caps, in Wh per slot: they apply to every
		/// slot whose gate has not closed and that the operator did not limit.
		LinkCapsSet { zone: ZoneId, export_cap_wh: EnergyWh, import_cap_wh: EnergyWh },
		/// A zone's operator lowered its link's caps for slot `slot` alone.
		LinkLimited { zone: ZoneId, slot: Slot, export_cap_wh: EnergyWh, import_cap_wh: EnergyWh },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A zone with this id exists already: pick another id.
		ZoneExists,
		/// No zone has this id: check the zone list (`participants.zones`).
		UnknownZone,
		/// This account operates a zone already; each zone needs its own operator account.
		OperatorAlreadyAssigned,
		/// Only the operator of the participant's (or the named) zone may do this.
		NotZoneOperator,
		/// A tariff times the largest energy of a slot overflows the balance type: lower it.
		TariffsOverflow,
		/// The feed-in price is above the retail price, which would pay households to spill
		/// energy they bought: set feed-in at or below retail.
		FeedInAboveRetail,
		/// This account is registered already; use `update_meter` to change its meter.
		AlreadyRegistered,
		/// This account is not a registered participant.
		NotRegistered,
		/// A connection of 0 W cannot trade: declare the connection's real capacity.
		ZeroMaxPower,
		/// The declared connection is larger than `MaxPowerW` allows.
		MaxPowerTooHigh,
		/// Another participant registered this meter key; each meter serves one household.
		MeterKeyInUse,
		/// The new meter key is the one already registered.
		SameMeterKey,
		/// The free balance cannot cover the registration deposit (`RegistrationDeposit`).
		InsufficientDeposit,
		/// The participant is approved already.
		AlreadyApproved,
		/// The participant is suspended: `reinstate` it instead of approving it.
		IsSuspended,
		/// The participant is suspended already.
		AlreadySuspended,
		/// The participant is not suspended.
		NotSuspended,
		/// The zone has `MaxOraclesPerZone` oracles already: remove one first.
		TooManyOracles,
		/// This account is an oracle of the zone already.
		AlreadyOracle,
		/// This account is not an oracle of the zone.
		NotOracle,
		/// The participant still has open orders or unsettled slots: wait for settlement.
		HasOpenObligations,
		/// The participant owes its zone operator: call `repay_debt` first.
		HasDebt,
		/// The participant owes nothing.
		NoDebt,
		/// The free balance is too low to repay any of the debt.
		NothingToRepay,
		/// The debt would overflow the balance type.
		DebtOverflow,
		/// The market has `MAX_ZONES` zones, the most one clearing splits a market into.
		TooManyZones,
		/// The slot's gate has closed: its links are fixed for its clearing.
		GateClosed,
		/// A slot's caps can only be lowered: they must not exceed the link's default caps.
		AboveDefaultCaps,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Zones: (id, operator, tariffs).
		pub zones: alloc::vec::Vec<(ZoneId, T::AccountId, Tariffs)>,
		/// Metering oracles: (zone, oracle).
		pub oracles: alloc::vec::Vec<(ZoneId, T::AccountId)>,
		/// Pre-approved participants: (account, role, zone, meter key, max power in W). Their
		/// registration deposits are held at genesis.
		pub participants: alloc::vec::Vec<(T::AccountId, Role, ZoneId, sr25519::Public, u32)>,
		/// Default link caps of zones that do not start unbounded: (zone, export, import) in Wh
		/// per slot.
		pub links: alloc::vec::Vec<(ZoneId, EnergyWh, EnergyWh)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (zone, operator, tariffs) in &self.zones {
				Pallet::<T>::do_create_zone(*zone, operator.clone(), *tariffs)
					.expect("genesis zones are valid and distinct; qed");
			}
			for (zone, export_cap_wh, import_cap_wh) in &self.links {
				Pallet::<T>::do_set_link_caps(*zone, *export_cap_wh, *import_cap_wh)
					.expect("genesis links are of genesis zones; qed");
			}
			for (zone, oracle) in &self.oracles {
				let operator =
					Zones::<T>::get(zone).expect("genesis oracle zones exist; qed").operator;
				Pallet::<T>::do_add_oracle(&operator, oracle.clone())
					.expect("genesis oracles are distinct and within bounds; qed");
			}
			for (who, role, zone, meter_key, max_power_w) in &self.participants {
				Pallet::<T>::do_register(who, *role, *zone, *meter_key, *max_power_w)
					.expect("genesis participants are valid and funded; qed");
				Registry::<T>::mutate(who, |p| {
					if let Some(p) = p {
						p.status = AdmissionStatus::Approved;
						p.billed_from = Some(0);
					}
				});
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::InitialReputation::get() <= MAX_REPUTATION, "reputation is 0..=1000");
			assert!(T::MaxPowerW::get() > 0, "some connection must be allowed");
			assert!(T::MaxOraclesPerZone::get() > 0, "a zone needs room for an oracle");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create grid zone `zone`, operated by `operator`, with `tariffs`. Root only.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_zone())]
		pub fn create_zone(
			origin: OriginFor<T>,
			zone: ZoneId,
			operator: T::AccountId,
			tariffs: Tariffs,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_create_zone(zone, operator, tariffs)
		}

		/// Set new tariffs for `zone`. Only the zone's operator. Orders placed from now on are
		/// held and settled with the new tariffs.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_tariffs())]
		pub fn set_tariffs(origin: OriginFor<T>, zone: ZoneId, tariffs: Tariffs) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Zones::<T>::try_mutate(zone, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownZone)?;
				ensure!(info.operator == who, Error::<T>::NotZoneOperator);
				Self::ensure_tariffs_valid(&tariffs)?;
				info.tariffs = tariffs;
				Ok(())
			})?;
			Self::deposit_event(Event::TariffsChanged { zone, tariffs });
			Ok(())
		}

		/// Register the signing account as a market participant of `zone`, with its `role`, the
		/// sr25519 public key of its smart meter, and its connection capacity `max_power_w` in
		/// watts. Holds the registration deposit; the status is `Pending` until the zone's
		/// operator approves.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			role: Role,
			zone: ZoneId,
			meter_key: sr25519::Public,
			max_power_w: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(&who, role, zone, meter_key, max_power_w)
		}

		/// Approve participant `who`, which is `Pending`. Only the operator of `who`'s zone.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::approve())]
		pub fn approve(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let zone = Self::mutate_as_operator(&operator, &who, |p| {
				match p.status {
					AdmissionStatus::Pending => {},
					AdmissionStatus::Approved => return Err(Error::<T>::AlreadyApproved.into()),
					AdmissionStatus::Suspended => return Err(Error::<T>::IsSuspended.into()),
				}
				p.status = AdmissionStatus::Approved;
				// A meter swap sends a household back to `Pending`; it stays billed meanwhile.
				if p.billed_from.is_none() {
					p.billed_from = Some(T::Clock::current_slot().saturating_add(1));
				}
				Ok(())
			})?;
			Self::deposit_event(Event::Approved { who, zone });
			Ok(())
		}

		/// Suspend participant `who` (pending or approved) for `reason`. Only the operator of
		/// `who`'s zone. Its open orders stay; it may place no new ones until reinstated.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(
			origin: OriginFor<T>,
			who: T::AccountId,
			reason: BoundedVec<u8, T::MaxReasonLen>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let zone = Self::mutate_as_operator(&operator, &who, |p| {
				ensure!(p.status != AdmissionStatus::Suspended, Error::<T>::AlreadySuspended);
				p.status = AdmissionStatus::Suspended;
				Ok(())
			})?;
			SuspensionReasons::<T>::insert(&who, &reason);
			Self::deposit_event(Event::Suspended { who, zone, reason });
			Ok(())
		}

		/// Lift the suspension of `who`, which becomes `Approved`. Only the operator of `who`'s
		/// zone; reinstating is the operator's approval of the participant as it is now.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::reinstate())]
		pub fn reinstate(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let zone = Self::mutate_as_operator(&operator, &who, |p| {
				ensure!(p.status == AdmissionStatus::Suspended, Error::<T>::NotSuspended);
				p.status = AdmissionStatus::Approved;
				Ok(())
			})?;
			SuspensionReasons::<T>::remove(&who);
			Self::deposit_event(Event::Reinstated { who, zone });
			Ok(())
		}

		/// Appoint `oracle` to relay meter readings for the zone the signer operates.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::add_oracle())]
		pub fn add_oracle(origin: OriginFor<T>, oracle: T::AccountId) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_add_oracle(&operator, oracle)
		}

		/// Remove `oracle` from the zone the signer operates.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_oracle())]
		pub fn remove_oracle(origin: OriginFor<T>, oracle: T::AccountId) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let zone = OperatorZone::<T>::get(&operator).ok_or(Error::<T>::NotZoneOperator)?;
			Oracles::<T>::try_mutate(zone, |oracles| -> DispatchResult {
				let position =
					oracles.iter().position(|o| *o == oracle).ok_or(Error::<T>::NotOracle)?;
				oracles.remove(position);
				Ok(())
			})?;
			Self::deposit_event(Event::OracleRemoved { zone, oracle });
			Ok(())
		}

		/// Replace the signer's meter key, e.g. after a meter swap. The participant returns to
		/// `Pending` until its operator approves the new device.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::update_meter())]
		pub fn update_meter(origin: OriginFor<T>, meter_key: sr25519::Public) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Registry::<T>::try_mutate(&who, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(p.meter_key != meter_key, Error::<T>::SameMeterKey);
				ensure!(!MeterOwners::<T>::contains_key(meter_key), Error::<T>::MeterKeyInUse);
				MeterOwners::<T>::remove(p.meter_key);
				MeterOwners::<T>::insert(meter_key, &who);
				p.meter_key = meter_key;
				if p.status == AdmissionStatus::Approved {
					p.status = AdmissionStatus::Pending;
				}
				Ok(())
			})?;
			Self::deposit_event(Event::MeterUpdated { who, meter_key });
			Ok(())
		}

		/// Leave the market and get the registration deposit back. Only without open orders,
		/// unsettled slots or debt.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::deregister().saturating_add(T::Obligations::check_weight()))]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let p = Registry::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(p.debt == 0, Error::<T>::HasDebt);
			ensure!(!T::Obligations::has_open_obligations(&who), Error::<T>::HasOpenObligations);
			let deposit_released = T::Currency::release_all(
				&HoldReason::Registration.into(),
				&who,
				Precision::BestEffort,
			)?;
			Registry::<T>::remove(&who);
			MeterOwners::<T>::remove(p.meter_key);
			SuspensionReasons::<T>::remove(&who);
			Self::deposit_event(Event::Deregistered { who, deposit_released });
			Ok(())
		}

		/// Pay back as much of the signer's debt as its free balance allows (keeping the
		/// account alive), to its zone operator.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::repay_debt())]
		pub fn repay_debt(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut p = Registry::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(p.debt > 0, Error::<T>::NoDebt);
			let operator = Zones::<T>::get(p.zone).ok_or(Error::<T>::UnknownZone)?.operator;
			let payable =
				T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
			let amount = payable.min(p.debt);
			ensure!(amount > 0, Error::<T>::NothingToRepay);
			T::Currency::transfer(&who, &operator, amount, Preservation::Preserve)?;
			p.debt = p.debt.saturating_sub(amount);
			let remaining = p.debt;
			Registry::<T>::insert(&who, p);
			Self::deposit_event(Event::DebtRepaid { who, amount, remaining });
			Ok(())
		}

		/// Set the default caps of the caller's zone's link to the hub, in Wh per slot: the most
		/// the zone may export to the other zones, net, and import from them. Only the zone's
		/// operator. Applies to every slot whose gate has not closed; a slot being cleared keeps
		/// the caps it had.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_link_caps())]
		pub fn set_link_caps(
			origin: OriginFor<T>,
			export_cap_wh: EnergyWh,
			import_cap_wh: EnergyWh,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let zone = OperatorZone::<T>::get(&who).ok_or(Error::<T>::NotZoneOperator)?;
			Self::keep_caps_of_slots_in_clearing(zone);
			Self::do_set_link_caps(zone, export_cap_wh, import_cap_wh)
		}

		/// Lower the caps of the caller's zone's link for `slot` alone (planned maintenance, a
		/// forecast of congestion), at most to the default caps. Only the zone's operator, until
		/// the slot's gate closes. A later call for the same slot replaces it.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::limit_link())]
		pub fn limit_link(
			origin: OriginFor<T>,
			slot: Slot,
			export_cap_wh: EnergyWh,
			import_cap_wh: EnergyWh,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let zone = OperatorZone::<T>::get(&who).ok_or(Error::<T>::NotZoneOperator)?;
			ensure!(
				matches!(T::Clock::phase(slot), SlotPhase::NotOpen | SlotPhase::Open),
				Error::<T>::GateClosed
			);
			let default = Self::default_link(zone).ok_or(Error::<T>::UnknownZone)?;
			ensure!(
				export_cap_wh <= default.export_cap_wh && import_cap_wh <= default.import_cap_wh,
				Error::<T>::AboveDefaultCaps
			);
			SlotLinks::<T>::insert(slot, zone, ZoneLink { zone, export_cap_wh, import_cap_wh });
			Self::deposit_event(Event::LinkLimited { zone, slot, export_cap_wh, import_cap_wh });
			Ok(())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Every zone's link to the hub for `slot`, with the caps its clearing uses: the default
		/// caps, or those the operator lowered for the slot.
		pub fn links(slot: Slot) -> alloc::vec::Vec<ZoneLink> {
			<Self as wattle_primitives::GridLinks>::links(slot)
		}

		/// A participant's record: role, zone, status, meter key, capacity, reputation, debt.
		pub fn participant(who: T::AccountId) -> Option<ParticipantInfo> {
			Registry::<T>::get(who)
		}

		/// A zone's operator and tariffs.
		pub fn zone(zone: ZoneId) -> Option<ZoneInfo<T::AccountId>> {
			Zones::<T>::get(zone)
		}

		/// The metering oracles of a zone.
		pub fn oracles(zone: ZoneId) -> alloc::vec::Vec<T::AccountId> {
			Oracles::<T>::get(zone).into_inner()
		}
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn do_create_zone(
			zone: ZoneId,
			operator: T::AccountId,
			tariffs: Tariffs,
		) -> DispatchResult {
			ensure!(!Zones::<T>::contains_key(zone), Error::<T>::ZoneExists);
			ensure!(
				!OperatorZone::<T>::contains_key(&operator),
				Error::<T>::OperatorAlreadyAssigned
			);
			Self::ensure_tariffs_valid(&tariffs)?;
			Links::<T>::try_mutate(|links| {
				let at = links.partition_point(|link| link.zone < zone);
				links.try_insert(at, ZoneLink::unbounded(zone))
			})
			.map_err(|_| Error::<T>::TooManyZones)?;
			Zones::<T>::insert(zone, ZoneInfo { operator: operator.clone(), tariffs });
			OperatorZone::<T>::insert(&operator, zone);
			Self::deposit_event(Event::ZoneCreated { zone, operator, tariffs });
			Ok(())
		}

		pub(crate) fn do_register(
			who: &T::AccountId,
			role: Role,
			zone: ZoneId,
			meter_key: sr25519::Public,
			max_power_w: u32,
		) -> DispatchResult {
			ensure!(!Registry::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
			ensure!(Zones::<T>::contains_key(zone), Error::<T>::UnknownZone);
			ensure!(max_power_w > 0, Error::<T>::ZeroMaxPower);
			ensure!(max_power_w <= T::MaxPowerW::get(), Error::<T>::MaxPowerTooHigh);
			ensure!(!MeterOwners::<T>::contains_key(meter_key), Error::<T>::MeterKeyInUse);
			let deposit = T::RegistrationDeposit::get();
			T::Currency::hold(&HoldReason::Registration.into(), who, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			Registry::<T>::insert(
				who,
				ParticipantInfo {
					role,
					zone,
					status: AdmissionStatus::Pending,
					meter_key,
					max_power_w,
					reputation: T::InitialReputation::get(),
					debt: 0,
					billed_from: None,
				},
			);
			MeterOwners::<T>::insert(meter_key, who);
			Self::deposit_event(Event::Registered {
				who: who.clone(),
				role,
				zone,
				meter_key,
				max_power_w,
				deposit,
			});
			Ok(())
		}

		pub(crate) fn do_add_oracle(
			operator: &T::AccountId,
			oracle: T::AccountId,
		) -> DispatchResult {
			let zone = OperatorZone::<T>::get(operator).ok_or(Error::<T>::NotZoneOperator)?;
			Oracles::<T>::try_mutate(zone, |oracles| -> DispatchResult {
				ensure!(!oracles.contains(&oracle), Error::<T>::AlreadyOracle);
				oracles.try_push(oracle.clone()).map_err(|_| Error::<T>::TooManyOracles)?;
				Ok(())
			})?;
			Self::deposit_event(Event::OracleAdded { zone, oracle });
			Ok(())
		}

		/// Applies `change` to `who`'s record if `operator` operates `who`'s zone; returns the
		/// zone. Nothing is written when `change` fails.
		fn mutate_as_operator(
			operator: &T::AccountId,
			who: &T::AccountId,
			change: impl FnOnce(&mut ParticipantInfo) -> DispatchResult,
		) -> Result<ZoneId, DispatchError> {
			Registry::<T>::try_mutate(who, |p| {
				let p = p.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(
					OperatorZone::<T>::get(operator) == Some(p.zone),
					Error::<T>::NotZoneOperator
				);
				change(p)?;
				Ok(p.zone)
			})
		}

		/// Tariffs are valid when no charge a slot can produce overflows, nor all of them
		/// together: the grid fee and the collateral times the most energy the largest connection
		/// moves in the longest slot, retail and feed-in times twice that (the largest imbalance:
		/// a household that sold its whole connection and drew its whole connection instead), and
		/// the penalty; and when feed-in does not pay more than retail costs.
		pub(crate) fn ensure_tariffs_valid(tariffs: &Tariffs) -> DispatchResult {
			let max_energy =
				wattle_primitives::connection_capacity_wh(T::MaxPowerW::get(), MAX_SLOT_SECS)
					as Balance;
			let max_imbalance = max_energy.checked_mul(2);
			let per_contracted_wh = tariffs.grid_fee.checked_add(tariffs.seller_collateral);
			let per_imbalance_wh = tariffs.retail_price.checked_add(tariffs.feed_in_price);
			let sum = per_contracted_wh
				.and_then(|per_wh| per_wh.checked_mul(max_energy))
				.zip(per_imbalance_wh.zip(max_imbalance))
				.and_then(|(contracted, (per_wh, imbalance))| {
					per_wh.checked_mul(imbalance)?.checked_add(contracted)
				})
				.and_then(|charge| charge.checked_add(tariffs.missing_reading_penalty));
			ensure!(sum.is_some(), Error::<T>::TariffsOverflow);
			ensure!(tariffs.feed_in_price <= tariffs.retail_price, Error::<T>::FeedInAboveRetail);
			Ok(())
		}

		/// The pallet's invariants: every participant holds exactly the registration deposit
		/// and owns its meter key; every oracle list and operator belongs to an existing zone.
		/// Used by `try_state` and by the tests of this and the neighbouring pallets.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::traits::fungible::InspectHold;
			for (who, p) in Registry::<T>::iter() {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::Registration.into(), &who)
						== T::RegistrationDeposit::get(),
					"a participant's registration hold differs from the deposit"
				);
				ensure!(
					MeterOwners::<T>::get(p.meter_key).as_ref() == Some(&who),
					"a participant's meter key is not indexed to it"
				);
				ensure!(Zones::<T>::contains_key(p.zone), "a participant's zone does not exist");
				ensure!(p.reputation <= MAX_REPUTATION, "reputation above the maximum");
				ensure!(
					p.status == AdmissionStatus::Pending || p.billed_from.is_some(),
					"an admitted participant who is not billed"
				);
			}
			for (meter_key, who) in MeterOwners::<T>::iter() {
				ensure!(
					Registry::<T>::get(&who).map(|p| p.meter_key) == Some(meter_key),
					"a meter key is indexed to an account that does not use it"
				);
			}
			for (zone, _) in Oracles::<T>::iter() {
				ensure!(Zones::<T>::contains_key(zone), "oracles of a zone that does not exist");
			}
			for (operator, zone) in OperatorZone::<T>::iter() {
				ensure!(
					Zones::<T>::get(zone).map(|z| z.operator) == Some(operator),
					"operator index out of step with the zones"
				);
			}
			ensure!(
				Zones::<T>::iter().count() == OperatorZone::<T>::iter().count(),
				"a zone without its operator index"
			);
			let links = Links::<T>::get();
			ensure!(
				links.iter().zip(links.iter().skip(1)).all(|(first, next)| first.zone < next.zone),
				"links out of zone order"
			);
			ensure!(
				links.len() == Zones::<T>::iter().count()
					&& links.iter().all(|link| Zones::<T>::contains_key(link.zone)),
				"the links are not the zones'"
			);
			for (_, zone, limited) in SlotLinks::<T>::iter() {
				ensure!(limited.zone == zone, "a slot's link filed under another zone");
			}
			Ok(())
		}
	}
}
