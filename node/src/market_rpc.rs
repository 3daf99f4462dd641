//! The `market_*` RPC namespace: the runtime API `MarketApi` served as JSON, for operators'
//! programs that do not decode SCALE. Amounts of planck are decimal strings; every method takes
//! an optional block hash (default: the best block).
use std::{marker::PhantomData, sync::Arc};

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;
use wattle_market_api::{
	ClearingView, MarketApi, MarketConfig, MarketStatus, OrderBookView, ParticipantInfo,
	PositionView, Slot, SlotSettlement, SlotStatus, ZonesView,
};

/// How many price levels a side `market_orderBook` returns when not told.
const DEFAULT_LEVELS: u32 = 20;

/// The market's RPC methods.
#[rpc(server, namespace = "market")]
pub trait MarketRpc<BlockHash, AccountId> {
	/// The market's timeline and limits.
	#[method(name = "config")]
	fn config(&self, at: Option<BlockHash>) -> RpcResult<MarketConfig>;

	/// The chain's time, the current slot, the first open slot and the next slot to settle.
	#[method(name = "status")]
	fn status(&self, at: Option<BlockHash>) -> RpcResult<MarketStatus>;

	/// Where a slot stands: phase, times, orders, clearing, settlement.
	#[method(name = "slot")]
	fn slot(&self, slot: Slot, at: Option<BlockHash>) -> RpcResult<SlotStatus>;

	/// A slot's book: depth by price level (best first, `maxLevels` a side, default 20) and
	/// `who`'s own orders.
	#[method(name = "orderBook")]
	fn order_book(
		&self,
		slot: Slot,
		who: Option<AccountId>,
		max_levels: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<OrderBookView>;

	/// A slot's clearing and the fill of every order on page `page` (default 0) of its book.
	#[method(name = "clearing")]
	fn clearing(
		&self,
		slot: Slot,
		page: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<ClearingView<AccountId>>;

	/// A participant's record.
	#[method(name = "participant")]
	fn participant(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ParticipantInfo>>;

	/// A participant's orders, position, reading and bill in a slot.
	#[method(name = "position")]
	fn position(
		&self,
		slot: Slot,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<PositionView>;

	/// A slot's settlement and totals.
	#[method(name = "settlement")]
	fn settlement(&self, slot: Slot, at: Option<BlockHash>) -> RpcResult<SlotSettlement>;

	/// A slot's zones: each link's caps, and once cleared each zone's price and flows, the hub
	/// price and the congestion rent.
	#[method(name = "zones")]
	fn zones(&self, slot: Slot, at: Option<BlockHash>) -> RpcResult<ZonesView>;
}

/// Serves [`MarketRpcServer`] from a client's runtime API.
pub struct Market<C, Block> {
	client: Arc<C>,
	_block: PhantomData<Block>,
}

impl<C, Block> Market<C, Block> {
	/// Serves the market of `client`'s chain.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(1, "the runtime API call failed", Some(error.to_string()))
}

impl<C, Block, AccountId> MarketRpcServer<Block::Hash, AccountId> for Market<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MarketApi<Block, AccountId>,
	AccountId: codec::Codec
		+ Clone
		+ Send
		+ Sync
		+ serde::de::DeserializeOwned
		+ serde::Serialize
		+ 'static,
{
	fn config(&self, at: Option<Block::Hash>) -> RpcResult<MarketConfig> {
		self.client.runtime_api().config(self.at(at)).map_err(runtime_error)
	}

	fn status(&self, at: Option<Block::Hash>) -> RpcResult<MarketStatus> {
		self.client.runtime_api().status(self.at(at)).map_err(runtime_error)
	}

	fn slot(&self, slot: Slot, at: Option<Block::Hash>) -> RpcResult<SlotStatus> {
		self.client.runtime_api().slot(self.at(at), slot).map_err(runtime_error)
	}

	fn order_book(
		&self,
		slot: Slot,
		who: Option<AccountId>,
		max_levels: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<OrderBookView> {
		let levels = max_levels.unwrap_or(DEFAULT_LEVELS);
		self.client.runtime_api().order_book(self.at(at), slot, who, levels).map_err(runtime_error)
	}

	fn clearing(
		&self,
		slot: Slot,
		page: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<ClearingView<AccountId>> {
		self.client
			.runtime_api()
			.clearing(self.at(at), slot, page.unwrap_or(0))
			.map_err(runtime_error)
	}

	fn participant(
		&self,
		who: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<ParticipantInfo>> {
		self.client.runtime_api().participant(self.at(at), who).map_err(runtime_error)
	}

	fn position(
		&self,
		slot: Slot,
		who: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<PositionView> {
		self.client.runtime_api().position(self.at(at), slot, who).map_err(runtime_error)
	}

	fn settlement(&self, slot: Slot, at: Option<Block::Hash>) -> RpcResult<SlotSettlement> {
		self.client.runtime_api().settlement(self.at(at), slot).map_err(runtime_error)
	}

	fn zones(&self, slot: Slot, at: Option<Block::Hash>) -> RpcResult<ZonesView> {
		self.client.runtime_api().zones(self.at(at), slot).map_err(runtime_error)
	}
}

impl<C: HeaderBackend<Block>, Block: BlockT> Market<C, Block> {
	fn at(&self, at: Option<Block::Hash>) -> Block::Hash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}
