//! Prints what pass 1 finds in a file (dialect, notices, fields, findings):
//! `cargo run -p tabular --example inspect -- FILE [SHEET]`.

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("uso: inspect ARCHIVO [HOJA]");
        std::process::exit(2);
    };
    let path = Path::new(file);
    let mut options = tabular::Options::for_path(path);
    options.sheet = args.get(1).cloned();
    match tabular::analyze_path(path, &options, &mut |_| true) {
        Ok(a) => {
            let d = &a.dialect;
            println!(
                "format={:?} encoding={} bom={} delimiter={:?} header={} rows={:?} skipped={:?} footer={:?} sheet={:?} lt={}",
                d.format, d.encoding, d.had_bom, d.delimiter as char, d.header_row, d.header_rows, d.skipped_rows, d.footer_row, d.sheet, d.line_terminator
            );
            println!(
                "rows={} valid={} counts={:?}",
                a.rows, a.report.valid, a.report.counts
            );
            for n in &a.notices {
                println!("notice {}: {}", n.code, n.message);
            }
            for (f, c) in a.schema.fields.iter().zip(&a.columns) {
                let top: Vec<&str> = c.top.iter().take(3).map(|t| t.value.as_str()).collect();
                println!(
                    "  {:40} {:9} {:12} nulls={} distinct={} min={:?} max={:?} top={:?}",
                    f.name,
                    f.field_type.name(),
                    f.format.clone().unwrap_or_default(),
                    c.nulls,
                    c.distinct,
                    c.min,
                    c.max,
                    top
                );
            }
            println!("geo={:?}", a.geo);
            for e in a.report.errors.iter().take(8) {
                println!("  {} {}", e.code, e.message);
            }
        }
        Err(e) => println!("ERROR: {e}"),
    }
}
