//! Finding the real header under the title and metadata rows that offices put
//! on top of their tables (SAT: two title rows; PNT/SIPOT: three metadata
//! lines; INEGI: a title and the query), joining a two-row header, and turning
//! labels into field names the way Frictionless does (`field3`, `id2`).

use crate::infer::classify;
use crate::types::trim_ws;

/// The first rows of the table, as text.
#[derive(Debug, Clone)]
pub(crate) struct SampleRow {
    pub number: u64,
    pub cells: Vec<String>,
}

impl SampleRow {
    fn non_empty(&self) -> usize {
        self.cells.iter().filter(|c| !trim_ws(c).is_empty()).count()
    }

    fn is_blank(&self) -> bool {
        self.non_empty() == 0
    }
}

/// Where the header is and what it says.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeaderPlan {
    /// Physical rows that make up the header (one or two).
    pub header_rows: Vec<u64>,
    /// The labels, as read (joined when the header has two rows).
    pub labels: Vec<String>,
    /// Longer descriptions from a header row above the one that names fields.
    pub titles: Option<Vec<String>>,
    /// Rows above the header that were skipped (titles, metadata, blank lines).
    pub skipped: Vec<u64>,
    /// The first row after the header.
    pub data_start: u64,
    pub notices: Vec<(String, String)>,
}

/// Finds the header in `sample` (the first rows of the file). `forced` is a
/// 1-based physical row number.
pub(crate) fn detect(sample: &[SampleRow], forced: Option<u64>) -> HeaderPlan {
    let mut plan = HeaderPlan::default();
    let Some(first) = sample.iter().find(|r| !r.is_blank()) else {
        return plan;
    };
    let header_idx = match forced {
        Some(n) => sample.iter().position(|r| r.number == n),
        None => None,
    }
    .unwrap_or_else(|| {
        if forced.is_some() {
            return 0;
        }
        let body_width = body_width(sample);
        let threshold = ((body_width * 3).div_ceil(5)).max(2);
        sample
            .iter()
            .position(|r| r.non_empty() >= threshold)
            .unwrap_or_else(|| {
                sample
                    .iter()
                    .position(|r| r.number == first.number)
                    .unwrap_or(0)
            })
    });
    let header = &sample[header_idx];
    let mut labels = header.cells.clone();
    let mut header_rows = vec![header.number];
    let mut names_idx = header_idx;

    if forced.is_none() {
        // A group row right above (CONEVAL: "Porcentaje" over 2016…2022).
        if header_idx > 0 {
            let upper = &sample[header_idx - 1];
            if !upper.is_blank() && upper.non_empty() < header.non_empty() {
                if let Some(joined) = join_two_rows(&upper.cells, &header.cells) {
                    labels = joined;
                    header_rows.insert(0, upper.number);
                    plan.notices.push((
                        "two-row-header".into(),
                        format!(
                            "Encabezado en dos filas unido (filas {} y {})",
                            upper.number, header.number
                        ),
                    ));
                }
            }
        }
        // A row of short codes under a row of long labels (CONAPO: "CVE_ENT"
        // under "Clave de la entidad federativa").
        if header_rows.len() == 1 {
            if let Some(codes_idx) = codes_row(sample, header_idx) {
                let codes = &sample[codes_idx];
                plan.titles = Some(header.cells.iter().map(|c| collapse(c)).collect());
                labels = codes.cells.clone();
                header_rows.push(codes.number);
                names_idx = codes_idx;
                plan.notices.push((
                    "two-row-header".into(),
                    format!(
                        "Encabezado en dos filas: la fila {} da los nombres de las columnas y la fila {} sus descripciones",
                        codes.number, header.number
                    ),
                ));
            }
        }
    }
    plan.skipped = sample[..header_idx.min(sample.len())]
        .iter()
        .filter(|r| r.number < header_rows[0])
        .map(|r| r.number)
        .collect();
    let titles_skipped = sample[..header_idx]
        .iter()
        .filter(|r| r.number < header_rows[0] && !r.is_blank())
        .count();
    if titles_skipped > 0 {
        let what = if titles_skipped == 1 {
            "Se omitió 1 fila de título".to_string()
        } else {
            format!("Se omitieron {titles_skipped} filas de título")
        };
        plan.notices.insert(
            0,
            (
                "title-rows".into(),
                format!(
                    "{what} antes del encabezado (el encabezado está en la fila {})",
                    header_rows[header_rows.len() - 1]
                ),
            ),
        );
    }
    plan.data_start = sample[names_idx].number + 1;
    plan.header_rows = header_rows;
    plan.labels = labels;
    plan
}

