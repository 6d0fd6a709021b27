//! Property tests: the engine never panics on arbitrary bytes, and whatever
//! the `csv` crate writes from arbitrary text cells reads back cell for cell.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use proptest::prelude::*;
use tabular::{analyze, rows, Field, FieldType, Options, Schema, Value};

fn bytes_with_csv_structure() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => any::<u8>(),
            2 => Just(b','),
            1 => Just(b';'),
            2 => Just(b'"'),
            2 => Just(b'\n'),
            1 => Just(b'\r'),
            2 => prop::sample::select(b"0123456789-./: aZ".to_vec()),
        ],
        0..2048,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in bytes_with_csv_structure()) {
        let options = Options::default();
        if let Ok(analysis) = analyze(Cursor::new(bytes.clone()), &options, &mut |_| true) {
            let width = analysis.schema.fields.len();
            let mut count = 0;
            for row in rows(Cursor::new(bytes), &analysis, &options).unwrap() {
                let row = row.unwrap();
                prop_assert_eq!(row.values.len(), width);
                count += 1;
            }
            prop_assert_eq!(count, analysis.rows);
        }
    }

    #[test]
    fn csv_writer_output_reads_back(cells in prop::collection::vec(
        prop::collection::vec("[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{feff}]{0,12}", 3),
        1..20,
    )) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["a", "b", "c"]).unwrap();
        for row in &cells {
            writer.write_record(row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let schema = Schema {
            fields: ["a", "b", "c"].iter().map(|n| Field::new(*n, FieldType::String)).collect(),
            ..Schema::default()
        };
        let options = Options {
            delimiter: Some(b','),
            header_row: Some(1),
            schema: Some(schema),
            ..Options::default()
        };
        let analysis = analyze(Cursor::new(bytes.clone()), &options, &mut |_| true).unwrap();
        let read: Vec<Vec<Value>> = rows(Cursor::new(bytes), &analysis, &options)
            .unwrap()
            .map(|r| r.unwrap().values)
            .collect();
        let expected: Vec<Vec<Value>> = cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| {
                        if c.trim_matches(|ch: char| ch.is_ascii_whitespace() || ch == '\u{a0}').is_empty() {
                            Value::Null
                        } else {
                            Value::Text(c.clone())
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|row| row.iter().any(|v| *v != Value::Null))
            .collect();
        prop_assert_eq!(read, expected);
    }
}
