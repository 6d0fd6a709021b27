//! Measures both passes on a generated 1M-row, ~100 MB CSV of mixed types:
//! `cargo run -p tabular --release --example throughput [ROWS]`.

use std::io::{BufWriter, Write};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mixed.csv");
    {
        let mut out = BufWriter::new(std::fs::File::create(&path)?);
        writeln!(
            out,
            "id,clave,nombre,monto,fecha,activo,categoria,latitud,longitud,descripcion"
        )?;
        let names = [
            "Toluca",
            "Ecatepec de Morelos",
            "Naucalpan de Juárez",
            "Nezahualcóyotl",
            "Metepec",
        ];
        let categories = [
            "Obra pública",
            "Servicios",
            "Adquisiciones",
            "Arrendamiento",
        ];
        for i in 0..rows {
            writeln!(
                out,
                "{i},{:05},{},\"{},{:03}.{:02}\",{:02}/{:02}/{},{},{},{:.6},{:.6},Registro número {i} del padrón municipal",
                15000 + i % 125,
                names[(i % 5) as usize],
                1 + i % 900,
                i % 1000,
                i % 100,
                1 + i % 28,
                1 + i % 12,
                2000 + i % 25,
                if i % 3 == 0 { "Sí" } else { "No" },
                categories[(i % 4) as usize],
                19.0 + (i % 1000) as f64 / 1000.0,
                -99.0 - (i % 1000) as f64 / 1000.0,
            )?;
        }
        out.flush()?;
    }
    let size = std::fs::metadata(&path)?.len() as f64 / 1e6;
    let options = tabular::Options::default();

    let start = Instant::now();
    let analysis = tabular::analyze_path(&path, &options, &mut |_| true)?;
    let pass1 = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut count = 0u64;
    for row in tabular::rows_path(&path, &analysis, &options)? {
        let row = row?;
        count += row.values.len() as u64;
    }
    let pass2 = start.elapsed().as_secs_f64();

    println!(
        "file: {size:.1} MB, {} rows, {} cells",
        analysis.rows, count
    );
    let types: Vec<&str> = analysis
        .schema
        .fields
        .iter()
        .map(|f| f.field_type.name())
        .collect();
    println!("types: {types:?}, valid: {}", analysis.report.valid);
    println!("pass 1 (analyze): {pass1:.2} s, {:.0} MB/s", size / pass1);
    println!("pass 2 (rows):    {pass2:.2} s, {:.0} MB/s", size / pass2);
    println!("both:             {:.2} s", pass1 + pass2);
    Ok(())
}
