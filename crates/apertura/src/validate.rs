//! `apertura validate FILE`: the ingest engine from the command line, for a
//! publisher who wants to check a file before uploading it and for scripts.
//! Exit status: 0 valid, 1 invalid, 2 the file (or the schema) cannot be read.

use std::io::Write;
use std::path::Path;

/// How many findings of each kind the text report lists.
const SHOWN_PER_KIND: usize = 10;

/// Validates `file` and writes the report to `out` (Spanish text, or the
/// Frictionless JSON report with `json`). Returns the exit status.
pub fn run(
    file: &Path,
    schema: Option<&Path>,
    sheet: Option<&str>,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = match tabular::Format::from_path(file) {
        Some(f) => f,
        None => {
            let _ = writeln!(
                err,
                "apertura: «{name}» no parece una tabla: se validan archivos CSV, TSV, XLSX y XLS"
            );
            return 2;
        }
    };
    let mut options = tabular::Options {
        format,
        sheet: sheet.map(str::to_string),
        ..tabular::Options::default()
    };
    if let Some(path) = schema {
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<tabular::Schema>(&s).map_err(|e| e.to_string()));
        match parsed {
            Ok(s) => options.schema = Some(s),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "apertura: no se pudo leer el esquema {}: {e}",
                    path.display()
                );
                return 2;
            }
        }
    }
    let analysis = match tabular::analyze_path(file, &options, &mut |_| true) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "apertura: {}: {e}", file.display());
            return 2;
        }
    };
    let valid = analysis.report.valid;
    if json {
        let report = analysis.report.to_frictionless_json(&name);
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        let _ = write_text(&analysis, &name, out);
    }
    if valid {
        0
    } else {
        1
    }
}

/// Validates and loads `file` into the SQLite file `into` (table `ds_v1`).
pub async fn load(file: &Path, into: &Path) -> anyhow::Result<u8> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = tabular::Format::from_path(file).ok_or_else(|| {
        anyhow::anyhow!("«{name}» no parece una tabla: se cargan archivos CSV, TSV, XLSX y XLS")
    })?;
    let options = tabular::Options {
        format,
        ..tabular::Options::default()
    };
    let datastore = ingest::datastore::Datastore::sqlite_at(into);
    let started = std::time::Instant::now();
    let watch = ingest::job::Watch::default();
    let ingest::job::Loaded {
        analysis,
        rows,
        reads,
    } = ingest::job::load_path(&datastore, 1, file, &options, &[], &watch)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    println!(
        "{name}: {rows} filas cargadas en {} (tabla ds_v1) en {:.2} s ({}); {}",
        into.display(),
        started.elapsed().as_secs_f64(),
        if reads == 1 {
            "una lectura".to_string()
        } else {
            format!("{reads} lecturas")
        },
        if analysis.report.valid {
            "válido".to_string()
        } else {
            format!("{} observaciones", analysis.report.stats.errors)
        }
    );
    Ok(if analysis.report.valid { 0 } else { 1 })
}

fn type_label(t: &tabular::FieldType) -> String {
    let code = serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    match code.as_str() {
        "integer" => "número entero".into(),
        "number" => "número con decimales".into(),
        "boolean" => "sí / no".into(),
        "date" => "fecha".into(),
        "datetime" => "fecha y hora".into(),
        "year" => "año".into(),
        "string" => "texto".into(),
        other => other.into(),
    }
}

fn write_text(a: &tabular::Analysis, name: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{name}: {} filas, {} columnas",
        a.rows,
        a.schema.fields.len()
    )?;
    for n in &a.notices {
        writeln!(out, "  · {}", n.message)?;
    }
    writeln!(out, "\nColumnas:")?;
    for (i, f) in a.schema.fields.iter().enumerate() {
        writeln!(
            out,
            "  {:>3}. {} ({})",
            i + 1,
            f.name,
            type_label(&f.field_type)
        )?;
    }
    let report = &a.report;
    if report.valid {
        writeln!(out, "\nVálido: no se encontraron problemas.")?;
        return Ok(());
    }
    writeln!(out, "\nNo válido: {} observaciones.", report.stats.errors)?;
    for (code, count) in &report.counts {
        writeln!(out, "\n{code}: {count}")?;
        for e in report
            .errors
            .iter()
            .filter(|e| &e.code == code)
            .take(SHOWN_PER_KIND)
        {
            writeln!(out, "  - {}", e.message)?;
        }
        let shown = report
            .errors
            .iter()
            .filter(|e| &e.code == code)
            .count()
            .min(SHOWN_PER_KIND);
        if (*count as usize) > shown {
            writeln!(out, "  … y {} más", *count as usize - shown)?;
        }
    }
    Ok(())
}
