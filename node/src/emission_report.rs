//! `gym-node emission-schedule`: the GYM emission schedule as a monthly table,
//! a CSV file and an SVG plot, computed with the same pure functions as the
//! runtime ([`gym_primitives::emission`]).

use gym_primitives::{
	emission::{self, EmissionSchedule},
	Balance, BlockNumber, GYM, HARD_CAP,
};
use std::{fmt::Write as _, path::PathBuf};

/// Arguments of `gym-node emission-schedule`.
#[derive(Debug, Clone, clap::Parser)]
pub struct EmissionScheduleCmd {
	/// How many years to show.
	#[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
	pub years: u32,
	/// GYM endowed at genesis (counts against the hard cap); 6,000,000 GYM is
	/// the six dev accounts' (the dev chain's genesis pools add 2,000,000 and
	/// its validator stash 101,000).
	#[arg(long, default_value_t = 6_000_000)]
	pub genesis_gym: u64,
	/// Also write the table as CSV to this file (amounts in planck).
	#[arg(long)]
	pub csv: Option<PathBuf>,
	/// Also draw the curve as SVG to this file.
	#[arg(long)]
	pub svg: Option<PathBuf>,
}

/// One month of the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRow {
	/// Month number, from 1.
	pub month: u32,
	/// First block of the month.
	pub first_block: BlockNumber,
	/// Last block of the month.
	pub last_block: BlockNumber,
	/// Planck minted in the month (cap applied).
	pub minted: Balance,
	/// Planck minted by the end of the month, genesis included (cap applied).
	pub cumulative: Balance,
	/// Halving era at the end of the month (0 = no halving yet).
	pub halving_era: u32,
	/// Whether the hard cap is reached within or before this month.
	pub capped: bool,
}

/// The monthly rows of the first `months` months.
pub fn monthly_rows(schedule: &EmissionSchedule, genesis: Balance, months: u32) -> Vec<MonthRow> {
	(1..=months)
		.filter_map(|m| {
			let (first, last) = schedule.month_blocks(m)?;
			let cum_end = genesis + emission::capped_cumulative(schedule, last, genesis);
			let cum_start = genesis + emission::capped_cumulative(schedule, first - 1, genesis);
			Some(MonthRow {
				month: m,
				first_block: first,
				last_block: last,
				minted: cum_end - cum_start,
				cumulative: cum_end,
				halving_era: emission::halving_era(schedule, last),
				capped: cum_end >= HARD_CAP,
			})
		})
		.collect()
}

fn gym(planck: Balance) -> String {
	let whole = planck / GYM;
	let frac = (planck % GYM) / (GYM / 100);
	let mut digits = whole.to_string();
	let mut out = String::new();
	while digits.len() > 3 {
		let tail = digits.split_off(digits.len() - 3);
		out = format!(",{tail}{out}");
	}
	format!("{digits}{out}.{frac:02}")
}

/// The table printed by the command.
pub fn table(rows: &[MonthRow], genesis: Balance, cap_block: Option<BlockNumber>) -> String {
	let mut s = String::new();
	let _ = writeln!(
		s,
		"GYM emission schedule (genesis {} GYM, hard cap {} GYM)",
		gym(genesis),
		gym(HARD_CAP)
	);
	let _ = writeln!(
		s,
		"{:>5}  {:>10}  {:>10}  {:>22}  {:>22}  note",
		"month", "from", "to", "minted (GYM)", "cumulative (GYM)"
	);
	let mut era = 0;
	for r in rows {
		let mut note = String::new();
		if r.halving_era != era {
			era = r.halving_era;
			note.push_str(&format!("halving {era}"));
		}
		if cap_block.is_some_and(|b| b >= r.first_block && b <= r.last_block) {
			if !note.is_empty() {
				note.push_str(", ");
			}
			note.push_str(&format!("cap reached at block {}", cap_block.unwrap_or_default()));
		}
		let _ = writeln!(
			s,
			"{:>5}  {:>10}  {:>10}  {:>22}  {:>22}  {note}",
			r.month,
			r.first_block,
			r.last_block,
			gym(r.minted),
			gym(r.cumulative)
		);
	}
	match cap_block {
		Some(b) => {
			let _ = writeln!(
				s,
				"The hard cap is reached at block {b} (month {}).",
				emission::month_of(b)
			);
		}
		None => {
			let _ = writeln!(s, "The hard cap is never reached.");
		}
	}
	s
}

/// The CSV file: one line per month, amounts in planck.
pub fn csv(rows: &[MonthRow]) -> String {
	let mut s =
		String::from("month,first_block,last_block,minted_planck,cumulative_planck,halving_era\n");
	for r in rows {
		let _ = writeln!(
			s,
			"{},{},{},{},{},{}",
			r.month, r.first_block, r.last_block, r.minted, r.cumulative, r.halving_era
		);
	}
	s
}

