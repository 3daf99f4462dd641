//! What the runtime API `MarketApi` returns: the market pallets' state read as client views.
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use pallet_clearing::{ClearingResult, Outcome, SplitResult};
use wattle_market_api::{
	ClearingView, MarketStatus, OrderBookView, OrderFill, OrderView, PositionView, PriceLevel,
	Side, SlotClearing, SlotSettlement, SlotStatus, ZoneView, ZonesView,
};
use wattle_primitives::{
	order_deposit, Balance, ClearedPrices, ClearedSlots, ClearingState, EnergyWh, GridLinks,
	MarketClock, OrderBook, Slot, SlotPhase,
};

use crate::{AccountId, Clearing, Orders, Runtime, Settlement};

pub fn status() -> MarketStatus {
	let config = <Orders as MarketClock>::config();
	let now_secs = <Orders as MarketClock>::now_secs();
	let current_slot = config.slot_at(now_secs);
	let first_open_slot = (current_slot.saturating_add(1)..)
		.take((config.max_slots_ahead as usize).saturating_add(1))
		.find(|slot| config.phase(*slot, now_secs) == SlotPhase::Open)
		.unwrap_or(current_slot.saturating_add(1));
	MarketStatus { now_secs, current_slot, first_open_slot, next_slot_to_settle: next_to_settle() }
}

fn next_to_settle() -> Option<Slot> {
	pallet_settlement::Pallet::<Runtime>::next_slot_to_settle()
}

fn is_settled(slot: Slot) -> bool {
	next_to_settle().is_some_and(|next| slot < next)
}

fn clearing_of(slot: Slot) -> SlotClearing {
	match pallet_clearing::Outcomes::<Runtime>::get(slot) {
		Some(Outcome::Cleared(ClearingResult::Trade(clearing))) => {
			SlotClearing::Traded { price: clearing.price, volume_wh: clearing.volume_wh.get() }
		},
		Some(Outcome::Split(SplitResult::Trade(clearing))) => {
			SlotClearing::Traded { price: clearing.hub_price, volume_wh: clearing.volume_wh() }
		},
		Some(Outcome::Cleared(ClearingResult::NoTrade))
		| Some(Outcome::Split(SplitResult::NoTrade)) => SlotClearing::NoTrade,
		Some(Outcome::Voided) => SlotClearing::Voided,
		None if is_settled(slot) => SlotClearing::Settled,
		None => SlotClearing::Pending,
	}
}

pub fn slot(slot: Slot) -> SlotStatus {
	let config = <Orders as MarketClock>::config();
	SlotStatus {
		slot,
		phase: <Orders as MarketClock>::phase(slot),
		gate_closure: config.gate_closure(slot),
		start: config.slot_start(slot),
		end: config.slot_end(slot),
		metering_closes: config.metering_closes(slot),
		orders: Orders::book_summary(slot).open,
		clearing: clearing_of(slot),
		settled: is_settled(slot),
	}
}

type Record = pallet_settlement::SlotRecord<
	<Runtime as pallet_settlement::Config>::MaxOrdersPerAccountPerSlot,
>;

/// The prices every order's fill of `slot` follows from, once the slot's clearing is final:
/// `Some(None)` if nothing trades.
fn final_result(slot: Slot) -> Option<Option<ClearedPrices>> {
	match <Clearing as ClearedSlots>::clearing_state(slot) {
		ClearingState::Pending => None,
		ClearingState::NoTrade => Some(None),
		ClearingState::Traded(prices) => Some(Some(prices)),
	}
}

fn fill_under(
	result: &Option<ClearedPrices>,
	zone: wattle_primitives::ZoneId,
	order: &wattle_double_auction::Order,
) -> EnergyWh {
	result.as_ref().map_or(0, |prices| prices.fill_of(zone, order))
}

fn own_orders(slot: Slot, record: &Record) -> Vec<OrderView> {
	let result = final_result(slot);
	record
		.live_orders()
		.map(|order| OrderView {
			id: order.id,
			side: order.side,
			energy_wh: order.energy_wh,
			price: order.price,
			held: order_deposit(order, record.grid_fee, record.collateral).unwrap_or_default(),
			cleared_wh: result.as_ref().map(|result| fill_under(result, record.zone, order)),
		})
		.collect()
}

fn record_of(slot: Slot, who: &AccountId) -> Option<Record> {
	pallet_settlement::Positions::<Runtime>::get(slot, who)
}

