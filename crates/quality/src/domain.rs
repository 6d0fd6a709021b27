//! The quality score of a dataset, 0 to 100, and why: eight criteria, each
//! with its points, and every point lost explained by a [`Loss`] whose
//! message (in the i18n catalog, `quality-loss-{key}`) tells the publisher
//! what is wrong, and whose advice (`quality-fix-{key}`) tells them what to
//! do. Pure: the store gathers the [`Facts`].
//!
//! | criterion   | points | what earns them |
//! |-------------|-------:|-----------------|
//! | format      | 20 | an open, machine-readable file (three of the five stars of open data) |
//! | licence     | 10 | an open licence |
//! | metadata    | 20 | DCAT-AP's mandatory description and recommended theme, keywords, contact point, spatial and temporal coverage |
//! | dictionary  | 10 | every column of every table described |
//! | validation  | 10 | tables that load, with no validation errors |
//! | freshness   | 15 | a declared frequency, and data no older than it allows |
//! | readability | 10 | a Spanish description at least "normal" on the INFLESZ scale |
//! | use         |  5 | downloads and API calls |

use std::collections::BTreeMap;

use catalog::domain::vocab::{Frequency, Licence};
use serde::{Deserialize, Serialize};

use crate::readability::{self, Band, Readability};

/// What the score is computed from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub title: String,
    pub description: String,
    pub themes: usize,
    pub keywords: usize,
    pub licence: String,
    pub frequency: Option<String>,
    pub has_temporal: bool,
    pub has_spatial: bool,
    pub has_contact: bool,
    pub resources: Vec<ResourceFacts>,
    /// Days since the data last changed: the newest file version, else the
    /// dataset's creation.
    pub days_since_update: i64,
    pub downloads: i64,
    pub api_calls: i64,
    pub is_public: bool,
}

/// One live resource.
#[derive(Debug, Clone)]
pub struct ResourceFacts {
    pub name: String,
    /// The format of its current version ("CSV"), or of a link's address;
    /// `None` when nothing tells.
    pub format: Option<String>,
    /// What its load found, for a table.
    pub table: Option<TableFacts>,
}

/// A table's load.
#[derive(Debug, Clone)]
pub enum TableFacts {
    Pending,
    Failed {
        error: String,
    },
    Loaded {
        rows: i64,
        errors: i64,
        columns: i64,
        /// Columns whose dictionary entry has a description.
        described: i64,
    },
}

/// A message argument: numbers stay numbers, so that Fluent picks plurals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Number(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

/// Points lost (or, with zero points, a remark), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loss {
    pub points: u32,
    /// `quality-loss-{key}` explains it, `quality-fix-{key}` says what to do.
    pub key: String,
    pub args: BTreeMap<String, Arg>,
}

impl Loss {
    fn new(points: u32, key: &str) -> Loss {
        Loss {
            points,
            key: key.to_string(),
            args: BTreeMap::new(),
        }
    }
    fn arg(mut self, name: &str, value: impl Into<Arg>) -> Loss {
        self.args.insert(name.to_string(), value.into());
        self
    }
}

/// One criterion's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub max: u32,
    pub points: u32,
    /// Every point lost, explained: their points add up to `max - points`.
    pub losses: Vec<Loss>,
    /// What was found that cost nothing (a criterion that does not apply,
    /// a measure worth knowing).
    pub notes: Vec<Loss>,
}

/// A dataset's score and its breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub score: u32,
    /// Later than its declared frequency allows.
    pub overdue: bool,
    /// The best of its resources on the five-star scale of open data (0
    /// without resources).
    pub stars: u8,
    pub readability: Option<Readability>,
    pub criteria: Vec<Criterion>,
}

impl Assessment {
    /// Every loss, largest first.
    pub fn losses(&self) -> Vec<&Loss> {
        let mut all: Vec<&Loss> = self.criteria.iter().flat_map(|c| &c.losses).collect();
        all.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.key.cmp(&b.key)));
        all
    }
}

pub const FORMAT: u32 = 20;
pub const LICENCE: u32 = 10;
pub const METADATA: u32 = 20;
pub const DICTIONARY: u32 = 10;
pub const VALIDATION: u32 = 10;
pub const FRESHNESS: u32 = 15;
pub const READABILITY: u32 = 10;
pub const USE: u32 = 5;

