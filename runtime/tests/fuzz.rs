//! A seeded fuzzer over the real runtime (issue 14): random sequences of the market's calls
//! from random origins (households, operators, the oracle, strangers), with signed readings and
//! clearing results both valid and corrupted, across many slots, with time moving at random.
//! After every block it checks the `try_state` of orders, participants and settlement, and the
//! global invariants: total issuance unchanged, and, between settlement walks, the escrow
//! holding exactly its existential deposit, every unsettled deposit and what operators prepaid
//! for cut imports of slots not yet settled. At the end every slot that was used is settled and the escrow is
//! back at its existential deposit.
//!
//! `cargo test --release -p wattle-runtime --test fuzz -- --nocapture` runs a short run (the
//! test command's); `WATTLE_FUZZ_CALLS` and `WATTLE_FUZZ_SEED` set its length and seed, and
//! `scripts/fuzz.sh` runs a long one. It prints the calls executed, the outcome of each kind
//! and the seed, which replays the run exactly.
mod common;

use common::dev_chain;
use frame_support::{
	traits::{fungible::Inspect, Hooks},
	weights::Weight,
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::Dispatchable, DispatchError};
use std::collections::BTreeMap;
use wattle_double_auction::{clear_split, Marginal, Side, SplitResult};
use wattle_primitives::{
	reading_payload, Balance, EnergyWh, GridLinks, MarketClock, Role, Slot, Tariffs, ZoneId,
};
use wattle_runtime::{
	AccountId, Balances, Clearing, Orders, Participants, Runtime, RuntimeCall, RuntimeOrigin,
	Settlement, System,
};

/// splitmix64: the run is a pure function of its seed.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// A number in `0..n`.
	fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			0
		} else {
			self.next() % n
		}
	}

	/// True `percent` times in a hundred.
	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
		&items[self.below(items.len() as u64) as usize]
	}
}

/// A household the fuzzer drives: its account and its meter's key.
struct Household {
	pair: sr25519::Pair,
	meter: sr25519::Pair,
	zone: ZoneId,
	role: Role,
}

impl Household {
	fn account(&self) -> AccountId {
		self.pair.public().into()
	}
}

const TOWN: ZoneId = 0;
const SUBURB: ZoneId = 1;

struct Fuzzer {
	rng: Rng,
	households: Vec<Household>,
	town_operator: sr25519::Pair,
	suburb_operator: sr25519::Pair,
	strangers: Vec<sr25519::Pair>,
	now_ms: u64,
	issuance: Balance,
	/// Every order id the run placed (cancelled or not).
	orders: Vec<u64>,
	/// The latest slot the run placed orders or readings for.
	last_slot: Slot,
	/// The latest slot whose readings the oracle relayed (or missed).
	relayed_slot: Slot,
	calls: u64,
	outcomes: BTreeMap<String, u64>,
}

impl Fuzzer {
	fn new(seed: u64) -> Self {
		let pair = |uri: &str| sr25519::Pair::from_string(uri, None).expect("a valid uri");
		let dev = [("Bob", Role::Prosumer), ("Charlie", Role::Consumer), ("Dave", Role::Producer)]
			.into_iter()
			.chain([("Eve", Role::Prosumer), ("Ferdie", Role::Consumer)])
			.map(|(name, role)| Household {
				pair: pair(&format!("//{name}")),
				meter: pair(&format!("//{name}//meter")),
				zone: TOWN,
				role,
			});
		let suburb = [Role::Prosumer, Role::Producer, Role::Consumer].into_iter().enumerate().map(
			|(i, role)| Household {
				pair: pair(&format!("//fuzz-suburb-{i}")),
				meter: pair(&format!("//fuzz-suburb-{i}//meter")),
				zone: SUBURB,
				role,
			},
		);
		Self {
			rng: Rng(seed),
			households: dev.chain(suburb).collect(),
			town_operator: pair("//Alice"),
			suburb_operator: pair("//Wattle//suburb"),
			strangers: (0..2).map(|i| pair(&format!("//fuzz-stranger-{i}"))).collect(),
			now_ms: 0,
			issuance: 0,
			orders: Vec::new(),
			last_slot: 0,
			relayed_slot: 0,
			calls: 0,
			outcomes: BTreeMap::new(),
		}
	}

	fn signed(pair: &sr25519::Pair) -> RuntimeOrigin {
		RawOrigin::Signed(AccountId::from(pair.public())).into()
	}

