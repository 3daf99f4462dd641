//! The curtailment rule, as pure arithmetic: when a zone's link is cut after its slot was
//! cleared, which contracts shrink and by how much, and what the link's operator trades at the
//! hub in their stead (docs/DESIGN.md, "Curtailment after clearing").
//!
//! Prices stand. Only the side of the zone whose energy crosses the cut link shrinks: its
//! sellers when its export is cut, its buyers when its import is. The cut energy `D` is shared
//! among that side's households pro rata to their cleared fills, rounded so that the shares add
//! up to exactly `D` (each within 1 Wh of its exact pro-rata share). The other end of the trade
//! is untouched: the link's operator supplies at the hub, at the hub price, the energy the
//! zone no longer exports, or takes at the hub, and pays for, the energy it no longer imports.
use wattle_double_auction::{Price, Side, ZoneClearing};
use wattle_primitives::{Balance, EnergyWh};

/// What a cut link takes out of a zone's contracts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Cut {
	/// The side whose contracts shrink: `Sell` for a cut export, `Buy` for a cut import.
	pub side: Side,
	/// What that side's contracts held as cleared, Wh.
	pub contracted_wh: EnergyWh,
	/// What they lose in all, Wh: how far the cleared net flow exceeds the cut cap.
	pub shed_wh: EnergyWh,
}

/// The cut that caps `export_cap_wh` and `import_cap_wh` make in `zone`'s cleared contracts;
/// `None` if its cleared net flow fits within them.
pub fn cut(zone: &ZoneClearing, export_cap_wh: EnergyWh, import_cap_wh: EnergyWh) -> Option<Cut> {
	let net_export = zone.net_export_wh();
	let excess = |flow: i128, cap: EnergyWh| {
		u64::try_from(flow.saturating_sub(i128::from(cap))).ok().filter(|excess| *excess > 0)
	};
	if let Some(shed_wh) = excess(net_export, export_cap_wh) {
		return Some(Cut { side: Side::Sell, contracted_wh: zone.sold_wh, shed_wh });
	}
	excess(net_export.saturating_neg(), import_cap_wh).map(|shed_wh| Cut {
		side: Side::Buy,
		contracted_wh: zone.bought_wh,
		shed_wh,
	})
}

impl crate::types::Curtailment {
	/// The cut this curtailment's caps make in `zone`'s cleared contracts.
	pub fn cut_of(&self, zone: &ZoneClearing) -> Option<Cut> {
		cut(zone, self.export_cap_wh, self.import_cap_wh)
	}
}

impl Cut {
	/// The energy the contracts keep in all.
	pub fn kept_wh(&self) -> EnergyWh {
		self.contracted_wh.saturating_sub(self.shed_wh)
	}

	/// What a household keeps of its cleared `fill_wh` on the cut side, when the households
	/// settled before it held `settled_wh` of that side: `⌊(settled + fill)·K/T⌋ − ⌊settled·K/T⌋`
	/// with `T` the side's cleared total and `K` what it keeps. Over all the side's households
	/// this adds up to exactly `K`, and each share is within 1 Wh of `fill·K/T`.
	pub fn kept_of(&self, settled_wh: EnergyWh, fill_wh: EnergyWh) -> EnergyWh {
		let total = u128::from(self.contracted_wh);
		if total == 0 {
			return 0;
		}
		let kept = u128::from(self.kept_wh());
		let before = u128::from(settled_wh).min(total);
		let after = before.saturating_add(u128::from(fill_wh)).min(total);
		// Both products are below 2^128: each factor is at most u64::MAX.
		let share = |settled: u128| settled.saturating_mul(kept).checked_div(total).unwrap_or(0);
		u64::try_from(share(after).saturating_sub(share(before))).unwrap_or(EnergyWh::MAX)
	}

	/// `zone`'s clearing with the cut side's contracts shrunk: the flows its congestion rent
	/// is paid on.
	pub fn curtailed(&self, zone: &ZoneClearing) -> ZoneClearing {
		let mut curtailed = *zone;
		match self.side {
			Side::Sell => curtailed.sold_wh = self.kept_wh(),
			Side::Buy => curtailed.bought_wh = self.kept_wh(),
		}
		curtailed
	}

	/// What the link's operator trades at the hub at `hub_price` for the cut energy: supplies
	/// it (and is paid this) for a cut export, takes it (and pays this) for a cut import.
	pub fn hub_value(&self, hub_price: Price) -> Balance {
		Balance::from(self.shed_wh).saturating_mul(hub_price)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn zone(bought_wh: EnergyWh, sold_wh: EnergyWh) -> ZoneClearing {
		ZoneClearing {
			zone: 1,
			price: 10,
			bought_wh,
			sold_wh,
			marginal_bid: None,
			marginal_ask: None,
		}
	}

	#[test]
	fn a_cut_export_sheds_sellers_a_cut_import_buyers_and_a_fitting_flow_nothing() {
		let exporting = zone(40, 100);
		assert_eq!(
			cut(&exporting, 50, 0),
			Some(Cut { side: Side::Sell, contracted_wh: 100, shed_wh: 10 })
		);
		assert_eq!(cut(&exporting, 60, 0), None);
		let importing = zone(100, 30);
		assert_eq!(
			cut(&importing, 0, 20),
			Some(Cut { side: Side::Buy, contracted_wh: 100, shed_wh: 50 })
		);
		assert_eq!(cut(&importing, 0, 70), None);
		assert_eq!(cut(&zone(u64::MAX, 0), 0, 0).map(|cut| cut.shed_wh), Some(u64::MAX));
	}

	#[test]
	fn the_rent_is_paid_on_the_curtailed_flows() {
		let cut = cut(&zone(40, 100), 50, 0).unwrap();
		assert_eq!(cut.curtailed(&zone(40, 100)).net_export_wh(), 50);
		assert_eq!(cut.hub_value(7), 70);
	}

	proptest! {
		/// Shares of random fills, taken in order, add up to exactly what the side keeps, and
		/// each is within 1 Wh of its exact pro-rata share.
		#[test]
		fn shares_add_up_exactly_and_stay_within_a_watt_hour_of_pro_rata(
			fills in prop::collection::vec(0u64..=u64::MAX / 64, 1..40),
			shed_per_mille in 0u64..=1000,
		) {
			let total: u64 = fills.iter().sum();
			let shed_wh = (total as u128 * shed_per_mille as u128 / 1000) as u64;
			let cut = Cut { side: Side::Sell, contracted_wh: total, shed_wh };
			let mut settled = 0u64;
			let mut kept_sum = 0u128;
			for fill in fills {
				let kept = cut.kept_of(settled, fill);
				let exact = fill as f64 * cut.kept_wh() as f64 / total.max(1) as f64;
				prop_assert!(kept <= fill);
				prop_assert!((kept as f64 - exact).abs() <= 1.0 + exact * 1e-12);
				settled += fill;
				kept_sum += kept as u128;
			}
			prop_assert_eq!(kept_sum, if total == 0 { 0 } else { cut.kept_wh() as u128 });
		}
	}
}