/// The criteria's codes, in the order they are shown.
pub const CRITERIA: [&str; 8] = [
    "format",
    "licence",
    "metadata",
    "dictionary",
    "validation",
    "freshness",
    "readability",
    "use",
];

/// Every key a [`Loss`] may carry (each has `quality-loss-{key}` and
/// `quality-fix-{key}` in both languages), and every remark's
/// (`quality-note-{key}`).
pub const LOSS_KEYS: [&str; 24] = [
    "no-resources",
    "format-not-structured",
    "format-proprietary",
    "licence-closed",
    "no-description",
    "short-description",
    "no-themes",
    "no-keywords",
    "no-contact",
    "no-spatial",
    "no-temporal",
    "dictionary-incomplete",
    "load-failed",
    "validation-errors",
    "no-frequency",
    "overdue",
    "overdue-long",
    "readability-no-description",
    "readability-too-short",
    "readability-very-hard",
    "readability-hard",
    "not-public",
    "unused",
    "little-use",
];
pub const NOTE_KEYS: [&str; 8] = [
    "format-stars",
    "tables-pending",
    "no-tables",
    "validation-clean",
    "no-schedule",
    "on-time",
    "readability-ok",
    "uses",
];

/// A description shorter than this (in characters) cannot say what the
/// data is, where it comes from and what it is for.
pub const SHORT_DESCRIPTION: usize = 100;
/// Downloads and API calls from which a dataset counts as used.
pub const WELL_USED: i64 = 10;

/// Scores a dataset.
pub fn assess(f: &Facts) -> Assessment {
    let (format, stars) = format(f);
    let (freshness, overdue) = freshness(f);
    let measured = readability::measure(&f.description);
    let criteria = vec![
        format,
        licence(f),
        metadata(f),
        dictionary(f),
        validation(f),
        freshness,
        readable(f, measured.as_ref()),
        usage(f),
    ];
    Assessment {
        score: criteria.iter().map(|c| c.points).sum(),
        overdue,
        stars,
        readability: measured,
        criteria,
    }
}

fn criterion(code: &str, max: u32, losses: Vec<Loss>, notes: Vec<Loss>) -> Criterion {
    let lost: u32 = losses.iter().map(|l| l.points).sum();
    Criterion {
        code: code.to_string(),
        max,
        points: max.saturating_sub(lost),
        losses,
        notes,
    }
}

/// A format's level on the five-star scale of open data: 1 on the web under
/// an open licence (a PDF, a picture), 2 structured (a spreadsheet in a
/// vendor's format), 3 structured in an open format (CSV, JSON, ODS…), 4 in
/// RDF, whose things have addresses of their own. (The fifth star, links to
/// other people's data, cannot be told from the format.)
pub fn stars_of(format: &str) -> u8 {
    match format.trim().to_ascii_uppercase().as_str() {
        "TTL" | "RDF" | "JSONLD" | "JSON-LD" | "NT" | "N3" | "NQ" | "TRIG" => 4,
        "CSV" | "TSV" | "ODS" | "JSON" | "GEOJSON" | "NDJSON" | "XML" | "KML" | "PARQUET"
        | "GPKG" | "SHP" => 3,
        "XLSX" | "XLS" | "DBF" => 2,
        _ => 1,
    }
}

fn format(f: &Facts) -> (Criterion, u8) {
    if f.resources.is_empty() {
        return (
            criterion(
                "format",
                FORMAT,
                vec![Loss::new(FORMAT, "no-resources")],
                vec![],
            ),
            0,
        );
    }
    let stars = f
        .resources
        .iter()
        .map(|r| r.format.as_deref().map_or(1, stars_of))
        .max()
        .unwrap_or(1);
    let formats = || {
        let mut names: Vec<String> = f
            .resources
            .iter()
            .map(|r| r.format.clone().unwrap_or_else(|| "?".into()))
            .collect();
        names.sort();
        names.dedup();
        names.join(", ")
    };
    let losses = match stars {
        0 | 1 => vec![Loss::new(FORMAT, "format-not-structured").arg("formats", formats())],
        2 => vec![Loss::new(FORMAT / 2, "format-proprietary").arg("formats", formats())],
        _ => vec![],
    };
    let notes = vec![Loss::new(0, "format-stars").arg("stars", i64::from(stars))];
    (criterion("format", FORMAT, losses, notes), stars)
}