	/// Dispatches `call` from `origin` and counts its outcome under `kind`.
	fn call(&mut self, kind: &str, origin: RuntimeOrigin, call: RuntimeCall) -> bool {
		self.calls += 1;
		let result = call.dispatch(origin);
		let outcome = match result.map_err(|error| error.error) {
			Ok(_) => format!("{kind}: ok"),
			Err(DispatchError::Module(error)) => {
				format!("{kind}: {}", error.message.unwrap_or("a module's error"))
			},
			Err(error) => format!("{kind}: {error:?}"),
		};
		let accepted = outcome.ends_with(": ok");
		*self.outcomes.entry(outcome).or_default() += 1;
		accepted
	}

	/// The suburb's households join: funded by Alice, registered, approved by its operator.
	fn admit_suburb(&mut self) {
		for i in 0..self.households.len() {
			if self.households[i].zone != SUBURB {
				continue;
			}
			let who = self.households[i].account();
			let funded = pallet_balances::Pallet::<Runtime>::transfer_keep_alive(
				Self::signed(&self.town_operator),
				who.clone().into(),
				1_000 * wattle_primitives::WTL,
			);
			assert!(funded.is_ok());
			let household = &self.households[i];
			let register = RuntimeCall::Participants(pallet_participants::Call::register {
				role: household.role,
				zone: SUBURB,
				meter_key: household.meter.public(),
				max_power_w: 10_000,
			});
			let origin = Self::signed(&household.pair);
			assert!(self.call("register", origin, register));
			let approve =
				RuntimeCall::Participants(pallet_participants::Call::approve { who: who.clone() });
			assert!(self.call("approve", Self::signed(&self.suburb_operator.clone()), approve));
		}
		// Fees were not charged (calls are dispatched directly); the transfers moved money only.
		self.issuance = Balances::total_issuance();
	}

	fn current_slot(&self) -> Slot {
		<Orders as MarketClock>::current_slot()
	}

	/// One block: time moves on, the hooks run, a few random calls, settlement's idle walk,
	/// then every invariant.
	fn block(&mut self, calls: u32) {
		let number = System::block_number() + 1;
		System::reset_events();
		System::set_block_number(number);
		// Mostly a block's 6 s, sometimes a stall of up to two slots.
		let step_ms = if self.rng.chance(3) { 6_000 + self.rng.below(120_000) } else { 6_000 };
		self.now_ms += step_ms;
		pallet_timestamp::Now::<Runtime>::put(self.now_ms);
		Clearing::on_initialize(number);
		Settlement::on_initialize(number);
		for _ in 0..calls {
			self.random_call();
		}
		self.oracle_relays();
		Settlement::on_idle(number, Weight::from_parts(1_000_000_000_000, u64::MAX));
		self.count_readings();
		self.check_invariants();
	}

	/// Each zone's relay (the town's oracle, the suburb's operator) relays every meter's reading
	/// of the slot that just ended once its metering window is open, as a gateway does; now and
	/// then it misses a slot.
	fn oracle_relays(&mut self) {
		let slot = self.current_slot().saturating_sub(1);
		if self.relayed_slot >= slot
			|| <Orders as MarketClock>::phase(slot) != wattle_primitives::SlotPhase::Metering
		{
			return;
		}
		self.relayed_slot = slot;
		if self.rng.chance(10) {
			return;
		}
		for (zone, relay) in
			[(TOWN, self.town_operator.clone()), (SUBURB, self.suburb_operator.clone())]
		{
			self.relay_zone(slot, zone, &relay);
		}
	}

	fn relay_zone(&mut self, slot: Slot, zone: ZoneId, relay: &sr25519::Pair) {
		let genesis_hash = pallet_metering::Pallet::<Runtime>::genesis_hash();
		let readings = (0..self.households.len())
			.filter(|index| self.households[*index].zone == zone)
			.collect::<Vec<_>>()
			.into_iter()
			.map(|index| {
				let participant = self.households[index].account();
				// A meter mostly measures its contract, within what the tolerance allows.
				let (bought, sold) = Self::contract(slot, &participant);
				let imported_wh = bought + self.rng.below(10);
				let exported_wh = sold + self.rng.below(10);
				let payload =
					reading_payload(&genesis_hash, &participant, slot, imported_wh, exported_wh);
				pallet_metering::SignedReading {
					participant,
					slot,
					imported_wh,
					exported_wh,
					signature: self.households[index].meter.sign(&payload),
				}
			})
			.collect();
		let call = RuntimeCall::Metering(pallet_metering::Call::submit_readings { readings });
		self.call("a zone's relay relays the slot", Self::signed(relay), call);
	}

