//! # Wattle runtime
//!
//! Composes the FRAME pallets of a residential electricity market. Each market pallet covers
//! steps of the blockchain power transaction described in the project's `DESIGN.md`; this file
//! only composes them: configuration lives in [`configs`], runtime APIs in [`apis`], genesis
//! presets in [`genesis_config_presets`].
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code: no panics from arithmetic, indexing or unwrapping (issue 14).
#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]
// `construct_runtime`'s expansion is large.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(all(test, feature = "std"))]
mod household_budget;
mod market_view;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;
pub use wattle_primitives::{Balance, WTL};

/// Opaque types, used by the node to handle blocks without knowing the runtime's extrinsic
/// format.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator holds: block production, finality, and clearing (the key its
	/// off-chain worker signs clearing results with, key type `clea`).
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
		pub clearing: Clearing,
	}
}

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("wattle"),
	impl_name: alloc::borrow::Cow::Borrowed("wattle-node"),
	authoring_version: 1,
	spec_version: 102,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block production: one block every 6 seconds.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura's slot length; it cannot change once the chain has started.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// One thousandth of a WTL.
pub const MILLI_WTL: Balance = WTL / 1_000;
/// One millionth of a WTL.
pub const MICRO_WTL: Balance = WTL / 1_000_000;

/// The smallest balance an account may keep.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_WTL;

/// Transaction signatures: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account is identified by the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Transaction counter of an account.
pub type Nonce = u32;

/// Block and state hashes.
pub type Hash = sp_core::H256;

/// Block height.
pub type BlockNumber = u32;

/// How a transaction names an account.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every transaction carries. `AuthorizeCall` admits the fee-less
/// calls a pallet authorizes itself, such as a clearing authority's result.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The storage migrations of this runtime, run once at the upgrade to it (each is versioned,
/// so a chain already migrated skips it). 101: participants carry `billed_from`.
#[allow(unused_parens)]
type Migrations = (
	pallet_participants::migrations::v1::MigrateToV1<Runtime>,
	// Spec 102, market splitting (issue 16): every zone linked to the hub, every order of a
	// book with its zone, the walk in progress with prices per zone.
	pallet_participants::migrations::v2::MigrateToV2<Runtime>,
	pallet_orders::migrations::v1::MigrateToV1<Runtime>,
	pallet_settlement::migrations::v1::MigrateToV1<Runtime>,
);

/// Executive: dispatches to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	// Before Session: its genesis asks this pallet for the first validators.
	#[runtime::pallet_index(7)]
	pub type Validators = pallet_validators;

	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;

	// The market: one pallet per step of the blockchain power transaction.
	#[runtime::pallet_index(10)]
	pub type Participants = pallet_participants;

	#[runtime::pallet_index(11)]
	pub type Orders = pallet_orders;

	#[runtime::pallet_index(12)]
	pub type Clearing = pallet_clearing;

	#[runtime::pallet_index(13)]
	pub type Metering = pallet_metering;

	#[runtime::pallet_index(14)]
	pub type Settlement = pallet_settlement;
}
