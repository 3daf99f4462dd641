//! Step 1 (admission) as the other pallets see it: who may trade, in which zone, under which
//! tariffs, and who relays meter readings there.
use crate::{Balance, ZoneId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::sr25519;
use sp_runtime::DispatchResult;

/// What a household does on the market.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Role {
	/// Buys energy only (bids).
	Consumer,
	/// Sells energy only (asks): rooftop PV, a battery.
	Producer,
	/// Both buys and sells.
	Prosumer,
}

impl Role {
	/// Whether this role may place buy orders.
	pub fn may_buy(self) -> bool {
		matches!(self, Role::Consumer | Role::Prosumer)
	}

	/// Whether this role may place sell orders.
	pub fn may_sell(self) -> bool {
		matches!(self, Role::Producer | Role::Prosumer)
	}
}

/// Where a participant stands with its zone's grid operator.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum AdmissionStatus {
	/// Registered, waiting for the operator's approval (also after a meter change).
	Pending,
	/// Approved: may trade, subject to debt and reputation.
	Approved,
	/// Suspended by the operator; may not trade until reinstated.
	Suspended,
}

/// A zone's tariffs, set by its grid operator. Prices are planck per Wh; the penalty is planck.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Tariffs {
	/// Network charge a buyer pays to the zone operator per Wh bought on the market.
	pub grid_fee: Balance,
	/// What the operator charges per Wh drawn from the grid beyond a participant's contract.
	pub retail_price: Balance,
	/// What the operator pays per Wh spilled into the grid beyond a participant's contract.
	pub feed_in_price: Balance,
	/// Collateral a seller's ask holds per Wh offered, covering a shortfall in delivery.
	pub seller_collateral: Balance,
	/// Flat charge for a slot in which a participant with a position sent no meter reading.
	pub missing_reading_penalty: Balance,
}

/// A zone as the other pallets see it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ZoneInfo<AccountId> {
	/// The grid operator: approves participants, appoints oracles, receives grid fees.
	pub operator: AccountId,
	/// The zone's current tariffs.
	pub tariffs: Tariffs,
}

/// A participant as the other pallets see it.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantInfo {
	/// Buyer, seller or both.
	pub role: Role,
	/// The zone the participant's connection belongs to.
	pub zone: ZoneId,
	/// Admission status.
	pub status: AdmissionStatus,
	/// The smart meter's sr25519 key, which signs its readings.
	pub meter_key: sr25519::Public,
	/// Connection capacity in watts (the grid operator's limit for this connection).
	pub max_power_w: u32,
	/// Credit score, 0..=1000.
	pub reputation: u16,
	/// What the participant owes its zone operator, in planck.
	#[serde(with = "crate::balance_string")]
	pub debt: Balance,
	/// The first slot it is billed for, traded or not: the slot after the one in which it was
	/// first approved. `None` until then. From this slot on it is settled every slot, with a
	/// substitute reading when its meter sends none.
	pub billed_from: Option<crate::Slot>,
}

/// The admission registry (pallet `participants`), as the other market pallets use it.
pub trait ParticipantRegistry<AccountId> {
	/// The participant's record, if `who` is registered.
	fn participant(who: &AccountId) -> Option<ParticipantInfo>;
	/// The zone's operator and tariffs, if the zone exists.
	fn zone(zone: ZoneId) -> Option<ZoneInfo<AccountId>>;
	/// Whether `who` may relay meter readings for `zone`: its operator or one of its oracles.
	fn is_meter_relay(zone: ZoneId, who: &AccountId) -> bool;
	/// The reputation a newly registered participant starts with.
	fn initial_reputation() -> u16;
	/// Changes `who`'s reputation by `delta`, clamped to 0..=1000 (settlement's credit evaluation).
	fn adjust_reputation(who: &AccountId, delta: i32);
	/// Records `amount` more debt of `who` to its zone operator (settlement could not collect it).
	fn add_debt(who: &AccountId, amount: Balance) -> DispatchResult;
	/// Every registered participant in the registry's order, from the one after `after` (from
	/// the first with `None`): settlement's walk, which bills every household every slot. Each
	/// step reads one registry entry; entries changed behind the walk do not disturb it.
	fn participants_after(
		after: Option<&AccountId>,
	) -> alloc::boxed::Box<dyn Iterator<Item = (AccountId, ParticipantInfo)>>;
}

/// Whether an account still has business on the market: open orders, an unsettled slot.
/// Deregistration waits until there is none.
pub trait MarketObligations<AccountId> {
	/// True while `who` has open orders or a position in a slot that is not settled yet.
	fn has_open_obligations(who: &AccountId) -> bool;
	/// The most [`Self::has_open_obligations`] can weigh, charged on top of the caller's weight.
	fn check_weight() -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}
}

impl<AccountId> MarketObligations<AccountId> for () {
	fn has_open_obligations(_: &AccountId) -> bool {
		false
	}
}

impl<AccountId, A: MarketObligations<AccountId>, B: MarketObligations<AccountId>>
	MarketObligations<AccountId> for (A, B)
{
	fn has_open_obligations(who: &AccountId) -> bool {
		A::has_open_obligations(who) || B::has_open_obligations(who)
	}
	fn check_weight() -> sp_runtime::Weight {
		A::check_weight().saturating_add(B::check_weight())
	}
}

/// Admits participants without the operator's round trip, for the benchmarks and tests of the
/// pallets that need admitted participants. Never reachable from a transaction.
pub trait AdmissionFixtures<AccountId> {
	/// Makes `who` (funded for the deposit if need be) an approved participant with `role`, `max_power_w` and
	/// `meter_key`, in a zone created for the purpose if needed (its operator relays readings).
	/// Returns the zone.
	fn admit(
		who: &AccountId,
		role: Role,
		max_power_w: u32,
		meter_key: sr25519::Public,
	) -> Result<ZoneId, sp_runtime::DispatchError>;

	/// Sets `who`'s free balance to `amount`.
	fn fund(who: &AccountId, amount: Balance);
}

/// Development tariffs, in planck per Wh: grid fee 0.03, retail 0.30, feed-in 0.08 and seller
/// collateral 0.10 WTL/kWh; a missing reading costs 1 WTL. Used by the dev and local presets,
/// the admission fixtures and the pallets' mock runtimes.
pub fn dev_tariffs() -> Tariffs {
	use crate::{WTL, WTL_PER_KWH};
	Tariffs {
		grid_fee: 3 * WTL_PER_KWH / 100,
		retail_price: 30 * WTL_PER_KWH / 100,
		feed_in_price: 8 * WTL_PER_KWH / 100,
		seller_collateral: 10 * WTL_PER_KWH / 100,
		missing_reading_penalty: WTL,
	}
}
