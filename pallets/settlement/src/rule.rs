//! The settlement rule of one participant in one slot, as pure arithmetic: what it owes and is
//! owed, before any money moves. Exact integers, saturating, no rounding.
use wattle_primitives::{Balance, Position, Reading, Tariffs};

/// What one participant owes and is owed for one slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Charges {
	/// `bought * price`, paid into the market's escrow.
	pub energy_paid: Balance,
	/// `sold * price`, paid out of the market's escrow.
	pub energy_received: Balance,
	/// The bids' grid fee, owed to the zone operator.
	pub grid_fee: Balance,
	/// `measured_net - contracted_net`, Wh: negative when the participant drew more from the
	/// grid (or delivered less) than it contracted, positive when it spilled more.
	pub imbalance_wh: i64,
	/// `|imbalance| * retail_price` when the imbalance is negative, owed to the zone operator.
	pub imbalance_charge: Balance,
	/// `imbalance * feed_in_price` when the imbalance is positive, owed by the zone operator.
	pub imbalance_credit: Balance,
	/// The zone's missing-reading penalty, when the participant's meter sent no reading.
	pub penalty: Balance,
	/// The participant's meter sent no reading.
	pub reading_missing: bool,
	/// What the meter is taken to have measured: its reading, or the substitute if it sent none.
	pub metered: Reading,
}

impl Charges {
	/// What the participant owes its zone operator, before the operator's credit.
	pub fn owed_to_operator(&self) -> Balance {
		self.grid_fee.saturating_add(self.imbalance_charge).saturating_add(self.penalty)
	}
}

/// The settlement rule (docs/DESIGN.md) for a participant with `position` (if it traded) and
/// meter `reading` (if one was recorded), at clearing `price` under its zone's `tariffs`. A
/// participant without a reading, trading or not, is taken to have measured `substitute` (its
/// connection's whole capacity drawn from the grid, nothing fed in) and pays the penalty too:
/// no true reading within the connection's capacity costs as much, so withholding never pays.
pub fn charges(
	position: Option<&Position>,
	reading: Option<Reading>,
	substitute: Reading,
	price: Balance,
	tariffs: &Tariffs,
) -> Charges {
	let traded = position.copied().unwrap_or_default();
	let reading_missing = reading.is_none();
	let metered = reading.unwrap_or(substitute);
	let Reading { imported_wh, exported_wh } = metered;
	// Each net is a difference of u64 values and the imbalance a difference of two nets: all
	// within ±2^66, far inside i128, so none of these saturates.
	let measured_net = i128::from(exported_wh).saturating_sub(i128::from(imported_wh));
	let contracted_net = i128::from(traded.sold_wh).saturating_sub(i128::from(traded.bought_wh));
	let imbalance = measured_net.saturating_sub(contracted_net);
	let magnitude = imbalance.unsigned_abs();
	Charges {
		energy_paid: (traded.bought_wh as Balance).saturating_mul(price),
		energy_received: (traded.sold_wh as Balance).saturating_mul(price),
		grid_fee: traded.grid_fee,
		// Both nets are differences of u64 values, so the imbalance lies within ±2^65; a meter
		// bounded by its connection keeps it far inside i64.
		imbalance_wh: imbalance.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
		imbalance_charge: if imbalance < 0 {
			magnitude.saturating_mul(tariffs.retail_price)
		} else {
			0
		},
		imbalance_credit: if imbalance > 0 {
			magnitude.saturating_mul(tariffs.feed_in_price)
		} else {
			0
		},
		penalty: if reading_missing { tariffs.missing_reading_penalty } else { 0 },
		reading_missing,
		metered,
	}
}

/// The credit evaluation: how a settled slot changes reputation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ReputationRule {
	/// Gained for a slot with a position settled within the imbalance tolerance.
	pub gain: u16,
	/// Lost for a slot with a position and an imbalance beyond the tolerance.
	pub imbalance_loss: u16,
	/// Lost for a slot with a position and no meter reading.
	pub missing_reading_loss: u16,
	/// Lost when the slot left the participant in new debt.
	pub debt_loss: u16,
}

impl ReputationRule {
	/// The change of reputation for a slot settled with `charges`, `traded` telling whether the
	/// participant had a position, and `new_debt` whether it could not pay everything.
	/// A participant without a position is supplied by the grid as by any retailer: its
	/// imbalance is no breach of contract and does not cost reputation.
	pub fn delta(&self, charges: &Charges, traded: bool, tolerance_wh: u64, new_debt: bool) -> i32 {
		let mut delta = 0i32;
		if traded {
			delta = if charges.reading_missing {
				i32::from(self.missing_reading_loss).saturating_neg()
			} else if charges.imbalance_wh.unsigned_abs() <= tolerance_wh {
				i32::from(self.gain)
			} else {
				i32::from(self.imbalance_loss).saturating_neg()
			};
		}
		if new_debt {
			delta = delta.saturating_sub(i32::from(self.debt_loss));
		}
		delta
	}
}