/// How many cells a body row fills: the largest width that at least 30 % of
/// the rows with two or more cells come close to (80 %). Title and metadata
/// rows are narrow, so they never decide it.
fn body_width(sample: &[SampleRow]) -> usize {
    let widths: Vec<usize> = sample
        .iter()
        .map(SampleRow::non_empty)
        .filter(|&n| n >= 2)
        .collect();
    if widths.is_empty() {
        return 1;
    }
    let need = (widths.len() * 3).div_ceil(10).max(2).min(widths.len());
    let mut candidates = widths.clone();
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    candidates.dedup();
    candidates
        .into_iter()
        .find(|&w| widths.iter().filter(|&&n| n * 5 >= w * 4).count() >= need)
        .unwrap_or(1)
}

fn duplicates(labels: &[String]) -> usize {
    let names: Vec<String> = labels
        .iter()
        .map(|l| collapse(l))
        .filter(|l| !l.is_empty())
        .collect();
    let mut dups = 0;
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            dups += 1;
        }
    }
    dups
}

/// Joins a group row with the header under it when the header alone repeats
/// labels and the joined one repeats fewer.
fn join_two_rows(upper: &[String], lower: &[String]) -> Option<Vec<String>> {
    let before = duplicates(lower);
    if before == 0 {
        return None;
    }
    if upper
        .iter()
        .any(|c| !trim_ws(c).is_empty() && classify(c).mask != 0)
    {
        return None; // a group row holds words, not numbers or dates
    }
    let width = upper.len().max(lower.len());
    let mut carry = String::new();
    let mut joined = Vec::with_capacity(width);
    for j in 0..width {
        let up = upper.get(j).map(|c| collapse(c)).unwrap_or_default();
        let low = lower.get(j).map(|c| collapse(c)).unwrap_or_default();
        if !up.is_empty() {
            carry = up.clone();
        }
        joined.push(match (low.is_empty(), up.is_empty(), carry.is_empty()) {
            (false, _, false) => format!("{carry} {low}"),
            (false, _, true) => low,
            (true, false, _) => up,
            (true, true, _) => String::new(),
        });
    }
    (duplicates(&joined) < before).then_some(joined)
}

/// The row of codes right under a row of long labels, if there is one.
fn codes_row(sample: &[SampleRow], header_idx: usize) -> Option<usize> {
    let header = &sample[header_idx];
    let mut next = (header_idx + 1..sample.len()).filter(|&i| !sample[i].is_blank());
    let codes_idx = next.next()?;
    let after_idx = next.next()?;
    if sample[codes_idx].number > header.number + 3 {
        return None;
    }
    let codes = &sample[codes_idx];
    let after = &sample[after_idx];
    if codes.non_empty() * 5 < header.non_empty() * 4 {
        return None;
    }
    let identifier = |c: &str| {
        let t = trim_ws(c);
        !t.is_empty() && !t.contains(' ') && classify(t).mask == 0
    };
    let all_codes = codes
        .cells
        .iter()
        .all(|c| trim_ws(c).is_empty() || identifier(c));
    let header_words = header
        .cells
        .iter()
        .filter(|c| trim_ws(c).contains(' '))
        .count();
    let numbers_below =
        codes.cells.iter().enumerate().any(|(j, c)| {
            identifier(c) && after.cells.get(j).is_some_and(|v| classify(v).mask != 0)
        });
    (all_codes && header_words * 2 >= header.non_empty() && numbers_below).then_some(codes_idx)
}

