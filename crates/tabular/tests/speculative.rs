//! The speculative load: pass 1 yields rows typed with a guess made from the
//! first rows. When the whole file agrees with the guess those rows are
//! exactly pass 2's; when it does not, `reads_like` says so.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use tabular::{analyze_path, analyze_path_yielding, analyze_prefix_path, rows_path, Options, Row};

fn yielding(path: &Path, prefix: u64) -> (bool, Vec<Row>, Vec<Row>) {
    let options = Options::for_path(path);
    let provisional = analyze_prefix_path(path, &options, prefix).unwrap();
    let typer = tabular::Typer::new(&provisional.schema);
    let mut yielded = Vec::new();
    let analysis = analyze_path_yielding(path, &options, &provisional, &mut |_| true, &mut |raw| {
        yielded.push(typer.row(&raw));
        true
    })
    .unwrap();
    assert_eq!(
        analysis,
        analyze_path(path, &options, &mut |_| true).unwrap()
    );
    let pass2 = rows_path(path, &analysis, &options)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    (analysis.reads_like(&provisional), yielded, pass2)
}

fn file_with(text: &[u8]) -> tempfile::TempPath {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(text).unwrap();
    f.into_temp_path()
}

#[test]
fn a_guess_the_whole_file_confirms_yields_pass_twos_rows() {
    let mut text = String::from("clave,municipio,monto,fecha\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "{:05},Municipio {i},\"{},{:03}.50\",{:02}/03/2024\n",
            i,
            i % 100 + 1,
            i % 1000,
            i % 28 + 1
        ));
    }
    text.push_str("\nFuente: INEGI\n");
    let path = file_with(text.as_bytes());
    let (agrees, yielded, pass2) = yielding(&path, 100);
    assert!(agrees);
    assert_eq!(yielded.len(), 3000, "the footer is not a row");
    assert_eq!(yielded, pass2);
}

#[test]
fn a_type_overturned_late_is_noticed() {
    // Integers for 2,000 rows, then decimals: the guess (integer) is wrong.
    let mut text = String::from("id,valor\n");
    for i in 0..2000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    for i in 0..2000 {
        text.push_str(&format!("{i},{i}.5\n"));
    }
    let path = file_with(text.as_bytes());
    let (agrees, yielded, pass2) = yielding(&path, 100);
    assert!(!agrees, "the schema changed after the guess");
    assert_ne!(yielded, pass2);
}

#[test]
fn an_encoding_overturned_late_is_noticed() {
    // UTF-8 accents first, a Latin-1 byte at the end: the whole file is Windows-1252.
    let mut bytes = b"nombre\n".to_vec();
    for _ in 0..500 {
        bytes.extend_from_slice("Tultitl\u{e1}n\n".as_bytes());
    }
    bytes.extend_from_slice(b"Acambay de Ru\xedz Casta\xf1eda\n");
    let path = file_with(&bytes);
    let options = Options::for_path(&path);
    let provisional = analyze_prefix_path(&path, &options, 50).unwrap();
    let analysis = analyze_path(&path, &options, &mut |_| true).unwrap();
    // Either the guess already knew (the encoding is decided from every
    // byte before any row is read) or the difference is noticed.
    if provisional.dialect.encoding == analysis.dialect.encoding {
        let (agrees, yielded, pass2) = yielding(&path, 50);
        assert!(agrees);
        assert_eq!(yielded, pass2);
    } else {
        assert!(!analysis.reads_like(&provisional));
    }
}

#[test]
fn every_frictionless_fixture_agrees_or_knows_it_does_not() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/frictionless");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let options = Options::for_path(&path);
        if analyze_path(&path, &options, &mut |_| true).is_err() {
            continue;
        }
        for prefix in [1, 3, 1000] {
            let (agrees, yielded, pass2) = yielding(&path, prefix);
            if agrees {
                assert_eq!(yielded, pass2, "{}", path.display());
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures read");
}

#[test]
fn the_sink_can_stop_the_read() {
    let mut text = String::from("a\n");
    for i in 0..100_000 {
        text.push_str(&format!("{i}\n"));
    }
    let path = file_with(text.as_bytes());
    let options = Options::for_path(&path);
    let provisional = analyze_prefix_path(&path, &options, 10).unwrap();
    let mut n = 0;
    let result = analyze_path_yielding(&path, &options, &provisional, &mut |_| true, &mut |_| {
        n += 1;
        n < 10
    });
    assert!(matches!(result, Err(tabular::Error::Cancelled)));
    assert_eq!(n, 10);
}
