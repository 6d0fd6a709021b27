//! The detectors on real government files (`shared/data/real/`, see its
//! SOURCES.md), read with `tabular` as the platform reads them. SAT's 69-B
//! list puts companies' RFCs (12 characters, public) beside natural persons'
//! (13): no company's may ever be reported, and every valid person's must
//! be. The other files hold no identifiers of persons: what is reported in
//! them is printed, and bounded. Skipped, saying so, when `shared/` is not
//! beside the repository.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use privacy::{check, Kind, Scanner};
use tabular::{FieldType, Options, Value};

fn real_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/real");
    if dir.join("SOURCES.md").exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the shared real files are missing (expected {}; CI clones shared/ beside the repository)",
            dir.display()
        );
        None
    }
}

/// The sheets of a workbook (none for a CSV).
fn sheets(path: &Path) -> Vec<String> {
    let options = Options::for_path(path);
    if !options.format.is_spreadsheet() {
        return vec![];
    }
    tabular::analyze_path(path, &options, &mut |_| true)
        .unwrap()
        .dialect
        .sheets
}

/// The header and every row of `path` as text (the sheet given or the first
/// with data), as the platform's ingest reads it.
fn read(path: &Path, sheet: Option<&str>) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
    let mut options = Options::for_path(path);
    options.sheet = sheet.map(str::to_string);
    let mut analysis = tabular::analyze_path(path, &options, &mut |_| true).unwrap();
    for f in &mut analysis.schema.fields {
        f.field_type = FieldType::String;
        f.format = None;
    }
    let header = analysis
        .schema
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let rows = tabular::rows_path(path, &analysis, &options)
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            let cells = r
                .values
                .into_iter()
                .map(|v| match v {
                    Value::Text(s) => s,
                    _ => String::new(),
                })
                .collect();
            (r.number, cells)
        })
        .collect();
    (header, rows)
}

#[test]
fn sat_69b_companies_are_never_reported_and_valid_persons_always_are() {
    let Some(dir) = real_dir() else {
        return;
    };
    let (header, rows) = read(&dir.join("sat_listado_completo_69-B_2022-11-30.csv"), None);
    let rfc = header.iter().position(|h| h == "RFC").unwrap();
    let scanner = Scanner::new(&header);
    let (mut companies, mut persons, mut persons_invalid, mut other) = (0, 0, 0, 0);
    let mut reported_persons = 0;
    for (number, cells) in &rows {
        let value = cells[rfc].trim().trim_matches('\u{a0}');
        let found = scanner.scan_row(*number, cells);
        let rfcs_in_cell: Vec<_> = found
            .iter()
            .filter(|f| f.column == rfc && f.finding.kind == Kind::RfcPersona)
            .collect();
        match value.chars().count() {
            12 => {
                companies += 1;
                assert!(
                    !found.iter().any(|f| f.finding.kind == Kind::RfcPersona),
                    "row {number}: a company's RFC was reported as a person's: {found:?}"
                );
            }
            13 if check::is_rfc_persona(value) => {
                persons += 1;
                assert_eq!(
                    rfcs_in_cell.len(),
                    1,
                    "row {number}: a person's RFC was not reported"
                );
                reported_persons += 1;
            }
            13 => {
                persons_invalid += 1;
                // Under a column named RFC, a typo'd one still counts.
                assert_eq!(rfcs_in_cell.len(), 1, "row {number}");
            }
            _ => other += 1,
        }
    }
    println!(
        "69-B: {} filas; {companies} RFC de empresas (12), ninguno reportado; \
         {persons} RFC de personas (13) válidos, {reported_persons} reportados; \
         {persons_invalid} de 13 con dígito verificador equivocado (reportados por la columna RFC); \
         {other} con otra forma",
        rows.len()
    );
    assert!(
        companies > 10_000 && persons > 2_500,
        "the file was read whole"
    );
    // Read without the column's hint, company RFCs still never are.
    for (_, cells) in &rows {
        let value = cells[rfc].trim();
        if value.chars().count() == 12 {
            assert!(privacy::scan_cell(value).is_empty(), "«{value}»");
        }
    }
}

#[test]
fn files_without_identifiers_of_persons_give_few_findings() {
    let Some(dir) = real_dir() else {
        return;
    };
    let files = [
        "sesnsp_incidencia_fuero_comun_estatal_1997-2017.csv",
        "conapo_proyecciones_municipios_2010-2030_edomex.xlsx",
        "conapo_indice_marginacion_municipal_2020.xls",
        "coneval_anexo_estadistico_entidades_2022.xlsx",
        "pnt_conacyt_art70_frVIII_remuneraciones_2019.xlsx",
        "pnt_conacyt_art70_frII_estructura_organica_2019t1.csv",
        "cdmx_mapa_ingresos_parquimetros.csv",
        "cdmx_diagnostico_ciudad_en_el_mundo.csv",
        "cdmx_estaciones_ecobici.csv",
        "cdmx_ecobici_viajes_2012-09.csv",
        "inegi_consulta_accidentes_transito_1997-2021.csv",
    ];
    let mut total_cells = 0usize;
    let mut all: BTreeMap<Kind, usize> = BTreeMap::new();
    for file in files {
        let path = dir.join(file);
        let mut names: Vec<Option<String>> = sheets(&path).into_iter().map(Some).collect();
        if names.is_empty() {
            names.push(None);
        }
        let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
        let mut examples = vec![];
        let mut cells = 0;
        for sheet in &names {
            let (header, rows) = read(&path, sheet.as_deref());
            let scanner = Scanner::new(&header);
            cells += rows.iter().map(|(_, c)| c.len()).sum::<usize>();
            for (number, row) in &rows {
                for f in scanner.scan_row(*number, row) {
                    *kinds.entry(f.finding.kind).or_default() += 1;
                    *all.entry(f.finding.kind).or_default() += 1;
                    if examples.len() < 5 {
                        examples.push(format!(
                            "{sheet:?} fila {number}, {}: {}",
                            scanner.column_name(f.column),
                            f.finding.masked
                        ));
                    }
                }
            }
        }
        total_cells += cells;
        println!(
            "{file} ({} hojas): {cells} celdas, hallazgos {kinds:?} {examples:?}",
            names.len()
        );
    }
    let found: usize = all.values().sum();
    println!("en total: {total_cells} celdas, {found} hallazgos {all:?}");
    assert!(
        (found as f64) < total_cells as f64 * 1e-4,
        "too many findings in files without personal identifiers"
    );
}
