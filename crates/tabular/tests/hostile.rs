//! Hostile and huge input: every bound holds (columns, cell and row size,
//! zip bombs), garbage is refused, formulas stay text, and the encoding is
//! decided from the whole file even when the first accent is at row 500,000.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use tabular::{analyze, neutralize_formula, rows, Error, Format, Limits, Options, Value};

/// A file that is never written anywhere: `head`, then `fill` repeated up to
/// `len` bytes, then `tail`. Reads copy whole blocks, so gigabytes go fast.
struct Generated {
    head: Vec<u8>,
    fill: Vec<u8>,
    tail: Vec<u8>,
    len: u64,
    pos: u64,
}

impl Generated {
    fn new(head: &[u8], fill: &[u8], body: u64, tail: &[u8]) -> Generated {
        Generated {
            head: head.to_vec(),
            fill: fill.repeat((64 * 1024 / fill.len()).max(1)),
            tail: tail.to_vec(),
            len: head.len() as u64 + body + tail.len() as u64,
            pos: 0,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.len {
            return Ok(0);
        }
        let head = self.head.len() as u64;
        let tail_start = self.len - self.tail.len() as u64;
        let n = if self.pos < head {
            let src = &self.head[self.pos as usize..];
            let n = src.len().min(buf.len());
            buf[..n].copy_from_slice(&src[..n]);
            n
        } else if self.pos >= tail_start {
            let src = &self.tail[(self.pos - tail_start) as usize..];
            let n = src.len().min(buf.len());
            buf[..n].copy_from_slice(&src[..n]);
            n
        } else {
            let offset = ((self.pos - head) % self.fill.len() as u64) as usize;
            let src = &self.fill[offset..];
            let n = src
                .len()
                .min(buf.len())
                .min((tail_start - self.pos) as usize);
            buf[..n].copy_from_slice(&src[..n]);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Generated {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.pos = match pos {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => (self.len as i64 + d) as u64,
            SeekFrom::Current(d) => (self.pos as i64 + d) as u64,
        };
        Ok(self.pos)
    }
}

fn run<R: Read + Seek>(input: R, options: &Options) -> Result<tabular::Analysis, Error> {
    analyze(input, options, &mut |_| true)
}

/// Peak memory of this test process so far, if the OS says.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn millions_of_columns_stop_at_the_column_limit() {
    let start = Instant::now();
    let input = Generated::new(b"", b"a,", 6_000_000, b"\n");
    let err = run(input, &Options::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyColumns {
                row: 1,
                limit: 2048
            }
        ),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(err.to_string().contains("columnas"));
}

#[test]
fn a_two_gigabyte_field_on_one_line_stops_at_the_row_limit() {
    let start = Instant::now();
    let input = Generated::new(b"id,text\n1,\"", b"x", 2 << 30, b"\"\n");
    let err = run(input, &Options::default()).unwrap_err();
    assert!(matches!(err, Error::RowTooLarge { row: 2, .. }), "{err}");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_two_gigabyte_multi_line_field_is_cell_too_large() {
    // Paragraphs inside one quoted cell: the lines are short, the cell is not.
    let start = Instant::now();
    let input = Generated::new(
        b"id,text\n1,\"",
        &[&[b'y'; 99][..], b"\n"].concat(),
        2 << 30,
        b"\"\n",
    );
    let err = run(input, &Options::default()).unwrap_err();
    assert!(
        matches!(err, Error::CellTooLarge { row: 2, limit } if limit == 1 << 20),
        "{err}"
    );
    assert!(err.to_string().contains("bytes"));
    eprintln!("2 GB multi-line cell refused in {:?}", start.elapsed());
    if let Some(peak) = peak_rss_bytes() {
        assert!(peak < 1 << 30, "peak memory {peak} bytes");
    }
}

#[test]
fn binary_garbage_is_not_tabular() {
    let mut x: u32 = 12345;
    let random: Vec<u8> = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let err = run(Cursor::new(random), &Options::default()).unwrap_err();
    assert!(matches!(err, Error::NotTabular(_)), "{err}");
    assert!(err
        .to_string()
        .starts_with("El archivo no parece una tabla de datos"));
    let pdf = run(Cursor::new(b"%PDF-1.7\n...".to_vec()), &Options::default()).unwrap_err();
    assert!(matches!(pdf, Error::NotTabular(m) if m.contains("PDF")));
    let nul = run(
        Cursor::new(b"id,name\n1,a\x00b\n".to_vec()),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(nul, Error::NotTabular(_)));
    assert!(matches!(
        run(Cursor::new(Vec::new()), &Options::default()),
        Err(Error::Empty)
    ));
}

fn xlsx_with_sheet_of(bytes: u64) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let block = vec![b' '; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        w.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    w.finish().unwrap().into_inner()
}

fn xlsx_options(limits: Limits) -> Options {
    Options {
        format: Format::Xlsx,
        limits,
        ..Options::default()
    }
}

#[test]
fn zip_bomb_by_ratio_is_refused_before_inflating() {
    let bomb = xlsx_with_sheet_of(200 << 20);
    assert!(bomb.len() < 2 << 20, "compressed {} bytes", bomb.len());
    let err = run(Cursor::new(bomb), &xlsx_options(Limits::default())).unwrap_err();
    assert!(
        matches!(err, Error::ZipBomb { ref entry, .. } if entry == "xl/worksheets/sheet1.xml"),
        "{err}"
    );
}

#[test]
fn zip_bomb_over_the_total_limit_is_refused() {
    let big = xlsx_with_sheet_of(16 << 20);
    let limits = Limits {
        max_uncompressed_bytes: 8 << 20,
        ..Limits::default()
    };
    let err = run(Cursor::new(big), &xlsx_options(limits)).unwrap_err();
    assert!(matches!(err, Error::ZipBomb { .. }), "{err}");
}

#[test]
fn zip_entry_that_lies_about_its_size_is_refused() {
    let mut bytes = xlsx_with_sheet_of(4 << 20);
    // Declare 1000 bytes in the local header and the central directory.
    let name = b"xl/worksheets/sheet1.xml";
    for (signature, size_at) in [(&b"PK\x03\x04"[..], 22usize), (&b"PK\x01\x02"[..], 24usize)] {
        let mut i = 0;
        while i + 46 < bytes.len() {
            if &bytes[i..i + 4] == signature {
                let name_at = if signature[2] == 3 { i + 30 } else { i + 46 };
                if bytes.get(name_at..name_at + name.len()) == Some(&name[..]) {
                    bytes[i + size_at..i + size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
                }
            }
            i += 1;
        }
    }
    let err = run(Cursor::new(bytes), &xlsx_options(Limits::default())).unwrap_err();
    assert!(
        matches!(err, Error::ZipBomb { .. } | Error::Spreadsheet(_)),
        "{err}"
    );
}

#[test]
fn a_text_file_is_not_a_workbook_and_a_workbook_named_csv_is_read_as_one() {
    let err = run(
        Cursor::new(b"a,b\n1,2\n".to_vec()),
        &xlsx_options(Limits::default()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Spreadsheet(_)));
    let bytes = xlsx_with_sheet_of(10);
    let err = run(Cursor::new(bytes), &Options::default()).unwrap_err();
    // Read as XLSX (and refused as a broken workbook), not as garbage text.
    assert!(matches!(err, Error::Spreadsheet(_)), "{err}");
}

#[test]
fn formulas_stay_text_and_can_be_defused() {
    let csv = b"name,formula\nA,=SUM(A1:A9)\nB,@cmd\nC,-12.5\n".to_vec();
    let options = Options::default();
    let analysis = run(Cursor::new(csv.clone()), &options).unwrap();
    assert_eq!(
        analysis.schema.fields[1].field_type,
        tabular::FieldType::String
    );
    let values: Vec<Value> = rows(Cursor::new(csv), &analysis, &options)
        .unwrap()
        .map(|r| r.unwrap().values[1].clone())
        .collect();
    assert_eq!(values[0], Value::Text("=SUM(A1:A9)".into()));
    let defused: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::Text(t) => neutralize_formula(t).into_owned(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(defused, vec!["'=SUM(A1:A9)", "'@cmd", "-12.5"]);
}

fn ascii_rows_then(last: &[u8]) -> Vec<u8> {
    let mut data = b"id,nombre\n".to_vec();
    for i in 1..500_000 {
        data.extend_from_slice(format!("{i},a\n").as_bytes());
    }
    data.extend_from_slice(b"500000,");
    data.extend_from_slice(last);
    data.push(b'\n');
    data
}

fn last_name(data: Vec<u8>) -> (String, Value) {
    let options = Options::default();
    let analysis = run(Cursor::new(data.clone()), &options).unwrap();
    let last = rows(Cursor::new(data), &analysis, &options)
        .unwrap()
        .last()
        .unwrap()
        .unwrap();
    assert_eq!(last.number, 500_001);
    (analysis.dialect.encoding, last.values[1].clone())
}

#[test]
fn an_accent_at_row_500000_decides_the_encoding() {
    // "Ñandú" in Windows-1252, after half a million ASCII rows.
    let (encoding, value) = last_name(ascii_rows_then(b"\xd1and\xfa"));
    assert_eq!(encoding, "windows-1252");
    assert_eq!(value, Value::Text("Ñandú".into()));
    // The same word in UTF-8 stays UTF-8.
    let (encoding, value) = last_name(ascii_rows_then("Ñandú".as_bytes()));
    assert_eq!(encoding, "UTF-8");
    assert_eq!(value, Value::Text("Ñandú".into()));
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let data = ascii_rows_then(b"x");
    let mut calls = 0;
    let result = analyze(Cursor::new(data.clone()), &Options::default(), &mut |p| {
        calls += 1;
        assert!(p.bytes_total == Some(data.len() as u64));
        calls < 3
    });
    assert!(matches!(result, Err(Error::Cancelled)));
    assert_eq!(calls, 3);
}

#[test]
fn max_rows_is_enforced() {
    let options = Options {
        limits: Limits {
            max_rows: Some(10),
            ..Limits::default()
        },
        ..Options::default()
    };
    let data = b"a,b\n"
        .iter()
        .copied()
        .chain(b"1,2\n".repeat(20))
        .collect::<Vec<u8>>();
    assert!(matches!(
        run(Cursor::new(data), &options),
        Err(Error::TooManyRows { limit: 10 })
    ));
}