	/// Counts the block's recorded and rejected readings by reason.
	fn count_readings(&mut self) {
		for record in System::events() {
			let outcome = match record.event {
				wattle_runtime::RuntimeEvent::Metering(
					pallet_metering::Event::ReadingRecorded { .. },
				) => "reading: recorded".to_string(),
				wattle_runtime::RuntimeEvent::Metering(
					pallet_metering::Event::ReadingRejected { reason, .. },
				) => format!("reading: rejected, {reason:?}"),
				_ => continue,
			};
			*self.outcomes.entry(outcome).or_default() += 1;
		}
	}

	fn random_call(&mut self) {
		match self.rng.below(100) {
			0..=29 => self.place_order(),
			30..=34 => self.place_orders(),
			35..=41 => self.cancel_order(),
			42..=59 => self.submit_readings(),
			60..=71 => self.submit_result(),
			72..=77 => self.settle(),
			78..=83 => self.curtail_link(),
			84..=86 => self.limit_link(),
			87..=88 => self.set_link_caps(),
			89..=91 => self.repay_debt(),
			92..=93 => self.set_tariffs(),
			94..=96 => self.suspend_or_reinstate(),
			_ => self.stranger_call(),
		}
	}

	fn household_origin(&mut self) -> (usize, RuntimeOrigin) {
		let index = self.rng.below(self.households.len() as u64) as usize;
		(index, Self::signed(&self.households[index].pair))
	}

	/// A slot near the current one: mostly open ones, sometimes past, closed or too far.
	fn near_slot(&mut self) -> Slot {
		let current = self.current_slot();
		match self.rng.below(10) {
			0 => current.saturating_sub(self.rng.below(3)),
			1 => current + 40,
			_ => current + 1 + self.rng.below(4),
		}
	}

	fn energy(&mut self) -> EnergyWh {
		match self.rng.below(20) {
			0 => 0,
			1 => u64::MAX,
			2 => 1 + self.rng.below(400),
			_ => 1 + self.rng.below(60),
		}
	}

	fn price(&mut self) -> Balance {
		match self.rng.below(20) {
			0 => 0,
			1 => Balance::MAX,
			2 => 10 * wattle_primitives::WTL_PER_KWH + 1,
			_ => (50 + self.rng.below(300) as Balance) * 1_000_000,
		}
	}

	fn side(&mut self) -> Side {
		if self.rng.chance(50) {
			Side::Buy
		} else {
			Side::Sell
		}
	}

	fn place_order(&mut self) {
		let (_, origin) = self.household_origin();
		let slot = self.near_slot();
		let (side, energy_wh, price) = (self.side(), self.energy(), self.price());
		let next_id =
			wattle_primitives::order_id(slot, pallet_orders::Books::<Runtime>::get(slot).placed);
		let call =
			RuntimeCall::Orders(pallet_orders::Call::place_order { slot, side, energy_wh, price });
		if self.call("place_order", origin, call) {
			self.orders.push(next_id);
			self.last_slot = self.last_slot.max(slot);
		}
	}

	fn place_orders(&mut self) {
		let (_, origin) = self.household_origin();
		let count = if self.rng.chance(5) { 97 } else { 1 + self.rng.below(4) };
		let orders = (0..count)
			.map(|_| pallet_orders::OrderSpec {
				slot: self.near_slot(),
				side: self.side(),
				energy_wh: self.energy(),
				price: self.price(),
			})
			.collect::<Vec<_>>();
		let latest = orders.iter().map(|order| order.slot).max().unwrap_or(0);
		let call = RuntimeCall::Orders(pallet_orders::Call::place_orders { orders });
		if self.call("place_orders", origin, call) {
			self.last_slot = self.last_slot.max(latest);
		}
	}

	fn cancel_order(&mut self) {
		let (_, origin) = self.household_origin();
		let id = if self.orders.is_empty() || self.rng.chance(10) {
			self.rng.next()
		} else {
			*self.rng.pick(&self.orders)
		};
		let call = RuntimeCall::Orders(pallet_orders::Call::cancel_order { id });
		self.call("cancel_order", origin, call);
	}