fn licence(f: &Facts) -> Criterion {
    let open = Licence::by_code(&f.licence).is_some_and(|l| l.is_open);
    let losses = if open {
        vec![]
    } else {
        vec![Loss::new(LICENCE, "licence-closed").arg("licence", f.licence.as_str())]
    };
    criterion("licence", LICENCE, losses, vec![])
}

fn metadata(f: &Facts) -> Criterion {
    let mut losses = vec![];
    let description = f.description.trim().chars().count();
    if description == 0 {
        losses.push(Loss::new(8, "no-description"));
    } else if description < SHORT_DESCRIPTION {
        losses.push(
            Loss::new(2, "short-description")
                .arg("chars", description as i64)
                .arg("min", SHORT_DESCRIPTION as i64),
        );
    }
    if f.themes == 0 {
        losses.push(Loss::new(3, "no-themes"));
    }
    if f.keywords == 0 {
        losses.push(Loss::new(2, "no-keywords"));
    }
    if !f.has_contact {
        losses.push(Loss::new(3, "no-contact"));
    }
    if !f.has_spatial {
        losses.push(Loss::new(2, "no-spatial"));
    }
    if !f.has_temporal {
        losses.push(Loss::new(2, "no-temporal"));
    }
    criterion("metadata", METADATA, losses, vec![])
}

/// A loaded table of the dataset.
struct Loaded<'a> {
    name: &'a str,
    rows: i64,
    errors: i64,
    columns: i64,
    described: i64,
}

/// The tables' loads.
struct Tables<'a> {
    loaded: Vec<Loaded<'a>>,
    pending: usize,
    /// (resource name, error) of each failed load.
    failed: Vec<(&'a str, &'a str)>,
}

fn tables(f: &Facts) -> Tables<'_> {
    let mut t = Tables {
        loaded: vec![],
        pending: 0,
        failed: vec![],
    };
    for r in &f.resources {
        match &r.table {
            Some(TableFacts::Loaded {
                rows,
                errors,
                columns,
                described,
            }) => t.loaded.push(Loaded {
                name: &r.name,
                rows: *rows,
                errors: *errors,
                columns: *columns,
                described: *described,
            }),
            Some(TableFacts::Pending) => t.pending += 1,
            Some(TableFacts::Failed { error }) => t.failed.push((&r.name, error)),
            None => {}
        }
    }
    t
}

fn dictionary(f: &Facts) -> Criterion {
    let Tables {
        loaded, pending, ..
    } = tables(f);
    let columns: i64 = loaded.iter().map(|t| t.columns.max(0)).sum();
    if columns == 0 {
        let note = if pending > 0 {
            "tables-pending"
        } else {
            "no-tables"
        };
        return criterion("dictionary", DICTIONARY, vec![], vec![Loss::new(0, note)]);
    }
    let described: i64 = loaded
        .iter()
        .map(|t| t.described.clamp(0, t.columns.max(0)))
        .sum();
    // Rounded down: full points only for a complete dictionary.
    let points = u32::try_from(i64::from(DICTIONARY) * described / columns).unwrap_or(0);
    let mut lacking: Vec<&str> = loaded
        .iter()
        .filter(|t| t.described < t.columns)
        .map(|t| t.name)
        .collect();
    lacking.dedup();
    let losses = if points < DICTIONARY {
        vec![Loss::new(DICTIONARY - points, "dictionary-incomplete")
            .arg("described", described)
            .arg("columns", columns)
            .arg("resources", lacking.join(", "))]
    } else {
        vec![]
    };
    criterion("dictionary", DICTIONARY, losses, vec![])
}

