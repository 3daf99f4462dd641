//! The market's figures for Prometheus, next to Substrate's own (`--prometheus-port`): where the
//! market's clock and settlement stand, what the next slot holds and what the last settled slot
//! came to, read through `MarketApi` at every new best block. An operator alerts on
//! `wattle_market_settlement_lag_slots` (normally 1 or 2: the slot in delivery and the one in its
//! metering window) and on missing readings.
use crate::service::FullClient;
use futures::StreamExt;
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;
use std::sync::Arc;
use substrate_prometheus_endpoint::{register, Gauge, PrometheusError, Registry, U64};
use wattle_market_api::MarketApi;
use wattle_runtime::{opaque::Block, AccountId, Balance};

const LOG_TARGET: &str = "wattle::metrics";

struct MarketGauges {
	current_slot: Gauge<U64>,
	next_slot_to_settle: Gauge<U64>,
	settlement_lag_slots: Gauge<U64>,
	next_slot_orders: Gauge<U64>,
	settled_participants: Gauge<U64>,
	settled_volume_wh: Gauge<U64>,
	settled_price: Gauge<U64>,
	settled_missing_readings: Gauge<U64>,
	settled_penalties: Gauge<U64>,
	settled_debt: Gauge<U64>,
}

impl MarketGauges {
	fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let gauge = |name: &str, help: &str| register(Gauge::new(name, help)?, registry);
		Ok(Self {
			current_slot: gauge("wattle_market_current_slot", "The slot the best block falls in.")?,
			next_slot_to_settle: gauge(
				"wattle_market_next_slot_to_settle",
				"The slot settlement works on or starts next.",
			)?,
			settlement_lag_slots: gauge(
				"wattle_market_settlement_lag_slots",
				"Current slot less the next slot to settle: 1 or 2 when settlement keeps up.",
			)?,
			next_slot_orders: gauge(
				"wattle_market_next_slot_orders",
				"Orders placed in the slot after the current one (the next to be cleared).",
			)?,
			settled_participants: gauge(
				"wattle_market_settled_participants",
				"Households billed in the last settled slot.",
			)?,
			settled_volume_wh: gauge(
				"wattle_market_settled_volume_wh",
				"Energy traded in the last settled slot, Wh.",
			)?,
			settled_price: gauge(
				"wattle_market_settled_price_planck_per_wh",
				"Clearing price of the last settled slot, planck per Wh (0 without trade).",
			)?,
			settled_missing_readings: gauge(
				"wattle_market_settled_missing_readings",
				"Households of the last settled slot billed without a meter reading.",
			)?,
			settled_penalties: gauge(
				"wattle_market_settled_penalties_planck",
				"Missing-reading penalties of the last settled slot, planck.",
			)?,
			settled_debt: gauge(
				"wattle_market_settled_debt_planck",
				"New debt of the last settled slot, planck.",
			)?,
		})
	}

	fn update(
		&self,
		client: &FullClient,
		at: <Block as sp_runtime::traits::Block>::Hash,
	) -> Result<(), sp_api::ApiError> {
		let api = client.runtime_api();
		let status = MarketApi::<Block, AccountId>::status(&*api, at)?;
		self.current_slot.set(status.current_slot);
		let next =
			MarketApi::<Block, AccountId>::slot(&*api, at, status.current_slot.saturating_add(1))?;
		self.next_slot_orders.set(next.orders.into());
		let Some(to_settle) = status.next_slot_to_settle else { return Ok(()) };
		self.next_slot_to_settle.set(to_settle);
		self.settlement_lag_slots.set(status.current_slot.saturating_sub(to_settle));
		let Some(last) = to_settle.checked_sub(1) else { return Ok(()) };
		if let Some(totals) = MarketApi::<Block, AccountId>::settlement(&*api, at, last)?.totals {
			let planck = |amount: Balance| u64::try_from(amount).unwrap_or(u64::MAX);
			self.settled_participants.set(totals.participants.into());
			self.settled_volume_wh.set(totals.volume_wh);
			self.settled_price.set(planck(totals.price));
			self.settled_missing_readings.set(totals.missing_readings.into());
			self.settled_penalties.set(planck(totals.penalties));
			self.settled_debt.set(planck(totals.debt));
		}
		Ok(())
	}
}

/// Registers the market's gauges in `registry` and keeps them current until the node stops.
pub async fn run(client: Arc<FullClient>, registry: Registry) {
	let gauges = match MarketGauges::register(&registry) {
		Ok(gauges) => gauges,
		Err(error) => {
			log::warn!(target: LOG_TARGET, "market metrics not registered: {error}");
			return;
		},
	};
	let mut blocks = client.import_notification_stream();
	while let Some(block) = blocks.next().await {
		if !block.is_new_best {
			continue;
		}
		if let Err(error) = gauges.update(&client, block.hash) {
			// A runtime without `MarketApi` (or an older one) leaves the gauges where they were.
			log::debug!(target: LOG_TARGET, "market metrics not updated: {error}");
		}
	}
}