	fn submit_readings(&mut self) {
		let relay = match self.rng.below(10) {
			0 => self.suburb_operator.clone(),
			1 => self.rng.pick(&self.strangers).clone(),
			2 => self.households[0].pair.clone(),
			_ => self.town_operator.clone(),
		};
		let genesis_hash = pallet_metering::Pallet::<Runtime>::genesis_hash();
		let current = self.current_slot();
		// A few readings of random meters and slots, or an oversized batch: duplicates, late
		// ones, forged ones, from relays that may not relay.
		let count = if self.rng.chance(3) { 257 } else { 1 + self.rng.below(4) };
		let readings = (0..count)
			.map(|_| {
				let index = self.rng.below(self.households.len() as u64) as usize;
				let slot = current.saturating_sub(self.rng.below(3));
				let participant = self.households[index].account();
				let imported_wh = self.rng.below(200);
				let exported_wh = self.rng.below(200);
				let household = &self.households[index];
				let payload =
					reading_payload(&genesis_hash, &participant, slot, imported_wh, exported_wh);
				let signature = match self.rng.below(10) {
					// Signed by another meter, or over other values.
					0 => self.households[(index + 1) % self.households.len()].meter.sign(&payload),
					1 => household.meter.sign(&reading_payload(
						&genesis_hash,
						&participant,
						slot,
						imported_wh + 1,
						exported_wh,
					)),
					_ => household.meter.sign(&payload),
				};
				pallet_metering::SignedReading {
					participant,
					slot,
					imported_wh,
					exported_wh,
					signature,
				}
			})
			.collect();
		let call = RuntimeCall::Metering(pallet_metering::Call::submit_readings { readings });
		self.call("submit_readings", Self::signed(&relay), call);
	}

	/// What `who` contracted to buy and sell in `slot`, once it is cleared.
	fn contract(slot: Slot, who: &AccountId) -> (EnergyWh, EnergyWh) {
		use wattle_primitives::{ClearedSlots, ClearingState};
		let (Some(record), ClearingState::Traded(prices)) = (
			pallet_settlement::Positions::<Runtime>::get(slot, who),
			Clearing::clearing_state(slot),
		) else {
			return (0, 0);
		};
		Settlement::position_of(&record, Some(&prices))
			.map_or((0, 0), |position| (position.bought_wh, position.sold_wh))
	}

	/// The slot's true result (as an off-chain worker computes it), often corrupted in one field.
	fn submit_result(&mut self) {
		let current = self.current_slot();
		let in_clearing = (current + 1..current + 3).find(|slot| {
			<Orders as MarketClock>::phase(*slot) == wattle_primitives::SlotPhase::Clearing
		});
		let slot = match in_clearing {
			Some(slot) if self.rng.chance(80) => slot,
			_ => current + self.rng.below(3),
		};
		let book = Clearing::whole_book(slot);
		let links = <Participants as GridLinks>::links(slot);
		let Ok(mut result) = clear_split(&book, &links) else { return };
		if self.rng.chance(40) {
			self.corrupt(&mut result);
		}
		let (_, origin) = self.household_origin();
		let call = RuntimeCall::Clearing(pallet_clearing::Call::submit_result { slot, result });
		self.call("submit_result", origin, call);
	}

	fn corrupt(&mut self, result: &mut SplitResult) {
		let SplitResult::Trade(split) = result else {
			*result = SplitResult::NoTrade;
			return;
		};
		let bump = |value: u64, rng: &mut Rng| {
			if rng.chance(50) {
				value.wrapping_add(1)
			} else {
				value.wrapping_sub(1)
			}
		};
		let index = self.rng.below(split.zones.len() as u64) as usize;
		let Some(zone) = split.zones.get_mut(index) else { return };
		match self.rng.below(6) {
			0 => split.hub_price = split.hub_price.wrapping_add(1),
			1 => zone.price = zone.price.wrapping_add(1),
			2 => zone.bought_wh = bump(zone.bought_wh, &mut self.rng),
			3 => zone.sold_wh = bump(zone.sold_wh, &mut self.rng),
			4 => {
				zone.marginal_bid = zone.marginal_bid.map(|m| Marginal {
					id: m.id,
					fill_wh: core::num::NonZeroU64::new(bump(m.fill_wh.get(), &mut self.rng))
						.unwrap_or(core::num::NonZeroU64::MIN),
				})
			},
			_ => zone.zone = zone.zone.wrapping_add(1),
		}
	}

