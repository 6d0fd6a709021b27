//! Defusing spreadsheet formulas in CSV exports (CSV injection): a cell that
//! Excel would run as a formula gets a leading apostrophe.

use std::borrow::Cow;

use crate::types::{scan_number, NumStyle};

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`, unless it is a plain number such as `-12.5` or `+5`.
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    let Some(first) = cell.bytes().next() else {
        return Cow::Borrowed(cell);
    };
    if !matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') {
        return Cow::Borrowed(cell);
    }
    let plain = NumStyle {
        group: Some(b','),
        decimal: b'.',
        currency: false,
    };
    if matches!(first, b'+' | b'-') && cell.trim() == cell && scan_number(cell, plain).is_some() {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(format!("'{cell}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defuses_formulas_but_not_numbers() {
        assert_eq!(neutralize_formula("=SUM(A1:A9)"), "'=SUM(A1:A9)");
        assert_eq!(neutralize_formula("@cmd"), "'@cmd");
        assert_eq!(
            neutralize_formula("+1+cmd|' /C calc'!A0"),
            "'+1+cmd|' /C calc'!A0"
        );
        assert_eq!(neutralize_formula("-2+3"), "'-2+3");
        assert_eq!(neutralize_formula("\t=1"), "'\t=1");
        assert!(matches!(
            neutralize_formula("-12.5"),
            Cow::Borrowed("-12.5")
        ));
        assert!(matches!(
            neutralize_formula("-1,306,521.00"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(neutralize_formula("Juárez"), Cow::Borrowed(_)));
        assert_eq!(neutralize_formula(""), "");
    }
}
