//! The progress of a plan as a CSV file, both ways, without loss: what is
//! exported imports back unchanged with no change and no error (Decidim's
//! import and export formats differ, and its users complain). The file
//! names every milestone (plan, commitment, milestone code) and carries, for
//! information, what the secretariat sets (titles, weights, dates); a body
//! changes only the progress columns (level, evidence, comment). Excel's
//! habits are expected: a byte-order mark, Latin-1 when it saves "CSV", and
//! `;` between fields in Spanish locales.

use crate::domain::{Completion, Term};
use crate::progress::parse_weight;

/// The columns, in order.
pub const HEADER: [&str; 11] = [
    "plan",
    "compromiso",
    "hito",
    "titulo_hito",
    "peso",
    "inicio",
    "fin",
    "nivel",
    "evidencia_url",
    "evidencia_fecha",
    "comentario",
];

/// One milestone's line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub plan: String,
    pub commitment: String,
    pub milestone: String,
    pub title: String,
    pub weight: f64,
    pub start: String,
    pub end: String,
    pub completion: Completion,
    pub evidence_url: String,
    pub evidence_date: String,
    pub comment: String,
}

impl ProgressRow {
    /// Plan, commitment and milestone: what names the line.
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.plan, &self.commitment, &self.milestone)
    }
}

/// A line that cannot be imported, and why (an i18n key and the column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line of the file (the header is line 1).
    pub line: usize,
    pub column: Option<&'static str>,
    pub key: &'static str,
}

/// What an import would change in one milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub line: usize,
    pub before: ProgressRow,
    pub after: ProgressRow,
}

/// The file of these lines: UTF-8 with a byte-order mark (so that
/// spreadsheets show the accents), `,` between fields, CRLF.
pub fn write(rows: &[ProgressRow]) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    // Writing to memory cannot fail; a row that could not be written would
    // be a bug caught by the round-trip test.
    let _ = out.write_record(HEADER);
    for r in rows {
        let weight = r.weight.to_string();
        let _ = out.write_record([
            r.plan.as_str(),
            r.commitment.as_str(),
            r.milestone.as_str(),
            r.title.as_str(),
            weight.as_str(),
            r.start.as_str(),
            r.end.as_str(),
            r.completion.code(),
            r.evidence_url.as_str(),
            r.evidence_date.as_str(),
            r.comment.as_str(),
        ]);
    }
    out.into_inner().unwrap_or_default()
}

/// UTF-8 (without its mark), else Latin-1 (each byte a character).
fn decode(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    text.trim_start_matches('\u{feff}').to_string()
}