/// Trims and collapses runs of white space ("NOMBRE  DEL" → "NOMBRE DEL").
pub(crate) fn collapse(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for word in trim_ws(label).split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Field names from labels, as Frictionless makes them: a blank label becomes
/// `fieldN`, a repeated one gets its occurrence number (`id2`, `id3`).
pub(crate) fn field_names(labels: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(labels.len());
    let mut seen: Vec<String> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let base = collapse(label);
        if base.is_empty() {
            names.push(format!("field{}", i + 1));
            continue;
        }
        let count = seen.iter().filter(|s| **s == base).count();
        seen.push(base.clone());
        names.push(if count == 0 {
            base
        } else {
            format!("{base}{}", count + 1)
        });
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<SampleRow> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| SampleRow {
                number: i as u64 + 1,
                cells: l.split(',').map(str::to_string).collect(),
            })
            .collect()
    }

    #[test]
    fn skips_title_rows() {
        let sample = rows(&[
            "Información actualizada al 30 de noviembre,,,",
            "Listado completo,,,",
            "No,RFC,Nombre,Situación",
            "1,AAA,Juan,Definitivo",
            "2,BBB,Ana,Presunto",
        ]);
        let plan = detect(&sample, None);
        assert_eq!(plan.header_rows, vec![3]);
        assert_eq!(plan.skipped, vec![1, 2]);
        assert_eq!(plan.data_start, 4);
        assert!(plan.notices[0].1.contains("2 filas de título"));
    }

    #[test]
    fn metadata_pairs_are_not_a_header() {
        let sample = rows(&[
            "Nombre del Sujeto Obligado:,CONACYT",
            "Formato:,Estructura",
            "Periodo:,1er trimestre",
            "ID,FECHA,EJERCICIO,AREA",
            "1,02/05/19,2019,Dirección",
        ]);
        let plan = detect(&sample, None);
        assert_eq!(plan.header_rows, vec![4]);
        assert_eq!(plan.labels[0], "ID");
    }

    #[test]
    fn joins_a_group_row() {
        let sample = rows(&[
            ",Indicadores,Porcentaje,,,Miles de personas,,,Carencias,,",
            ",,2016,2018,2020,2016,2018,2020,2016,2018,2020",
            ",Pobreza,1.5,2.5,3,100,200,300,1,2,3",
            ",Rezago,1.5,2.5,3,100,200,300,1,2,3",
        ]);
        let plan = detect(&sample, None);
        assert_eq!(plan.header_rows, vec![1, 2]);
        assert_eq!(
            plan.labels,
            vec![
                "",
                "Indicadores",
                "Porcentaje 2016",
                "Porcentaje 2018",
                "Porcentaje 2020",
                "Miles de personas 2016",
                "Miles de personas 2018",
                "Miles de personas 2020",
                "Carencias 2016",
                "Carencias 2018",
                "Carencias 2020"
            ]
        );
    }

    #[test]
    fn codes_under_long_labels() {
        let sample = rows(&[
            "Índice de marginación,,",
            "Clave de la entidad,Nombre de la entidad,Población total",
            ",,",
            "CVE_ENT,NOM_ENT,POB_TOT",
            ",,",
            "01,Aguascalientes,1425607",
        ]);
        let plan = detect(&sample, None);
        assert_eq!(plan.header_rows, vec![2, 4]);
        assert_eq!(plan.labels, vec!["CVE_ENT", "NOM_ENT", "POB_TOT"]);
        assert_eq!(plan.titles.unwrap()[0], "Clave de la entidad");
        assert_eq!(plan.data_start, 5);
    }

    #[test]
    fn forced_header_row() {
        let sample = rows(&["a,b", "c,d", "1,2"]);
        let plan = detect(&sample, Some(2));
        assert_eq!(plan.header_rows, vec![2]);
        assert_eq!(plan.skipped, vec![1]);
    }

    #[test]
    fn names_like_frictionless() {
        let labels: Vec<String> = ["id", "name", "id", "", "id", " AÑO  x "]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            field_names(&labels),
            vec!["id", "name", "id2", "field4", "id3", "AÑO x"]
        );
    }
}