	fn settle(&mut self) {
		let (_, origin) = self.household_origin();
		let next = Settlement::next_slot_to_settle().unwrap_or(0);
		let slot = if self.rng.chance(80) { next } else { next + self.rng.below(3) };
		let max = match self.rng.below(10) {
			0 => 0,
			1 => 257,
			_ => 1 + self.rng.below(20) as u32,
		};
		let call = RuntimeCall::Settlement(pallet_settlement::Call::settle { slot, max });
		self.call("settle", origin, call);
	}

	fn operator(&mut self) -> (ZoneId, sr25519::Pair) {
		match self.rng.below(10) {
			0 => (SUBURB, self.town_operator.clone()),
			1..=5 => (SUBURB, self.suburb_operator.clone()),
			_ => (TOWN, self.town_operator.clone()),
		}
	}

	fn cap(&mut self) -> EnergyWh {
		match self.rng.below(6) {
			0 => EnergyWh::MAX,
			1 => 0,
			_ => self.rng.below(300),
		}
	}

	fn curtail_link(&mut self) {
		let (zone, operator) = self.operator();
		let slot = self.current_slot() + self.rng.below(2);
		let (export_cap_wh, import_cap_wh) = (self.cap(), self.cap());
		let call = RuntimeCall::Settlement(pallet_settlement::Call::curtail_link {
			slot,
			zone,
			export_cap_wh,
			import_cap_wh,
		});
		self.call("curtail_link", Self::signed(&operator), call);
	}

	fn limit_link(&mut self) {
		let (_, operator) = self.operator();
		let slot = self.near_slot();
		let (export_cap_wh, import_cap_wh) = (self.cap(), self.cap());
		let call = RuntimeCall::Participants(pallet_participants::Call::limit_link {
			slot,
			export_cap_wh,
			import_cap_wh,
		});
		self.call("limit_link", Self::signed(&operator), call);
	}

	fn set_link_caps(&mut self) {
		let (_, operator) = self.operator();
		let (export_cap_wh, import_cap_wh) = (self.cap(), self.cap());
		let call = RuntimeCall::Participants(pallet_participants::Call::set_link_caps {
			export_cap_wh,
			import_cap_wh,
		});
		self.call("set_link_caps", Self::signed(&operator), call);
	}

	fn repay_debt(&mut self) {
		let (_, origin) = self.household_origin();
		let call = RuntimeCall::Participants(pallet_participants::Call::repay_debt {});
		self.call("repay_debt", origin, call);
	}

	fn set_tariffs(&mut self) {
		let (zone, operator) = self.operator();
		let mut tariffs: Tariffs = wattle_primitives::dev_tariffs();
		match self.rng.below(5) {
			0 => tariffs.retail_price = self.price(),
			1 => tariffs.feed_in_price = self.price(),
			2 => tariffs.grid_fee = self.price(),
			3 => tariffs.missing_reading_penalty = self.price(),
			_ => tariffs.seller_collateral = self.price(),
		}
		let call =
			RuntimeCall::Participants(pallet_participants::Call::set_tariffs { zone, tariffs });
		self.call("set_tariffs", Self::signed(&operator), call);
	}

	fn suspend_or_reinstate(&mut self) {
		let index = self.rng.below(self.households.len() as u64) as usize;
		let who = self.households[index].account();
		let operator = if self.households[index].zone == SUBURB {
			self.suburb_operator.clone()
		} else {
			self.town_operator.clone()
		};
		let call = if self.rng.chance(20) {
			let reason = BoundedVec::truncate_from(b"fuzz".to_vec());
			RuntimeCall::Participants(pallet_participants::Call::suspend { who, reason })
		} else {
			RuntimeCall::Participants(pallet_participants::Call::reinstate { who })
		};
		self.call("suspend_or_reinstate", Self::signed(&operator), call);
	}

