//! The 13 real government files in `shared/data/real/` (see its SOURCES.md):
//! each is read with its accents intact, sensible types, its title rows and
//! footers handled, and pass 2 yields exactly the rows pass 1 counted.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabular::{analyze_path, rows_path, Analysis, FieldType, GeoColumns, Options, Value};

fn path(file: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/real");
    assert!(
        dir.join("SOURCES.md").exists(),
        "the shared real files are missing: expected {} (CI clones shared/ beside the repository)",
        dir.display()
    );
    dir.join(file)
}

fn analyze_with(file: &str, options: Options) -> Analysis {
    let analysis = analyze_path(&path(file), &options, &mut |_| true)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    // Pass 2 agrees with pass 1.
    let mut count = 0u64;
    let mut last = 0;
    for row in rows_path(&path(file), &analysis, &options).unwrap() {
        let row = row.unwrap();
        assert_eq!(row.values.len(), analysis.schema.fields.len());
        assert!(row.number > last, "{file}: rows out of order");
        last = row.number;
        count += 1;
    }
    assert_eq!(
        count, analysis.rows,
        "{file}: pass 2 yields the rows pass 1 counted"
    );
    speculation_agrees(&path(file), &options, &analysis);
    analysis
}

/// The speculative load (pass 1 yielding rows typed with a guess from the
/// first rows) either yields exactly pass 2's rows or knows it guessed wrong.
fn speculation_agrees(file: &std::path::Path, options: &Options, analysis: &Analysis) {
    for prefix in [5, 40] {
        let provisional = tabular::analyze_prefix_path(file, options, prefix).unwrap();
        let typer = tabular::Typer::new(&provisional.schema);
        let mut yielded = Vec::new();
        let again = tabular::analyze_path_yielding(
            file,
            options,
            &provisional,
            &mut |_| true,
            &mut |raw| {
                yielded.push(typer.row(&raw));
                true
            },
        )
        .unwrap();
        assert_eq!(
            &again,
            analysis,
            "{}: yielding changes nothing in pass 1",
            file.display()
        );
        if again.reads_like(&provisional) {
            let pass2: Vec<_> = rows_path(file, analysis, options)
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(
                yielded,
                pass2,
                "{}: speculative rows differ",
                file.display()
            );
        }
    }
}

fn analyze(file: &str) -> Analysis {
    analyze_with(file, Options::for_path(&path(file)))
}

fn field_type(a: &Analysis, name: &str) -> FieldType {
    a.schema
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}: {:?}", a.schema.field_names()))
        .field_type
}

fn notice(a: &Analysis, code: &str) -> String {
    a.notices
        .iter()
        .find(|n| n.code == code)
        .map(|n| n.message.clone())
        .unwrap_or_else(|| panic!("no {code} notice in {:?}", a.notices))
}

#[test]
fn sesnsp_latin1_header_and_counts() {
    let a = analyze("sesnsp_incidencia_fuero_comun_estatal_1997-2017.csv");
    assert_eq!(a.dialect.encoding, "windows-1252");
    assert_eq!(a.schema.fields[0].name, "AÑO");
    assert_eq!(a.rows, 44_352);
    assert_eq!(field_type(&a, "AÑO"), FieldType::Integer);
    assert_eq!(field_type(&a, "ENERO"), FieldType::Integer);
    let damage = rows_path(
        &path("sesnsp_incidencia_fuero_comun_estatal_1997-2017.csv"),
        &a,
        &Options::default(),
    )
    .unwrap()
    .map(|r| r.unwrap())
    .any(|r| r.values[4] == Value::Text("DAÑO EN PROPIEDAD AJENA".into()));
    assert!(damage, "accents of Latin-1 values are decoded");
    assert!(a.report.valid);
}

#[test]
fn sat_title_rows_and_dates() {
    let a = analyze("sat_listado_completo_69-B_2022-11-30.csv");
    assert_eq!(a.dialect.header_row, 3);
    assert_eq!(a.dialect.skipped_rows, vec![1, 2]);
    assert!(notice(&a, "title-rows").contains("2 filas de título"));
    assert_eq!(a.rows, 12_666);
    assert_eq!(field_type(&a, "No"), FieldType::Integer);
    assert_eq!(field_type(&a, "RFC"), FieldType::String);
    let date = a
        .schema
        .fields
        .iter()
        .find(|f| f.name == "Publicación página SAT presuntos")
        .unwrap();
    assert_eq!(date.field_type, FieldType::Date);
    assert_eq!(date.format.as_deref(), Some("%d/%m/%Y"));
    assert!(a
        .schema
        .field_names()
        .contains(&"Situación del contribuyente".to_string()));
    // The messy date cells ("25/05/2022 - 26/04/2021") are findings, not a text column.
    assert!(a.report.count("type-error") > 0);
}