pub fn order_book(slot: Slot, who: Option<AccountId>, max_levels: u32) -> OrderBookView {
	let mut bids: BTreeMap<Balance, (EnergyWh, u32)> = BTreeMap::new();
	let mut asks: BTreeMap<Balance, (EnergyWh, u32)> = BTreeMap::new();
	for page in 0..<Orders as OrderBook>::pages(slot) {
		for entry in <Orders as OrderBook>::page(slot, page).into_iter().map(|line| line.order) {
			let side = if entry.side == Side::Buy { &mut bids } else { &mut asks };
			let level = side.entry(entry.price).or_default();
			level.0 = level.0.saturating_add(entry.energy_wh);
			level.1 = level.1.saturating_add(1);
		}
	}
	let level = |(price, (energy_wh, orders)): (&Balance, &(EnergyWh, u32))| PriceLevel {
		price: *price,
		energy_wh: *energy_wh,
		orders: *orders,
	};
	OrderBookView {
		slot,
		bids: bids.iter().rev().take(max_levels as usize).map(level).collect(),
		asks: asks.iter().take(max_levels as usize).map(level).collect(),
		own: who
			.and_then(|who| record_of(slot, &who))
			.map(|record| own_orders(slot, &record))
			.unwrap_or_default(),
	}
}

pub fn clearing(slot: Slot, page: u32) -> ClearingView<AccountId> {
	let result = final_result(slot);
	let fills = Orders::book_page(slot, page)
		.into_iter()
		.map(|line| OrderFill {
			id: line.order.id,
			fill_wh: result.as_ref().map_or(0, |result| fill_under(result, line.zone, &line.order)),
			owner: Some(line.owner),
			side: line.order.side,
			energy_wh: line.order.energy_wh,
			price: line.order.price,
		})
		.collect();
	ClearingView {
		slot,
		clearing: clearing_of(slot),
		page,
		pages: <Orders as OrderBook>::pages(slot),
		fills,
	}
}

pub fn position(slot: Slot, who: AccountId) -> PositionView {
	let Some(record) = record_of(slot, &who) else {
		return PositionView {
			slot,
			orders: Vec::new(),
			bought_wh: 0,
			sold_wh: 0,
			reading: None,
			bill: None,
		};
	};
	let (bought_wh, sold_wh) = match &record.bill {
		Some(bill) => (bill.bought_wh, bill.sold_wh),
		None => {
			let clearing = match <Clearing as ClearedSlots>::clearing_state(slot) {
				ClearingState::Traded(clearing) => Some(clearing),
				_ => None,
			};
			pallet_settlement::Pallet::<Runtime>::position_of(&record, clearing.as_ref())
				.map_or((0, 0), |position| (position.bought_wh, position.sold_wh))
		},
	};
	PositionView {
		slot,
		orders: own_orders(slot, &record),
		bought_wh,
		sold_wh,
		reading: record.reading.map(|reading| (reading.imported_wh, reading.exported_wh)),
		bill: record.bill,
	}
}

pub fn settlement(slot: Slot) -> SlotSettlement {
	SlotSettlement {
		slot,
		settled: is_settled(slot),
		in_progress: pallet_settlement::InProgress::<Runtime>::get()
			.is_some_and(|progress| progress.slot == slot),
		totals: pallet_settlement::SlotTotalsOf::<Runtime>::get(slot),
	}
}

pub fn zones(slot: Slot) -> ZonesView {
	let links = <crate::Participants as GridLinks>::links(slot);
	let split = match pallet_clearing::Outcomes::<Runtime>::get(slot) {
		Some(Outcome::Split(SplitResult::Trade(split))) => Some(split),
		_ => None,
	};
	let single_price = match pallet_clearing::Outcomes::<Runtime>::get(slot) {
		Some(Outcome::Cleared(ClearingResult::Trade(clearing))) => Some(clearing.price),
		_ => None,
	};
	let cap = |cap: EnergyWh| (cap != EnergyWh::MAX).then_some(cap);
	let zones = links
		.iter()
		.map(|link| {
			let cleared = split.as_ref().and_then(|split| split.zone(link.zone));
			let dues = match (&split, cleared) {
				(Some(split), Some(zone)) => Settlement::zone_dues(slot, split, zone),
				_ => Default::default(),
			};
			let curtailed = pallet_settlement::Curtailments::<Runtime>::get(slot, link.zone);
			ZoneView {
				zone: link.zone,
				export_cap_wh: cap(link.export_cap_wh),
				import_cap_wh: cap(link.import_cap_wh),
				price: cleared.map(|zone| zone.price).or(single_price),
				bought_wh: cleared.map_or(0, |zone| zone.bought_wh),
				sold_wh: cleared.map_or(0, |zone| zone.sold_wh),
				net_export_wh: cleared.map_or(0, |zone| {
					zone.net_export_wh().clamp(i64::MIN as i128, i64::MAX as i128) as i64
				}),
				congestion_rent: dues.rent,
				curtailed_caps_wh: curtailed.map(|cut| (cut.export_cap_wh, cut.import_cap_wh)),
				shed_wh: dues.shed_wh,
			}
		})
		.collect::<Vec<ZoneView>>();
	ZonesView {
		slot,
		hub_price: split.as_ref().map(|split| split.hub_price).or(single_price),
		congestion_rent: zones
			.iter()
			.fold(0, |total: Balance, zone| total.saturating_add(zone.congestion_rent)),
		zones,
	}
}
