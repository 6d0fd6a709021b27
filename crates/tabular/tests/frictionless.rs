//! Our engine against the real `frictionless validate --json` reports saved
//! beside each fixture in `shared/data/frictionless/`: the same error codes, on
//! the same rows and fields; and, where our whole-file reading deliberately
//! differs from Frictionless' sampling, our behaviour asserted explicitly.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabular::{analyze_path, Analysis, Options, Schema};

fn dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/frictionless");
    assert!(
        dir.join("README.md").exists(),
        "the shared fixtures are missing: expected {} (CI clones shared/ beside the repository)",
        dir.display()
    );
    dir
}

fn analyze(file: &str, options: Options) -> Analysis {
    let path = dir().join(file);
    analyze_path(&path, &options, &mut |_| true).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn with_schema(schema_file: &str) -> Options {
    let text = std::fs::read_to_string(dir().join(schema_file)).unwrap();
    Options {
        schema: Some(Schema::from_json(&text).unwrap()),
        ..Options::default()
    }
}

fn forced(encoding: &str) -> Options {
    Options {
        encoding: Some(encoding.into()),
        ..Options::default()
    }
}

type Finding = (String, Option<u64>, Option<u64>);

fn expected(report_file: &str) -> (bool, Vec<Finding>, serde_json::Value) {
    let text = std::fs::read_to_string(dir().join(report_file)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let task = &json["tasks"][0];
    let mut findings: Vec<Finding> = task["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["rowNumber"].as_u64(),
                e["fieldNumber"].as_u64(),
            )
        })
        .collect();
    findings.sort();
    (json["valid"].as_bool().unwrap(), findings, task.clone())
}

fn ours(analysis: &Analysis) -> Vec<Finding> {
    let mut findings: Vec<Finding> = analysis
        .report
        .errors
        .iter()
        .map(|e| (e.code.clone(), e.row_number, e.field_number))
        .collect();
    findings.sort();
    findings
}

/// Same validity, same codes on the same rows and fields, same labels and row count.
fn same_as_frictionless(file: &str, options: Options, report: &str) -> Analysis {
    let analysis = analyze(file, options);
    let (valid, findings, task) = expected(report);
    assert_eq!(ours(&analysis), findings, "{file}: findings differ");
    assert_eq!(analysis.report.valid, valid, "{file}: validity differs");
    let labels: Vec<String> = task["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    if !labels.is_empty() {
        assert_eq!(analysis.report.labels, labels, "{file}: labels differ");
    }
    if let Some(rows) = task["stats"]["rows"].as_u64() {
        assert_eq!(
            analysis.report.stats.rows, rows,
            "{file}: row count differs"
        );
    }
    analysis
}

#[test]
fn structure_errors_match_frictionless() {
    for file in [
        "blank-headers.csv",
        "duplicate-headers.csv",
        "blank-rows.csv",
        "defective-rows.csv",
        "structure-errors.csv",
        "invalid.csv",
        "capital-invalid.csv",
    ] {
        same_as_frictionless(file, Options::default(), &format!("{file}.report.json"));
    }
}

#[test]
fn duplicate_labels_are_renamed_like_frictionless() {
    let analysis = analyze("duplicate-headers.csv", Options::default());
    let names: Vec<&str> = analysis
        .schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, vec!["id", "name", "id2", "age", "id3"]);
    let blank = analyze("blank-headers.csv", Options::default());
    assert_eq!(blank.schema.fields[1].name, "field2");
}

#[test]
fn schema_errors_match_frictionless() {
    // Our whole-file inference agrees here: 2 of 3 non-empty `id` cells are
    // numbers, below the 90 % threshold, so `id` is a string as Frictionless
    // decided from its sample, and only the over-long row is reported.
    let analysis = same_as_frictionless(
        "schema-errors.csv",
        Options::default(),
        "schema-errors.csv.report.json",
    );
    assert_eq!(
        analysis.schema.fields[0].field_type,
        tabular::FieldType::String
    );
}

#[test]
fn type_and_constraint_errors_with_a_given_schema() {
    same_as_frictionless(
        "type-error.csv",
        with_schema("type-error.schema.json"),
        "type-error.csv.report.json",
    );
    same_as_frictionless(
        "constraint-error.csv",
        with_schema("constraint-error.schema.json"),
        "constraint-error.csv.report.json",
    );
    same_as_frictionless(
        "unique-field.csv",
        with_schema("unique-field.json"),
        "unique-field.csv.report.json",
    );
}

#[test]
fn data_package_resource_with_a_primary_key() {
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("package-invalid/datapackage.json")).unwrap(),
    )
    .unwrap();
    let (_, findings, _) = expected("package-invalid/datapackage.json.report.json");
    let schema: Schema = serde_json::from_value(package["resources"][0]["schema"].clone()).unwrap();
    let analysis = analyze(
        "package-invalid/data.csv",
        Options {
            schema: Some(schema),
            ..Options::default()
        },
    );
    assert_eq!(ours(&analysis), findings);
    let second = analyze("package-invalid/data2.csv", Options::default());
    assert_eq!(
        ours(&second),
        vec![("blank-row".to_string(), Some(4), None)]
    );
}

