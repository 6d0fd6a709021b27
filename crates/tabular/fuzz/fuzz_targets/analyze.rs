//! Fuzz target: arbitrary bytes through both passes, as CSV and as XLSX/XLS.
//! Run with `cargo +nightly fuzz run analyze` from `crates/tabular/`.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let format = match data.first().map(|b| b % 4) {
        Some(1) => tabular::Format::Tsv,
        Some(2) => tabular::Format::Xlsx,
        Some(3) => tabular::Format::Xls,
        _ => tabular::Format::Csv,
    };
    let options = tabular::Options {
        format,
        ..tabular::Options::default()
    };
    let bytes = data.to_vec();
    if let Ok(analysis) = tabular::analyze(Cursor::new(bytes.clone()), &options, &mut |_| true) {
        if let Ok(rows) = tabular::rows(Cursor::new(bytes), &analysis, &options) {
            for row in rows.flatten() {
                assert_eq!(row.values.len(), analysis.schema.fields.len());
            }
        }
    }
});
