//! How progress rolls up: a commitment's progress is the weighted average of
//! its milestones' completion levels, a plan's the weighted average of its
//! commitments'. Only what has been reported is averaged; what has not is
//! counted apart and shown as such, never taken as zero without saying so.
//! The formula, published beside the figures:
//!
//! progress = Σ (weight × percent) / Σ weight, over the parts reported.

use serde::Serialize;

/// The most a weight may be (weights are relative; a cap keeps typos like
/// 1000 from drowning the other milestones).
pub const MAX_WEIGHT: f64 = 100.0;

/// One part of a whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// Relative weight, more than 0.
    pub weight: f64,
    /// Progress in percent (0–100), `None` when not reported.
    pub percent: Option<f64>,
}

/// The progress of a whole.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RollUp {
    /// The weighted average of the parts reported; `None` when none is.
    pub percent: Option<f64>,
    pub reported: usize,
    pub unreported: usize,
    /// The share of the total weight that has been reported, in percent.
    pub coverage: f64,
}

/// Why a weight is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightError {
    NotANumber,
    OutOfRange,
}

/// A weight as people type it ("1", "2.5", "2,5").
pub fn parse_weight(text: &str) -> Result<f64, WeightError> {
    let w: f64 = text
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| WeightError::NotANumber)?;
    if w.is_finite() && w > 0.0 && w <= MAX_WEIGHT {
        Ok(w)
    } else {
        Err(WeightError::OutOfRange)
    }
}

pub fn roll_up(parts: &[Part]) -> RollUp {
    let valid = |p: &&Part| p.weight.is_finite() && p.weight > 0.0;
    let total: f64 = parts.iter().filter(valid).map(|p| p.weight).sum();
    let reported: Vec<(f64, f64)> = parts
        .iter()
        .filter(valid)
        .filter_map(|p| Some((p.weight, p.percent?.clamp(0.0, 100.0))))
        .collect();
    let reported_weight: f64 = reported.iter().map(|(w, _)| w).sum();
    let percent = (reported_weight > 0.0)
        .then(|| reported.iter().map(|(w, p)| w * p).sum::<f64>() / reported_weight);
    RollUp {
        percent,
        reported: reported.len(),
        unreported: parts.len() - reported.len(),
        coverage: if total > 0.0 {
            reported_weight * 100.0 / total
        } else {
            0.0
        },
    }
}

/// A percentage as shown: one decimal, no "-0.0".
pub fn shown(percent: f64) -> String {
    let rounded = (percent * 10.0).round() / 10.0;
    format!("{:.1}", rounded + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn part(weight: f64, percent: Option<f64>) -> Part {
        Part { weight, percent }
    }

    #[test]
    fn a_weighted_average_of_what_was_reported() {
        // Three milestones: weights 1, 1, 2; complete, limited, not reported.
        let r = roll_up(&[
            part(1.0, Some(100.0)),
            part(1.0, Some(25.0)),
            part(2.0, None),
        ]);
        assert_eq!(r.percent, Some(62.5));
        assert_eq!((r.reported, r.unreported), (2, 1));
        assert_eq!(r.coverage, 50.0);
        let r = roll_up(&[part(3.0, Some(100.0)), part(1.0, Some(0.0))]);
        assert_eq!(r.percent, Some(75.0));
        assert_eq!(r.coverage, 100.0);
    }

    #[test]
    fn nothing_reported_is_not_zero() {
        let r = roll_up(&[part(1.0, None), part(1.0, None)]);
        assert_eq!(r.percent, None);
        assert_eq!(r.unreported, 2);
        assert_eq!(r.coverage, 0.0);
        assert_eq!(roll_up(&[]).percent, None);
    }

    #[test]
    fn commitments_roll_up_into_a_plan() {
        let a = roll_up(&[part(1.0, Some(100.0)), part(1.0, Some(75.0))]);
        let b = roll_up(&[part(1.0, None)]);
        let plan = roll_up(&[part(2.0, a.percent), part(1.0, b.percent)]);
        assert_eq!(plan.percent, Some(87.5));
        assert_eq!(plan.unreported, 1);
    }

    #[test]
    fn weights_as_people_type_them() {
        assert_eq!(parse_weight(" 2,5 "), Ok(2.5));
        assert_eq!(parse_weight("1"), Ok(1.0));
        assert_eq!(parse_weight("0"), Err(WeightError::OutOfRange));
        assert_eq!(parse_weight("-1"), Err(WeightError::OutOfRange));
        assert_eq!(parse_weight("1000"), Err(WeightError::OutOfRange));
        assert_eq!(parse_weight("NaN"), Err(WeightError::OutOfRange));
        assert_eq!(parse_weight("mucho"), Err(WeightError::NotANumber));
    }

    #[test]
    fn shown_with_one_decimal() {
        assert_eq!(shown(62.5), "62.5");
        assert_eq!(shown(66.666), "66.7");
        assert_eq!(shown(-0.01), "0.0");
    }

    proptest! {
        #[test]
        fn the_average_lies_between_the_parts(
            parts in proptest::collection::vec((0.1f64..10.0, proptest::option::of(0.0f64..=100.0)), 0..20)
        ) {
            let parts: Vec<Part> = parts.into_iter().map(|(w, p)| part(w, p)).collect();
            let r = roll_up(&parts);
            let values: Vec<f64> = parts.iter().filter_map(|p| p.percent).collect();
            prop_assert_eq!(r.reported + r.unreported, parts.len());
            match r.percent {
                None => prop_assert!(values.is_empty()),
                Some(p) => {
                    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    prop_assert!(p >= lo - 1e-9 && p <= hi + 1e-9);
                }
            }
            prop_assert!((0.0..=100.0 + 1e-9).contains(&r.coverage));
        }
    }
}