	/// A call a stranger has no right to make, or a root-only call from a household.
	fn stranger_call(&mut self) {
		let stranger = self.rng.pick(&self.strangers).clone();
		let who = self.households[0].account();
		let call = match self.rng.below(5) {
			0 => RuntimeCall::Participants(pallet_participants::Call::approve { who }),
			1 => RuntimeCall::Participants(pallet_participants::Call::create_zone {
				zone: 7,
				operator: AccountId::from(stranger.public()),
				tariffs: wattle_primitives::dev_tariffs(),
			}),
			2 => RuntimeCall::Orders(pallet_orders::Call::place_order {
				slot: self.current_slot() + 2,
				side: Side::Buy,
				energy_wh: 10,
				price: 100_000_000,
			}),
			3 => RuntimeCall::Participants(pallet_participants::Call::set_link_caps {
				export_cap_wh: 0,
				import_cap_wh: 0,
			}),
			_ => RuntimeCall::Settlement(pallet_settlement::Call::curtail_link {
				slot: self.current_slot(),
				zone: TOWN,
				export_cap_wh: 0,
				import_cap_wh: 0,
			}),
		};
		self.call("stranger", Self::signed(&stranger), call);
	}

	/// What operators prepaid into the escrow for the cut imports of slots not yet settled.
	fn prepaid_cuts() -> Balance {
		let next = Settlement::next_slot_to_settle().unwrap_or(0);
		pallet_settlement::Curtailments::<Runtime>::iter()
			.filter(|(slot, _, _)| *slot >= next)
			.map(|(slot, zone, _)| {
				let Some(pallet_clearing::Outcome::Split(SplitResult::Trade(split))) =
					pallet_clearing::Outcomes::<Runtime>::get(slot)
				else {
					return 0;
				};
				split
					.zone(zone)
					.map_or(0, |cleared| Settlement::zone_dues(slot, &split, cleared).prepaid)
			})
			.sum()
	}

	fn check_invariants(&self) {
		pallet_orders::Pallet::<Runtime>::do_try_state().expect("orders' invariants");
		pallet_participants::Pallet::<Runtime>::do_try_state().expect("participants' invariants");
		Settlement::do_try_state().expect("settlement's invariants");
		assert_eq!(Balances::total_issuance(), self.issuance, "issuance unchanged");
		if pallet_settlement::InProgress::<Runtime>::get().is_none() {
			let deposits: Balance = pallet_settlement::Positions::<Runtime>::iter_values()
				.filter(|record| record.bill.is_none())
				.map(|record| record.deposit)
				.sum();
			let escrow = Balances::total_balance(&Settlement::escrow_account());
			assert_eq!(
				escrow,
				Balances::minimum_balance() + deposits + Self::prepaid_cuts(),
				"between walks the escrow holds exactly its deposit, the unsettled deposits and \
				 the prepaid cuts"
			);
		}
	}

	/// Time runs on without calls until every slot the run used is settled.
	fn settle_everything(&mut self) {
		for _ in 0..2_000 {
			if Settlement::next_slot_to_settle().is_some_and(|next| next > self.last_slot)
				&& pallet_settlement::InProgress::<Runtime>::get().is_none()
			{
				break;
			}
			self.block(0);
		}
		assert!(
			Settlement::next_slot_to_settle().is_some_and(|next| next > self.last_slot),
			"every slot the run used was settled"
		);
		let escrow = Balances::total_balance(&Settlement::escrow_account());
		assert_eq!(escrow, Balances::minimum_balance(), "the escrow is back at its deposit");
	}
}

#[test]
fn random_calls_keep_every_invariant() {
	let calls: u64 =
		std::env::var("WATTLE_FUZZ_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
	let seed: u64 =
		std::env::var("WATTLE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(14);
	dev_chain().execute_with(|| {
		let mut fuzzer = Fuzzer::new(seed);
		// The chain's clock starts a little after a slot began.
		fuzzer.now_ms = 1_800_000_000_000;
		fuzzer.issuance = Balances::total_issuance();
		fuzzer.block(0);
		fuzzer.admit_suburb();
		while fuzzer.calls < calls {
			let per_block = fuzzer.rng.below(12) as u32;
			fuzzer.block(per_block);
		}
		fuzzer.settle_everything();
		println!(
			"fuzz: seed {seed}, {} calls in {} blocks, no invariant violated",
			fuzzer.calls,
			System::block_number()
		);
		for (outcome, count) in &fuzzer.outcomes {
			println!("  {count:>8}  {outcome}");
		}
		let traded = fuzzer.outcomes.get("submit_result: ok").copied().unwrap_or(0);
		assert!(traded > 0 || calls < 1_000, "the run cleared slots");
	});
}