fn validation(f: &Facts) -> Criterion {
    let Tables {
        loaded,
        pending,
        failed,
    } = tables(f);
    if let Some((name, error)) = failed.first() {
        let error: String = error.chars().take(200).collect();
        let loss = Loss::new(VALIDATION, "load-failed")
            .arg("resource", *name)
            .arg("error", error)
            .arg("count", failed.len() as i64);
        return criterion("validation", VALIDATION, vec![loss], vec![]);
    }
    if loaded.is_empty() {
        let note = if pending > 0 {
            "tables-pending"
        } else {
            "no-tables"
        };
        return criterion("validation", VALIDATION, vec![], vec![Loss::new(0, note)]);
    }
    let rows: i64 = loaded.iter().map(|t| t.rows.max(0)).sum();
    let errors: i64 = loaded.iter().map(|t| t.errors.max(0)).sum();
    if errors == 0 {
        let note = Loss::new(0, "validation-clean").arg("rows", rows);
        return criterion("validation", VALIDATION, vec![], vec![note]);
    }
    // Errors per hundred rows decide how much is lost.
    let lost = match errors.saturating_mul(100) / rows.max(1) {
        0 => 3,
        1..=4 => 6,
        _ => VALIDATION,
    };
    let names: Vec<&str> = loaded
        .iter()
        .filter(|t| t.errors > 0)
        .map(|t| t.name)
        .collect();
    let loss = Loss::new(lost, "validation-errors")
        .arg("errors", errors)
        .arg("rows", rows)
        .arg("resources", names.join(", "));
    criterion("validation", VALIDATION, vec![loss], vec![])
}

fn freshness(f: &Facts) -> (Criterion, bool) {
    let Some(freq) = f
        .frequency
        .as_deref()
        .and_then(Frequency::by_code)
        .filter(|q| q.code != "UNKNOWN")
    else {
        return (
            criterion(
                "freshness",
                FRESHNESS,
                vec![Loss::new(FRESHNESS, "no-frequency")],
                vec![],
            ),
            false,
        );
    };
    let Some(days) = freq.days else {
        let note = Loss::new(0, "no-schedule").arg("frequency", freq.code);
        return (criterion("freshness", FRESHNESS, vec![], vec![note]), false);
    };
    let late = f.days_since_update - i64::from(days);
    if late <= 0 {
        let note = Loss::new(0, "on-time")
            .arg("frequency", freq.code)
            .arg("days", f.days_since_update.max(0));
        return (criterion("freshness", FRESHNESS, vec![], vec![note]), false);
    }
    // Late by less than one more period costs half; later, everything.
    let (points, key) = if late <= i64::from(days) {
        (8, "overdue")
    } else {
        (FRESHNESS, "overdue-long")
    };
    let loss = Loss::new(points, key)
        .arg("frequency", freq.code)
        .arg("days", late)
        .arg("since", f.days_since_update);
    (criterion("freshness", FRESHNESS, vec![loss], vec![]), true)
}

fn readable(f: &Facts, measured: Option<&Readability>) -> Criterion {
    let rounded = |x: f64| x.round() as i64;
    let Some(r) = measured else {
        let loss = if f.description.trim().is_empty() {
            Loss::new(READABILITY, "readability-no-description")
        } else {
            let words = f.description.split_whitespace().count() as i64;
            Loss::new(READABILITY, "readability-too-short")
                .arg("words", words)
                .arg("min", readability::MIN_WORDS as i64)
        };
        return criterion("readability", READABILITY, vec![loss], vec![]);
    };
    let with_measures = |l: Loss| {
        l.arg("inflesz", rounded(r.inflesz))
            .arg("words_per_sentence", rounded(r.words_per_sentence()))
            .arg("band", r.band.code())
    };
    let losses = match r.band {
        Band::VeryHard => vec![with_measures(Loss::new(
            READABILITY,
            "readability-very-hard",
        ))],
        Band::SomewhatHard => vec![with_measures(Loss::new(
            READABILITY / 2,
            "readability-hard",
        ))],
        _ => vec![],
    };
    let notes = if losses.is_empty() {
        vec![with_measures(Loss::new(0, "readability-ok"))]
    } else {
        vec![]
    };
    criterion("readability", READABILITY, losses, notes)
}