/// An SVG plot: cumulative emission (blue, left axis, up to the hard cap),
/// monthly emission (orange bars, right axis), halvings (dashed grey lines)
/// and the hard cap (red line, with a dot where it is reached).
pub fn svg(
	rows: &[MonthRow],
	schedule: &EmissionSchedule,
	cap_block: Option<BlockNumber>,
) -> String {
	let (w, h) = (960.0_f64, 540.0_f64);
	let (left, right, top, bottom) = (90.0, 90.0, 50.0, 60.0);
	let (pw, ph) = (w - left - right, h - top - bottom);
	let months = rows.len().max(1) as f64;
	let max_month = rows.iter().map(|r| r.minted).max().unwrap_or(1).max(1) as f64;
	let cap = HARD_CAP as f64;
	let x = |m: f64| left + pw * m / months;
	let y_cum = |v: f64| top + ph * (1.0 - v / cap);
	let y_mon = |v: f64| top + ph * (1.0 - v / max_month);

	let mut s = String::new();
	let _ = writeln!(
		s,
		r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
	);
	let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
	let _ = writeln!(
		s,
		r#"<text x="{}" y="25" font-size="16" text-anchor="middle">GYM emission schedule: cumulative (blue) and monthly (orange)</text>"#,
		w / 2.0
	);
	// Monthly bars.
	let bw = (pw / months * 0.8).max(1.0);
	for r in rows {
		let x0 = x(r.month as f64 - 1.0) + pw / months * 0.1;
		let y0 = y_mon(r.minted as f64);
		let _ = writeln!(
			s,
			r##"<rect x="{x0:.1}" y="{y0:.1}" width="{bw:.1}" height="{:.1}" fill="#f5a623" opacity="0.7"/>"##,
			top + ph - y0
		);
	}
	// Halvings.
	let mut era_block = schedule.halving_interval as u64;
	while schedule.halving_interval > 0
		&& era_block <= rows.last().map_or(0, |r| r.last_block) as u64
	{
		let m = era_block as f64 / schedule.blocks_per_month as f64;
		let _ = writeln!(
			s,
			r##"<line x1="{0:.1}" y1="{top}" x2="{0:.1}" y2="{1}" stroke="#888" stroke-dasharray="4 4"/><text x="{0:.1}" y="{2}" fill="#555" text-anchor="middle">halving @ {3}</text>"##,
			x(m),
			top + ph,
			top - 5.0,
			era_block
		);
		era_block += schedule.halving_interval as u64;
	}
	// Hard cap.
	let _ = writeln!(
		s,
		r##"<line x1="{left}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#d0021b"/><text x="{2}" y="{3:.1}" fill="#d0021b">hard cap 1,000,000,000 GYM</text>"##,
		y_cum(cap),
		left + pw,
		left + 5.0,
		y_cum(cap) + 15.0
	);
	// Cumulative curve.
	let mut pts = format!(
		"{:.1},{:.1}",
		x(0.0),
		y_cum(rows.first().map_or(0, |r| r.cumulative - r.minted) as f64)
	);
	for r in rows {
		let _ = write!(pts, " {:.1},{:.1}", x(r.month as f64), y_cum(r.cumulative as f64));
	}
	let _ = writeln!(
		s,
		r##"<polyline points="{pts}" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>"##
	);
	if let Some(b) = cap_block {
		let m = b as f64 / schedule.blocks_per_month as f64;
		if m <= months {
			let _ = writeln!(
				s,
				r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="#d0021b"/><text x="{:.1}" y="{:.1}" fill="#d0021b">cap reached: block {b} (month {})</text>"##,
				x(m),
				y_cum(cap),
				x(m) + 8.0,
				y_cum(cap) + 30.0,
				emission::month_of(b)
			);
		}
	}
	// Axes and ticks.
	let _ = writeln!(
		s,
		r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{0}" stroke="black"/><line x1="{left}" y1="{0}" x2="{1}" y2="{0}" stroke="black"/><line x1="{1}" y1="{top}" x2="{1}" y2="{0}" stroke="black"/>"##,
		top + ph,
		left + pw
	);
	for i in 0..=5 {
		let v = cap * i as f64 / 5.0;
		let mv = max_month * i as f64 / 5.0;
		let _ = writeln!(
			s,
			r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{}M</text><text x="{:.1}" y="{:.1}" fill="#b8790f">{}M</text>"##,
			left - 6.0,
			y_cum(v) + 4.0,
			(v / 1e24).round() as u64,
			left + pw + 6.0,
			y_mon(mv) + 4.0,
			(mv / 1e24).round() as u64
		);
	}
	let step = ((months / 12.0).ceil() as usize).max(1) * 3;
	for m in (0..=rows.len()).step_by(step) {
		let _ = writeln!(
			s,
			r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{m}</text>"#,
			x(m as f64),
			top + ph + 18.0
		);
	}
	let _ = writeln!(
		s,
		r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">month</text><text x="20" y="{:.1}" transform="rotate(-90 20 {:.1})" text-anchor="middle">cumulative GYM (genesis included)</text><text x="{:.1}" y="{:.1}" transform="rotate(90 {:.1} {:.1})" text-anchor="middle" fill="b8790f">GYM minted per month</text>"#,
		left + pw / 2.0,
		h - 15.0,
		top + ph / 2.0,
		top + ph / 2.0,
		w - 20.0,
		top + ph / 2.0,
		w - 20.0,
		top + ph / 2.0
	);
	s.push_str("</svg>\n");
	s
}

