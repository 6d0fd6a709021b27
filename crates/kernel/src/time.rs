//! Timestamps as fixed-width RFC 3339 text in UTC (`2026-11-24T10:47:44.123456Z`).
//!
//! One representation on both backends: it sorts correctly as text, reads well in
//! a dump and needs no driver-specific type. Times are always computed here, in
//! Rust, never with a database's `now()`, so SQLite and PostgreSQL agree.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn now() -> String {
    format(Utc::now())
}

pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `now + d`, formatted.
pub fn in_future(d: std::time::Duration) -> String {
    let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    format(
        Utc::now()
            .checked_add_signed(d)
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_and_sortable() {
        let a = format(DateTime::from_timestamp(1, 0).unwrap());
        let b = format(DateTime::from_timestamp(1, 500_000).unwrap());
        let c = format(DateTime::from_timestamp(10_000_000_000, 0).unwrap());
        assert_eq!(a.len(), b.len());
        assert_eq!(a.len(), c.len());
        assert!(a < b && b < c);
        assert_eq!(parse(&b).unwrap().timestamp_subsec_micros(), 500);
    }
}
