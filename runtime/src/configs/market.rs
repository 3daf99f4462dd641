//! Configuration of Wattle's market pallets.

use frame_support::{
	parameter_types,
	traits::{ConstU16, ConstU32, ConstU64},
	PalletId,
};

use crate::{
	Balance, Balances, Clearing, Orders, Participants, Runtime, RuntimeCall, RuntimeHoldReason,
	Settlement, UncheckedExtrinsic, WTL,
};

parameter_types! {
	/// Held while a household is registered: 10 WTL.
	pub const RegistrationDeposit: Balance = 10 * WTL;
	/// Reputation a new participant starts with.
	pub const InitialReputation: u16 = 500;
}

impl pallet_participants::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Obligations = Settlement;
	type Clock = Orders;
	type RegistrationDeposit = RegistrationDeposit;
	/// 1 MW: far above any household or small business connection.
	type MaxPowerW = ConstU32<1_000_000>;
	type MaxOraclesPerZone = ConstU32<16>;
	type MaxReasonLen = ConstU32<128>;
	type InitialReputation = InitialReputation;
	type WeightInfo = pallet_participants::weights::SubstrateWeight<Runtime>;
}

impl pallet_orders::Config for Runtime {
	type Registry = Participants;
	type Ledger = Settlement;
	/// A city's worth of households in one slot.
	type MaxOrdersPerSlot = ConstU32<100_000>;
	/// 512 orders of 65 bytes (the order and its owner): a page is one storage access of
	/// about 33 KB.
	type OrdersPerPage = ConstU32<512>;
	/// A day ahead in quarter hours.
	type MaxOrdersPerCall = ConstU32<96>;
	type WeightInfo = pallet_orders::weights::SubstrateWeight<Runtime>;
}

impl pallet_metering::Config for Runtime {
	type Registry = Participants;
	type Clock = Orders;
	type Ledger = Settlement;
	/// 256 signature checks (about 15 ms) per batch.
	type MaxReadingsPerBatch = ConstU32<256>;
	type WeightInfo = pallet_metering::weights::SubstrateWeight<Runtime>;
}

impl pallet_clearing::Config for Runtime {
	type Book = Orders;
	type Clock = Orders;
	type Grid = Participants;
	type MaxAuthorities = ConstU32<32>;
	type WeightInfo = pallet_clearing::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Derives the market's escrow account, which holds the deposits of every order until its
	/// slot is settled.
	pub const MarketPalletId: PalletId = PalletId(*b"wtl/mrkt");
}

impl pallet_settlement::Config for Runtime {
	type Currency = Balances;
	type Registry = Participants;
	type Clock = Orders;
	type Book = Orders;
	type Clearing = Clearing;
	type PalletId = MarketPalletId;
	type MaxOrdersPerAccountPerSlot = ConstU32<16>;
	type MaxStepsPerCall = ConstU32<256>;
	/// 2,880 slots: 30 days of quarter hours (2 days of the dev chain's one-minute slots).
	type BillRetentionSlots = ConstU64<2_880>;
	type ReputationGain = ConstU16<1>;
	type ImbalanceLoss = ConstU16<10>;
	type MissingReadingLoss = ConstU16<50>;
	type DebtLoss = ConstU16<100>;
	type WeightInfo = pallet_settlement::weights::SubstrateWeight<Runtime>;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = crate::TxExtension;

	fn create_transaction(call: RuntimeCall, extension: crate::TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

/// The extensions of the fee-less transactions off-chain workers create: no sender, so no
/// nonce or fee applies; immortal, since the pool's own validity bounds them.
impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() -> crate::TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}