/// Reads a progress file. Every line is checked; any error refuses the
/// whole file (the errors say where).
pub fn read(bytes: &[u8]) -> Result<Vec<ProgressRow>, Vec<LineError>> {
    let text = decode(bytes);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => return Err(vec![error(1, None, "opengov-csv-unreadable")]),
    };
    let position = |name: &str| header.iter().position(|h| h == name);
    let mut columns = [0usize; HEADER.len()];
    let mut errors = vec![];
    for (i, name) in HEADER.iter().enumerate() {
        match position(name) {
            Some(p) => columns[i] = p,
            None => errors.push(error(1, Some(*name), "opengov-csv-missing-column")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = vec![];
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(error(line, None, "opengov-csv-unreadable"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // a blank line a spreadsheet left
        }
        let get = |i: usize| record.get(columns[i]).unwrap_or_default().to_string();
        let mut row_errors = vec![];
        for (i, name) in HEADER.iter().enumerate().take(3) {
            if get(i).trim().is_empty() {
                row_errors.push(error(line, Some(*name), "opengov-csv-required"));
            }
        }
        let weight = match parse_weight(&get(4)) {
            Ok(w) => w,
            Err(_) => {
                row_errors.push(error(line, Some("peso"), "opengov-csv-weight"));
                1.0
            }
        };
        let completion = match Completion::from_code(&get(7)) {
            Some(c) => c,
            None if get(7).trim().is_empty() => Completion::NoEvidence,
            None => {
                row_errors.push(error(line, Some("nivel"), "opengov-csv-level"));
                Completion::NoEvidence
            }
        };
        for (i, name) in [(5, "inicio"), (6, "fin"), (9, "evidencia_fecha")] {
            let v = get(i);
            if !v.is_empty() && !is_date(&v) {
                row_errors.push(error(line, Some(name), "opengov-csv-date"));
            }
        }
        let url = get(8);
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !url.is_empty() && !web {
            row_errors.push(error(line, Some("evidencia_url"), "opengov-csv-url"));
        }
        if row_errors.is_empty() {
            rows.push(ProgressRow {
                plan: get(0),
                commitment: get(1),
                milestone: get(2),
                title: get(3),
                weight,
                start: get(5),
                end: get(6),
                completion,
                evidence_url: url,
                evidence_date: get(9),
                comment: get(10),
            });
        }
        errors.extend(row_errors);
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn error(line: usize, column: Option<&'static str>, key: &'static str) -> LineError {
    LineError { line, column, key }
}

/// `yyyy-mm-dd` with a month 01–12 and a day 01–31 (the calendar is
/// checked where dates are stored).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(
            &s[5..7],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

/// What importing `incoming` over `current` would change, line by line. A
/// line naming no milestone of `current`, a milestone named twice, or a line
/// changing what the secretariat sets (title, weight, dates) is an error;
/// lines equal to the current state change nothing.
pub fn diff(
    current: &[ProgressRow],
    incoming: &[ProgressRow],
) -> Result<Vec<Change>, Vec<LineError>> {
    let mut errors = vec![];
    let mut changes = vec![];
    let mut seen = std::collections::HashSet::new();
    for (i, row) in incoming.iter().enumerate() {
        let line = i + 2;
        if !seen.insert(row.key()) {
            errors.push(error(line, Some("hito"), "opengov-csv-repeated"));
            continue;
        }
        let Some(before) = current.iter().find(|c| c.key() == row.key()) else {
            errors.push(error(line, Some("hito"), "opengov-csv-unknown"));
            continue;
        };
        let fixed = [
            ("titulo_hito", before.title != row.title),
            ("peso", before.weight != row.weight),
            ("inicio", before.start != row.start),
            ("fin", before.end != row.end),
        ];
        let mut refused = false;
        for (name, differs) in fixed {
            if differs {
                errors.push(error(line, Some(name), "opengov-csv-fixed"));
                refused = true;
            }
        }
        if !refused && before != row {
            changes.push(Change {
                line,
                before: before.clone(),
                after: row.clone(),
            });
        }
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(milestone: &str, completion: Completion) -> ProgressRow {
        ProgressRow {
            plan: "plan-local-2025".into(),
            commitment: "c1-obra-publica-abierta".into(),
            milestone: milestone.into(),
            title: "Publicar el padrón de obras, con «comillas», acentos y ñ".into(),
            weight: 1.5,
            start: "2025-02-01".into(),
            end: "2025-06-30".into(),
            completion,
            evidence_url: "https://zacazonapan.gob.mx/obras.csv".into(),
            evidence_date: "2025-03-15".into(),
            comment: "Primera entrega;\nfalta la georreferencia, \"pronto\"".into(),
        }
    }

    #[test]
    fn exported_then_imported_unchanged_is_no_change_and_no_error() {
        let current = vec![
            row("h1", Completion::Complete),
            row("h2", Completion::Limited),
            row("h3", Completion::NoEvidence),
        ];
        let file = write(&current);
        assert!(file.starts_with(&[0xEF, 0xBB, 0xBF]));
        let back = read(&file).expect("reads");
        assert_eq!(back, current);
        assert_eq!(diff(&current, &back), Ok(vec![]));
    }

    #[test]
    fn a_changed_level_is_one_change() {
        let current = vec![
            row("h1", Completion::Limited),
            row("h2", Completion::Limited),
        ];
        let mut edited = current.clone();
        edited[1].completion = Completion::Substantial;
        edited[1].comment = "Avance verificado".into();
        let changes = diff(&current, &read(&write(&edited)).unwrap()).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].line, 3);
        assert_eq!(changes[0].after.completion, Completion::Substantial);
    }

    #[test]
    fn what_the_secretariat_sets_is_not_changed_from_a_file() {
        let current = vec![row("h1", Completion::Limited)];
        let mut edited = current.clone();
        edited[0].weight = 3.0;
        edited[0].end = "2025-12-31".into();
        let errors = diff(&current, &edited).unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, [Some("peso"), Some("fin")]);
        assert!(errors
            .iter()
            .all(|e| e.key == "opengov-csv-fixed" && e.line == 2));
        let mut unknown = current.clone();
        unknown[0].milestone = "h9".into();
        assert_eq!(
            diff(&current, &unknown).unwrap_err()[0].key,
            "opengov-csv-unknown"
        );
        let twice = vec![current[0].clone(), current[0].clone()];
        assert_eq!(diff(&current, &twice).unwrap_err()[0].line, 3);
    }

    #[test]
    fn excel_files_are_read_too() {
        // Saved by a Spanish Excel: Latin-1, semicolons, a level in capitals.
        let text = "plan;compromiso;hito;titulo_hito;peso;inicio;fin;nivel;evidencia_url;evidencia_fecha;comentario\r\n\
                    p;c;h1;Año de obras;2,5;2025-01-01;2025-02-01;SUSTANCIAL;;;Sin ñ perdida\r\n;;;;;;;;;;\r\n";
        let latin1: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
        let rows = read(&latin1).expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].title, "Año de obras");
        assert_eq!(rows[0].weight, 2.5);
        assert_eq!(rows[0].completion, Completion::Substantial);
        assert_eq!(rows[0].comment, "Sin ñ perdida");
    }

    #[test]
    fn bad_lines_say_where_and_refuse_the_file() {
        let text = "plan,compromiso,hito,titulo_hito,peso,inicio,fin,nivel,evidencia_url,evidencia_fecha,comentario\n\
                    p,c,h1,T,1,2025-01-01,2025-13-01,casi,ftp://x,ayer,\n\
                    p,,h2,T,0,,,,,,\n";
        let errors = read(text.as_bytes()).unwrap_err();
        let found: Vec<(usize, Option<&str>, &str)> =
            errors.iter().map(|e| (e.line, e.column, e.key)).collect();
        assert_eq!(
            found,
            [
                (2, Some("nivel"), "opengov-csv-level"),
                (2, Some("fin"), "opengov-csv-date"),
                (2, Some("evidencia_fecha"), "opengov-csv-date"),
                (2, Some("evidencia_url"), "opengov-csv-url"),
                (3, Some("compromiso"), "opengov-csv-required"),
                (3, Some("peso"), "opengov-csv-weight"),
            ]
        );
        let missing = read(b"plan,hito\np,h\n").unwrap_err();
        assert!(missing
            .iter()
            .any(|e| e.column == Some("compromiso") && e.line == 1));
    }

    fn text() -> impl Strategy<Value = String> {
        // Anything a person may type, commas, quotes and new lines included.
        proptest::string::string_regex("[a-zA-ZáéíóúñÑü0-9 ,;\"'\n\t«»€-]{0,40}").unwrap()
    }

    proptest! {
        #[test]
        fn any_export_reads_back_the_same(
            rows in proptest::collection::vec(
                (text(), text(), text(), 1u32..400, 0usize..5, text()),
                0..12,
            )
        ) {
            let rows: Vec<ProgressRow> = rows
                .into_iter()
                .enumerate()
                .map(|(i, (commitment, title, url_tail, weight, level, comment))| ProgressRow {
                    plan: "plan".into(),
                    commitment: format!("c{i}{}", commitment.trim()),
                    milestone: format!("h{i}"),
                    title,
                    weight: f64::from(weight) / 4.0,
                    start: "2025-01-31".into(),
                    end: String::new(),
                    completion: Completion::ALL[level],
                    evidence_url: if url_tail.is_empty() { String::new() } else { format!("https://x.mx/{}", url_tail.replace(['\n', '\t'], "")) },
                    evidence_date: String::new(),
                    comment,
                })
                .collect();
            let back = read(&write(&rows));
            prop_assert_eq!(back.as_ref(), Ok(&rows));
            prop_assert_eq!(diff(&rows, &back.unwrap()), Ok(vec![]));
        }
    }
}