fn usage(f: &Facts) -> Criterion {
    let uses = f.downloads.max(0) + f.api_calls.max(0);
    let losses = if !f.is_public {
        vec![Loss::new(USE, "not-public")]
    } else if uses == 0 {
        vec![Loss::new(USE, "unused")]
    } else if uses < WELL_USED {
        vec![Loss::new(2, "little-use").arg("uses", uses)]
    } else {
        vec![]
    };
    let notes = vec![Loss::new(0, "uses")
        .arg("downloads", f.downloads.max(0))
        .arg("api_calls", f.api_calls.max(0))];
    criterion("use", USE, losses, notes)
}

/// One thing to fix across a body's datasets: the points it would win back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub key: String,
    pub points: u32,
    /// (slug, title, points) of each dataset it concerns, most points first.
    pub datasets: Vec<(String, String, u32)>,
}

/// What to fix next: the losses of these datasets grouped by kind, the ones
/// that win back the most points first.
pub fn fixes<'a>(
    assessed: impl IntoIterator<Item = (&'a str, &'a str, &'a Assessment)>,
) -> Vec<Fix> {
    let mut by_key: BTreeMap<&str, Fix> = BTreeMap::new();
    for (slug, title, a) in assessed {
        for loss in a.criteria.iter().flat_map(|c| &c.losses) {
            let fix = by_key.entry(loss.key.as_str()).or_insert_with(|| Fix {
                key: loss.key.clone(),
                points: 0,
                datasets: vec![],
            });
            fix.points += loss.points;
            fix.datasets
                .push((slug.to_string(), title.to_string(), loss.points));
        }
    }
    let mut fixes: Vec<Fix> = by_key.into_values().collect();
    for f in &mut fixes {
        f.datasets
            .sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    }
    fixes.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.key.cmp(&b.key)));
    fixes
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_DESCRIPTION: &str =
        "Aquí están las obras que hizo el municipio este año. Cada fila es una obra. \
        Dice dónde está, cuánto costó y quién la hizo. Puede bajar la tabla y usarla como quiera.";

    fn good() -> Facts {
        Facts {
            title: "Obras públicas 2024".into(),
            description: GOOD_DESCRIPTION.into(),
            themes: 1,
            keywords: 3,
            licence: "cc-by-4.0".into(),
            frequency: Some("MONTHLY".into()),
            has_temporal: true,
            has_spatial: true,
            has_contact: true,
            resources: vec![ResourceFacts {
                name: "Obras".into(),
                format: Some("CSV".into()),
                table: Some(TableFacts::Loaded {
                    rows: 120,
                    errors: 0,
                    columns: 6,
                    described: 6,
                }),
            }],
            days_since_update: 10,
            downloads: 30,
            api_calls: 4,
            is_public: true,
        }
    }

    fn keys(a: &Assessment) -> Vec<&str> {
        a.losses().iter().map(|l| l.key.as_str()).collect()
    }

    /// Every point lost is explained, and no criterion goes below zero.
    fn explained(a: &Assessment) {
        for c in &a.criteria {
            for l in &c.losses {
                assert!(LOSS_KEYS.contains(&l.key.as_str()), "{} not listed", l.key);
            }
            for n in &c.notes {
                assert!(NOTE_KEYS.contains(&n.key.as_str()), "{} not listed", n.key);
            }
        }
        let max: u32 = a.criteria.iter().map(|c| c.max).sum();
        assert_eq!(max, 100);
        for c in &a.criteria {
            let lost: u32 = c.losses.iter().map(|l| l.points).sum();
            assert_eq!(c.points + lost, c.max, "{}: {c:?}", c.code);
            assert!(c.losses.iter().all(|l| l.points > 0), "{c:?}");
        }
        assert_eq!(a.score, a.criteria.iter().map(|c| c.points).sum::<u32>());
        assert_eq!(
            100 - a.score,
            a.losses().iter().map(|l| l.points).sum::<u32>()
        );
    }

    #[test]
    fn a_well_kept_dataset_scores_full_marks() {
        let a = assess(&good());
        explained(&a);
        assert_eq!(a.score, 100, "{:?}", a.losses());
        assert!(!a.overdue);
        assert_eq!(a.stars, 3);
        assert_eq!(
            a.criteria
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>(),
            CRITERIA
        );
    }

    #[test]
    fn an_empty_draft_loses_points_everywhere_and_says_why() {
        let f = Facts {
            title: "Borrador".into(),
            licence: "other-closed".into(),
            days_since_update: 0,
            ..Facts::default()
        };
        let a = assess(&f);
        explained(&a);
        assert_eq!(
            keys(&a),
            [
                "no-resources",
                "no-frequency",
                "licence-closed",
                "readability-no-description",
                "no-description",
                "not-public",
                "no-contact",
                "no-themes",
                "no-keywords",
                "no-spatial",
                "no-temporal",
            ]
        );
        // Dictionary and validation do not apply without tables.
        assert_eq!(a.score, 20);
    }

    #[test]
    fn five_stars_of_formats() {
        assert_eq!(stars_of("pdf"), 1);
        assert_eq!(stars_of("XLSX"), 2);
        assert_eq!(stars_of("csv"), 3);
        assert_eq!(stars_of("GeoJSON"), 3);
        assert_eq!(stars_of("ttl"), 4);
        let mut f = good();
        f.resources[0].format = Some("XLSX".into());
        let a = assess(&f);
        explained(&a);
        assert_eq!(a.stars, 2);
        assert_eq!(keys(&a), ["format-proprietary"]);
        f.resources[0].format = Some("PDF".into());
        f.resources[0].table = None;
        f.resources.push(ResourceFacts {
            name: "Fotos".into(),
            format: Some("JPEG".into()),
            table: None,
        });
        let a = assess(&f);
        explained(&a);
        assert_eq!(a.score, 80);
        assert_eq!(a.losses()[0].args["formats"], Arg::from("JPEG, PDF"));
        // A PDF beside a CSV costs nothing: the data is there, open.
        let mut f = good();
        f.resources.push(ResourceFacts {
            name: "Informe".into(),
            format: Some("PDF".into()),
            table: None,
        });
        assert_eq!(assess(&f).score, 100);
    }

    #[test]
    fn dictionary_points_follow_the_share_of_described_columns() {
        let mut f = good();
        f.resources[0].table = Some(TableFacts::Loaded {
            rows: 10,
            errors: 0,
            columns: 6,
            described: 3,
        });
        let a = assess(&f);
        explained(&a);
        let loss = &a.losses()[0];
        assert_eq!(loss.key, "dictionary-incomplete");
        assert_eq!(loss.points, 5);
        assert_eq!(loss.args["described"], Arg::Number(3));
        assert_eq!(loss.args["columns"], Arg::Number(6));
        assert_eq!(loss.args["resources"], Arg::from("Obras"));
        // One column missing of six still costs a point: full marks need all.
        f.resources[0].table = Some(TableFacts::Loaded {
            rows: 10,
            errors: 0,
            columns: 6,
            described: 5,
        });
        assert_eq!(assess(&f).score, 98);
    }

    #[test]
    fn validation_errors_and_failed_loads() {
        let mut f = good();
        let table = |errors| {
            Some(TableFacts::Loaded {
                rows: 1000,
                errors,
                columns: 6,
                described: 6,
            })
        };
        for (errors, lost) in [(0, 0), (5, 3), (20, 6), (60, 10)] {
            f.resources[0].table = table(errors);
            let a = assess(&f);
            explained(&a);
            assert_eq!(100 - a.score, lost, "{errors} errors");
        }
        f.resources[0].table = Some(TableFacts::Failed {
            error: "el archivo está cifrado".into(),
        });
        let a = assess(&f);
        explained(&a);
        assert_eq!(keys(&a), ["load-failed"]);
        assert_eq!(
            a.losses()[0].args["error"],
            Arg::from("el archivo está cifrado")
        );
        // A load still running costs nothing yet.
        f.resources[0].table = Some(TableFacts::Pending);
        let a = assess(&f);
        explained(&a);
        assert_eq!(a.score, 100);
    }

    #[test]
    fn freshness_against_the_declared_frequency() {
        let mut f = good();
        f.days_since_update = 31;
        assert!(!assess(&f).overdue);
        f.days_since_update = 40;
        let a = assess(&f);
        explained(&a);
        assert!(a.overdue);
        assert_eq!(keys(&a), ["overdue"]);
        assert_eq!(a.losses()[0].args["days"], Arg::Number(9));
        f.days_since_update = 400;
        let a = assess(&f);
        assert_eq!(keys(&a), ["overdue-long"]);
        assert_eq!(a.score, 85);
        f.frequency = Some("IRREG".into());
        let a = assess(&f);
        assert!(!a.overdue);
        assert_eq!(a.score, 100);
        f.frequency = None;
        assert_eq!(keys(&assess(&f)), ["no-frequency"]);
        f.frequency = Some("UNKNOWN".into());
        assert_eq!(keys(&assess(&f)), ["no-frequency"]);
    }

    #[test]
    fn readability_of_the_description() {
        let mut f = good();
        f.description =
            "El presente conjunto de datos contiene la información correspondiente a la \
                         totalidad de las intervenciones de infraestructura pública municipal \
                         ejecutadas durante el ejercicio fiscal correspondiente, incluyendo la \
                         georreferenciación y las características administrativas respectivas."
                .into();
        let a = assess(&f);
        explained(&a);
        assert_eq!(keys(&a), ["readability-very-hard"]);
        assert!(matches!(a.losses()[0].args["inflesz"], Arg::Number(n) if n < 40));
        f.description =
            "Obras del municipio con su costo, ubicación y la empresa que las hizo.".into();
        let a = assess(&f);
        explained(&a);
        assert_eq!(keys(&a), ["readability-too-short", "short-description"]);
    }

    #[test]
    fn use_counts_downloads_and_api_calls() {
        let mut f = good();
        f.downloads = 0;
        f.api_calls = 0;
        assert_eq!(keys(&assess(&f)), ["unused"]);
        f.api_calls = 3;
        assert_eq!(keys(&assess(&f)), ["little-use"]);
        f.downloads = 7;
        assert_eq!(assess(&f).score, 100);
    }

    #[test]
    fn breakdowns_survive_storage() {
        let mut f = good();
        f.resources[0].format = Some("XLSX".into());
        let a = assess(&f);
        let json = serde_json::to_string(&a).expect("serialises");
        let back: Assessment = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, a);
    }

    #[test]
    fn fixes_group_losses_and_put_the_biggest_first() {
        let mut no_licence = good();
        no_licence.licence = "other-closed".into();
        let mut neither = no_licence.clone();
        neither.keywords = 0;
        let (a, b, c) = (assess(&good()), assess(&no_licence), assess(&neither));
        let fixes = fixes([
            ("bien", "Bien", &a),
            ("sin-licencia", "Sin licencia", &b),
            ("nada", "Nada", &c),
        ]);
        assert_eq!(fixes.len(), 2);
        assert_eq!(fixes[0].key, "licence-closed");
        assert_eq!(fixes[0].points, 20);
        assert_eq!(fixes[0].datasets.len(), 2);
        assert_eq!(fixes[1].key, "no-keywords");
        assert_eq!(fixes[1].datasets, [("nada".into(), "Nada".into(), 2)]);
    }

    #[test]
    #[allow(clippy::useless_vec)] // the catalogs! macro makes the manifest's Vec
    fn every_key_has_its_messages_in_both_languages() {
        use kernel::i18n::{I18n, Locale};
        let i18n = I18n::new(&kernel::catalogs!("quality")).expect("catalogs parse");
        for locale in [Locale::Es, Locale::En] {
            for key in LOSS_KEYS {
                for prefix in ["loss", "fix"] {
                    let id = format!("quality-{prefix}-{key}");
                    assert!(i18n.has(locale, &id), "{id} in {}", locale.code());
                }
            }
            for key in NOTE_KEYS {
                let id = format!("quality-note-{key}");
                assert!(i18n.has(locale, &id), "{id} in {}", locale.code());
            }
            for band in [
                Band::VeryHard,
                Band::SomewhatHard,
                Band::Normal,
                Band::FairlyEasy,
                Band::VeryEasy,
            ] {
                let id = format!("quality-band-{}", band.code());
                assert!(i18n.has(locale, &id), "{id}");
            }
            for code in CRITERIA {
                for id in [
                    format!("quality-criterion-{code}"),
                    format!("quality-criterion-{code}-about"),
                ] {
                    assert!(i18n.has(locale, &id), "{id}");
                }
            }
        }
    }
}