#[test]
fn pnt_csv_metadata_lines_and_two_date_formats() {
    let a = analyze("pnt_conacyt_art70_frII_estructura_organica_2019t1.csv");
    assert_eq!(a.dialect.header_row, 4);
    assert_eq!(a.dialect.skipped_rows, vec![1, 2, 3]);
    assert_eq!(a.rows, 2_225);
    let creacion = a
        .schema
        .fields
        .iter()
        .find(|f| f.name == "FECHA CREACION")
        .unwrap();
    assert_eq!(
        (creacion.field_type, creacion.format.as_deref()),
        (FieldType::Date, Some("%d/%m/%y"))
    );
    let inicio = a
        .schema
        .fields
        .iter()
        .find(|f| f.name == "FECHA DE INICIO DEL PERIODO QUE SE INFORMA")
        .unwrap();
    assert_eq!(inicio.format.as_deref(), Some("%d/%m/%Y"));
    assert_eq!(field_type(&a, "EJERCICIO"), FieldType::Integer);
    assert!(a
        .schema
        .field_names()
        .contains(&"DENOMINACIÓN DEL ÁREA".to_string()));
}

#[test]
fn parquimetros_amounts_dash_and_point() {
    let a = analyze("cdmx_mapa_ingresos_parquimetros.csv");
    assert_eq!(a.dialect.encoding, "UTF-8");
    assert_eq!(field_type(&a, "Ingreso po"), FieldType::Number);
    assert_eq!(field_type(&a, "Pago al GC"), FieldType::Number);
    assert_eq!(field_type(&a, "Año"), FieldType::Integer);
    assert!(a.schema.missing_values.contains(&"-".to_string()));
    assert!(matches!(&a.geo, Some(GeoColumns::Point { column, .. }) if column == "Geo Point"));
    assert!(a.report.valid, "{:?}", a.report.counts);
    assert!(a.schema.field_names().contains(&"Alcaldía".to_string()));
}

#[test]
fn diagnostico_si_no_is_boolean() {
    let a = analyze("cdmx_diagnostico_ciudad_en_el_mundo.csv");
    for name in [
        "conocimiento",
        "importancia",
        "ciudad_global",
        "conocimiento_area",
    ] {
        assert_eq!(field_type(&a, name), FieldType::Boolean, "{name}");
    }
    assert!(a.schema.field_names().contains(&"enseñanzas".to_string()));
    let reader = rows_path(
        &path("cdmx_diagnostico_ciudad_en_el_mundo.csv"),
        &a,
        &Options::default(),
    )
    .unwrap();
    let first = reader.into_iter().next().unwrap().unwrap();
    assert_eq!(first.number, 2);
    assert_eq!(first.values[0], Value::Boolean(true)); // "Sí"
}

#[test]
fn ecobici_stations_coordinates_and_postal_codes() {
    let a = analyze("cdmx_estaciones_ecobici.csv");
    assert_eq!(field_type(&a, "location/lat"), FieldType::Number);
    assert_eq!(field_type(&a, "location/lon"), FieldType::Number);
    assert_eq!(field_type(&a, "Código postal"), FieldType::String);
    assert!(matches!(
        &a.geo,
        Some(GeoColumns::LatLon { latitude, longitude, .. }) if latitude == "location/lat" && longitude == "location/lon"
    ));
    let altitude = a.columns.iter().find(|c| c.name == "altitude").unwrap();
    assert_eq!(altitude.non_null, 0);
    let postal = rows_path(
        &path("cdmx_estaciones_ecobici.csv"),
        &a,
        &Options::default(),
    )
    .unwrap()
    .map(|r| r.unwrap())
    .find_map(|r| match &r.values[4] {
        Value::Text(t) if t.starts_with('0') => Some(t.clone()),
        _ => None,
    });
    assert!(postal.is_some(), "leading zeros kept");
}

#[test]
fn ecobici_trips_dates_and_times() {
    let a = analyze("cdmx_ecobici_viajes_2012-09.csv");
    assert_eq!(a.rows, 210_666);
    assert_eq!(field_type(&a, "Edad_Usuario"), FieldType::Integer);
    assert_eq!(field_type(&a, "Fecha_Retiro"), FieldType::Date);
    assert_eq!(field_type(&a, "Hora_Retiro"), FieldType::Time);
    assert!(a.report.valid);
}