impl EmissionScheduleCmd {
	/// Prints the table and writes the requested files.
	pub fn run(&self) -> Result<(), String> {
		let schedule = EmissionSchedule::gym();
		let genesis = Balance::from(self.genesis_gym).saturating_mul(GYM);
		if genesis > HARD_CAP {
			return Err(format!("--genesis-gym {} is above the hard cap", self.genesis_gym));
		}
		let rows = monthly_rows(&schedule, genesis, self.years * 12);
		let cap_block = emission::cap_reached_at(&schedule, genesis);
		print!("{}", table(&rows, genesis, cap_block));
		if let Some(path) = &self.csv {
			std::fs::write(path, csv(&rows))
				.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
			println!("CSV written to {}", path.display());
		}
		if let Some(path) = &self.svg {
			std::fs::write(path, svg(&rows, &schedule, cap_block))
				.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
			println!("SVG written to {}", path.display());
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const GENESIS: Balance = 6_000_000 * GYM;

	#[test]
	fn monthly_rows_follow_the_schedule() {
		let rows = monthly_rows(&EmissionSchedule::gym(), GENESIS, 36);
		assert_eq!(rows.len(), 36);
		assert_eq!(rows[0].first_block, 1);
		assert_eq!(rows[0].last_block, 432_000);
		assert_eq!(rows[2].cumulative, GENESIS + 100_000_000 * GYM);
		assert_eq!(rows[5].cumulative, GENESIS + 175_000_000 * GYM);
		assert_eq!(rows[11].cumulative, GENESIS + 475_000_000 * GYM);
		assert_eq!(rows[6].minted, 50_000_000 * GYM);
		assert_eq!(rows[12].minted, 40_000_000 * GYM);
		// Month 28 hits the cap; nothing is minted after it.
		assert!(!rows[26].capped && rows[27].capped);
		assert_eq!(rows[27].cumulative, HARD_CAP);
		assert!(rows[28..].iter().all(|r| r.minted == 0 && r.cumulative == HARD_CAP));
		// The sum of the months is the cumulative.
		assert_eq!(GENESIS + rows.iter().map(|r| r.minted).sum::<Balance>(), HARD_CAP);
	}

	#[test]
	fn table_names_the_cap_month() {
		let s = EmissionSchedule::gym();
		let rows = monthly_rows(&s, GENESIS, 36);
		let cap = emission::cap_reached_at(&s, GENESIS);
		let t = table(&rows, GENESIS, cap);
		assert!(t.contains("(month 28)"), "{t}");
		assert!(t.contains("halving 1"), "{t}");
		assert!(t.contains("100,000,000.00") || t.contains("106,000,000.00"), "{t}");
	}

	#[test]
	fn csv_has_a_line_per_month() {
		let rows = monthly_rows(&EmissionSchedule::gym(), GENESIS, 12);
		let c = csv(&rows);
		assert_eq!(c.lines().count(), 13);
		assert!(c.lines().nth(3).unwrap().starts_with("3,864001,1296000,"));
	}

	#[test]
	fn svg_draws_curve_cap_and_halvings() {
		let s = EmissionSchedule::gym();
		let rows = monthly_rows(&s, GENESIS, 60);
		let out = svg(&rows, &s, emission::cap_reached_at(&s, GENESIS));
		assert!(out.starts_with("<svg") && out.trim_end().ends_with("</svg>"));
		assert!(out.contains("<polyline"));
		assert!(out.contains("hard cap"));
		assert!(out.contains("halving @ 10000000"));
		assert!(out.contains("cap reached: block"));
		assert_eq!(out.matches("<rect").count(), 61);
	}

	#[test]
	fn gym_amounts_are_grouped() {
		assert_eq!(gym(1_234_567 * GYM + GYM / 2), "1,234,567.50");
		assert_eq!(gym(0), "0.00");
	}
}