#[test]
fn valid_tricky_files_stay_valid() {
    for file in [
        "bom.csv",
        "utf16le-bom.csv",
        "latin1.csv",
        "windows-1252.csv",
        "table-with-accents.csv",
        "table-infer-iso-8859-7.csv",
        "delimiter.csv",
        "semicolon-decimal-comma.csv",
        "escaping.csv",
        "quoted-newlines.csv",
        "issue-1066-smallcellsize.csv",
        "mixed-line-endings.csv",
        "issue-1478/table.csv",
    ] {
        same_as_frictionless(file, Options::default(), &format!("{file}.report.json"));
    }
}

#[test]
fn reading_tricks_are_read_right() {
    let bom = analyze("bom.csv", Options::default());
    assert_eq!(bom.report.labels, vec!["id", "name"]);
    assert!(bom.dialect.had_bom);
    let utf16 = analyze("utf16le-bom.csv", Options::default());
    assert_eq!(utf16.dialect.encoding, "UTF-16LE");
    assert_eq!(
        utf16.columns[1]
            .top
            .iter()
            .map(|t| t.value.as_str())
            .collect::<Vec<_>>(),
        vec!["Genève", "Zürich"]
    );
    let cp = analyze("windows-1252.csv", Options::default());
    assert_eq!(cp.dialect.encoding, "windows-1252");
    let text: Vec<String> = cp
        .columns
        .iter()
        .flat_map(|c| c.top.iter().map(|t| t.value.clone()))
        .collect();
    assert!(text.iter().any(|t| t.contains('€')), "{text:?}");
    let accents = analyze("table-with-accents.csv", Options::default());
    assert_eq!(accents.dialect.delimiter, b';');
    assert_eq!(accents.dialect.line_terminator, "CRLF");
    let semicolon = analyze("semicolon-decimal-comma.csv", Options::default());
    assert_eq!(semicolon.dialect.delimiter, b';');
    assert!(semicolon.report.labels.contains(&"Fläche_km2".to_string()));
    let escaping = analyze("escaping.csv", Options::default());
    assert!(escaping.dialect.skip_initial_space);
    let mixed = analyze("mixed-line-endings.csv", Options::default());
    assert_eq!(mixed.rows, 4);
    let quoted = analyze("quoted-newlines.csv", Options::default());
    assert_eq!((quoted.rows, quoted.schema.fields.len()), (3, 3));
    let pipes = analyze("issue-1478/table.csv", Options::default());
    assert_eq!(pipes.dialect.delimiter, b'|');
    // Our inference reads the German dates (dd.mm.yyyy) as dates.
    assert_eq!(pipes.schema.fields[1].field_type, tabular::FieldType::Date);
}

#[test]
fn forced_utf8_that_does_not_fit_is_an_encoding_error() {
    for file in ["latin1.csv", "windows-1252.csv", "invalid-utf8.csv"] {
        let analysis = analyze(file, forced("utf-8"));
        let (valid, findings, _) = expected(&format!("{file}.encoding-utf-8.report.json"));
        let codes = |f: &[Finding]| f.iter().map(|(c, _, _)| c.clone()).collect::<Vec<_>>();
        // Frictionless gives no row (it aborts the task); we name the first bad row.
        assert_eq!(codes(&ours(&analysis)), codes(&findings), "{file}");
        assert_eq!(analysis.report.valid, valid);
    }
}

#[test]
fn broken_utf8_is_reported_instead_of_mojibake() {
    // Frictionless guesses ISO-8859-15 for this file and reports it valid, which
    // turns every `ü` into `Ã¼`. We keep UTF-8 (most non-ASCII sequences are
    // valid), read the one broken row as Windows-1252 and report it.
    let analysis = analyze("invalid-utf8.csv", Options::default());
    assert_eq!(analysis.dialect.encoding, "UTF-8");
    assert_eq!(
        ours(&analysis),
        vec![("encoding-error".to_string(), Some(4), None)]
    );
    let names: Vec<&str> = analysis.columns[1]
        .top
        .iter()
        .map(|t| t.value.as_str())
        .collect();
    assert!(
        names.contains(&"München") && names.contains(&"Zürich"),
        "{names:?}"
    );
    assert!(names.contains(&"Bad ÿþ byte"), "{names:?}");
    assert!(analysis.notices.iter().any(|n| n.code == "encoding"));
}

#[test]
fn frictionless_json_has_the_validate_shape() {
    let analysis = analyze("capital-invalid.csv", Options::default());
    let json = analysis.report.to_frictionless_json("capital-invalid.csv");
    let (_, _, task) = expected("capital-invalid.csv.report.json");
    let ours = &json["tasks"][0];
    for key in ["name", "type", "valid", "place", "labels"] {
        assert_eq!(ours[key], task[key], "{key}");
    }
    for key in ["errors", "fields", "rows", "bytes"] {
        assert_eq!(ours["stats"][key], task["stats"][key], "stats.{key}");
    }
    let types: Vec<&str> = ours["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    let theirs: Vec<&str> = task["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, theirs);
    let type_error = ours["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "type-error")
        .unwrap();
    assert_eq!(type_error["rowNumber"], 12);
    assert_eq!(type_error["fieldName"], "id");
    assert_eq!(type_error["cell"], "x");
    assert_eq!(
        type_error["message"],
        "En la fila 12, la columna \"id\" dice \"x\", que no es un número entero."
    );
}