#[test]
fn inegi_reversed_line_ends_titles_thousands_and_footer() {
    let a = analyze("inegi_consulta_accidentes_transito_1997-2021.csv");
    assert_eq!(a.dialect.line_terminator, "LFCR");
    assert_eq!(a.dialect.encoding, "windows-1252");
    assert_eq!(a.rows, 25);
    assert_eq!(field_type(&a, "Total"), FieldType::Integer);
    assert_eq!(field_type(&a, "México"), FieldType::Integer);
    assert!(a.schema.field_names().contains(&"Coyoacán".to_string()));
    assert!(notice(&a, "footer").contains("FUENTE: INEGI"));
    assert!(notice(&a, "title-rows").contains("2 filas"));
    // The footer is not data: no column became text because of it.
    assert_eq!(a.report.count("type-error"), 0);
    let total = rows_path(
        &path("inegi_consulta_accidentes_transito_1997-2021.csv"),
        &a,
        &Options::default(),
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap();
    assert_eq!(total.values[0], Value::Integer(1997));
    assert_eq!(total.values[1], Value::Integer(248_114));
}

#[test]
fn conapo_xlsx_title_row_and_sparse_groups() {
    let a = analyze("conapo_proyecciones_municipios_2010-2030_edomex.xlsx");
    assert_eq!(a.dialect.sheet.as_deref(), Some("Mexico"));
    assert_eq!(a.dialect.header_row, 3);
    assert_eq!(field_type(&a, "Clave Municipio"), FieldType::Integer);
    assert_eq!(field_type(&a, "2010"), FieldType::Number);
    assert_eq!(field_type(&a, "Grupos de Edad"), FieldType::String);
    // The state-total key "México" is one finding, not a text column.
    assert_eq!(a.report.count("type-error"), 1);
}

#[test]
fn conapo_legacy_xls_two_header_rows_and_keys() {
    let a = analyze("conapo_indice_marginacion_municipal_2020.xls");
    assert_eq!(a.dialect.sheet.as_deref(), Some("Base de marginación 2020"));
    assert_eq!(a.dialect.header_rows, vec![4, 6]);
    assert_eq!(a.schema.fields[0].name, "CVE_ENT");
    assert!(a.schema.fields[0].title.is_some());
    assert_eq!(field_type(&a, "CVE_MUN"), FieldType::String); // '01001'
    assert_eq!(field_type(&a, "POB_TOT"), FieldType::Integer);
    assert_eq!(field_type(&a, "PL.5000"), FieldType::Number);
    assert!(notice(&a, "sheet").contains("3 hojas"));
    assert!(notice(&a, "footer").contains("Fuente"));
    let clean = analyze_with(
        "conapo_indice_marginacion_municipal_2020.xls",
        Options {
            sheet: Some("IMM_2020".into()),
            ..Options::for_path(&path("conapo_indice_marginacion_municipal_2020.xls"))
        },
    );
    assert_eq!(clean.rows, 2_469);
    assert_eq!(clean.dialect.header_row, 1);
}

#[test]
fn coneval_many_sheets_and_a_two_row_header() {
    let first = analyze("coneval_anexo_estadistico_entidades_2022.xlsx");
    assert_eq!(first.dialect.sheet.as_deref(), Some("Contenido"));
    assert!(notice(&first, "sheet").contains("34 hojas"));
    let mexico = analyze_with(
        "coneval_anexo_estadistico_entidades_2022.xlsx",
        Options {
            sheet: Some("México".into()),
            ..Options::for_path(&path("coneval_anexo_estadistico_entidades_2022.xlsx"))
        },
    );
    assert_eq!(mexico.dialect.header_rows, vec![6, 7]);
    assert!(notice(&mexico, "two-row-header").contains("unido"));
    let names = mexico.schema.field_names();
    assert!(names.contains(&"Porcentaje 2016".to_string()), "{names:?}");
    assert!(
        names.contains(&"Porcentaje 2022**".to_string()),
        "{names:?}"
    );
    assert_eq!(field_type(&mexico, "Porcentaje 2016"), FieldType::Number);
    assert!(mexico.dialect.footer_row.is_some());
}

#[test]
fn pnt_payroll_metadata_rows_and_amounts_stored_as_text() {
    let a = analyze("pnt_conacyt_art70_frVIII_remuneraciones_2019.xlsx");
    assert_eq!(a.dialect.sheet.as_deref(), Some("Información"));
    assert_eq!(a.dialect.header_row, 6);
    assert_eq!(a.rows, 4_014);
    assert_eq!(field_type(&a, "EJERCICIO"), FieldType::Integer);
    assert_eq!(field_type(&a, "FECHA DE VALIDACIÓN"), FieldType::Date);
    let amount = a
        .schema
        .fields
        .iter()
        .find(|f| f.name.starts_with("MONTO DE LA REMUNERACIÓN BRUTA"))
        .unwrap();
    assert_eq!(amount.field_type, FieldType::Number);
    assert!(notice(&a, "sheet").contains("16 hojas"));
}

#[test]
fn geojson_is_not_a_table() {
    // GeoJSON is not tabular: it reads as one text column and never panics.
    let file = path("cdmx_ssp_cuadrantes_2015.geojson");
    let result = analyze_path(&file, &Options::default(), &mut |_| true);
    if let Ok(a) = result {
        assert!(a.geo.is_none());
    }
}
