//! The rules of proactive-transparency practices, pure: what a practice must
//! say (read from the form, with Spanish-keyed errors per field), where it
//! stands (draft → submitted → evaluated, or returned to the body and
//! submitted again), the institute's rubric (criteria with weights, levels
//! and the legal source each comes from) and the score a round gives.

use std::collections::BTreeMap;

use serde::Serialize;

/// Field → i18n key of the problem.
pub type Errors = BTreeMap<&'static str, &'static str>;

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 5_000;
pub const MAX_LINKS: usize = 20;
pub const MAX_COMMENT: usize = 5_000;

/// How the body identified the demand the practice answers (work plan;
/// state law art. 70: "considerando la demanda de la sociedad").
pub const DEMAND_METHODS: [&str; 5] = [
    "solicitudes",
    "consultas",
    "peticiones-plataforma",
    "estudios",
    "otro",
];

/// What a practice says, as typed.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PracticeInput {
    pub title: String,
    pub problem: String,
    pub population: String,
    pub demand_method: String,
    pub demand_evidence: String,
    /// Documents and pages, one URL per line.
    pub links: Vec<String>,
    pub channels: String,
    pub frequency: Option<String>,
    pub indicators: String,
    /// Ids of the body's datasets it links.
    pub datasets: Vec<i64>,
}

/// Reads the form. `frequencies` are the catalog's codes; `datasets` the ids
/// the body may link. On error the parsed values come back too, to show the
/// form again as typed.
#[allow(clippy::result_large_err)]
pub fn parse(
    pairs: &[(String, String)],
    frequencies: &[&str],
    datasets: &[i64],
) -> Result<PracticeInput, (PracticeInput, Errors)> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    let mut errors = Errors::new();
    let title = get("title");
    let n = title.chars().count();
    if !(5..=MAX_TITLE).contains(&n) {
        errors.insert("title", "proactive-error-title");
    }
    let text = |name: &'static str, required: bool, errors: &mut Errors| {
        let v = get(name);
        if required && v.chars().count() < 10 {
            errors.insert(name, "proactive-error-required-text");
        } else if v.chars().count() > MAX_TEXT {
            errors.insert(name, "proactive-error-too-long");
        }
        v
    };
    let problem = text("problem", true, &mut errors);
    let population = text("population", true, &mut errors);
    let demand_evidence = text("demand_evidence", true, &mut errors);
    let channels = text("channels", false, &mut errors);
    let indicators = text("indicators", false, &mut errors);
    let demand_method = get("demand_method");
    if !DEMAND_METHODS.contains(&demand_method.as_str()) {
        errors.insert("demand_method", "proactive-error-demand-method");
    }
    let mut links: Vec<String> = vec![];
    for line in get("links")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !is_link(line) {
            errors.insert("links", "proactive-error-links");
        } else if !links.iter().any(|l| l == line) {
            links.push(line.to_string());
        }
    }
    if links.len() > MAX_LINKS {
        errors.insert("links", "proactive-error-links-many");
    }
    let frequency = Some(get("frequency").to_uppercase()).filter(|f| !f.is_empty());
    if frequency
        .as_deref()
        .is_some_and(|f| !frequencies.contains(&f))
    {
        errors.insert("frequency", "proactive-error-frequency");
    }
    let mut chosen: Vec<i64> = vec![];
    for (_, v) in pairs.iter().filter(|(k, _)| k == "datasets") {
        match v.trim().parse::<i64>() {
            Ok(id) if datasets.contains(&id) => {
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            _ => {
                errors.insert("datasets", "proactive-error-datasets");
            }
        }
    }
    if chosen.is_empty() && links.is_empty() && !errors.contains_key("links") {
        errors.insert("datasets", "proactive-error-content");
    }
    let input = PracticeInput {
        title,
        problem,
        population,
        demand_method,
        demand_evidence,
        links,
        channels,
        frequency,
        indicators,
        datasets: chosen,
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err((input, errors))
    }
}

/// An absolute http(s) link.
pub fn is_link(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    }) && s.len() <= 2_000
}

// ---------------------------------------------------------------- status

/// Where a practice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Being written by the body; only its members and the institute see it.
    Draft,
    /// Sent to the institute; public, "en evaluación".
    Submitted,
    /// Sent back with observations; the body improves it and submits again.
    Returned,
    /// Evaluated: the result is public.
    Evaluated,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Evaluated => "evaluated",
        }
    }
    pub fn from_code(s: &str) -> Status {
        match s {
            "submitted" => Status::Submitted,
            "returned" => Status::Returned,
            "evaluated" => Status::Evaluated,
            _ => Status::Draft,
        }
    }
    /// Seen by everyone (a draft is the body's own).
    pub fn is_public(self) -> bool {
        self != Status::Draft
    }
    /// The body may still change what it says.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
    pub fn may_submit(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
    pub fn may_evaluate(self) -> bool {
        self == Status::Submitted
    }
}

/// What a reviewer decides at the end of a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    /// The result is final and public.
    Publish,
    /// Back to the body with the observations, for another round.
    Return,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Publish => "publish",
            Decision::Return => "return",
        }
    }
    pub fn from_code(s: &str) -> Option<Decision> {
        match s {
            "publish" => Some(Decision::Publish),
            "return" => Some(Decision::Return),
            _ => None,
        }
    }
    pub fn status_after(self) -> Status {
        match self {
            Decision::Publish => Status::Evaluated,
            Decision::Return => Status::Returned,
        }
    }
}

// ---------------------------------------------------------------- rubric

/// One level of a criterion: its value (0 = does not meet) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    pub value: i64,
    pub label: String,
}

/// A criterion of the rubric as administrators configure it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub guidance: String,
    /// The article or guideline it comes from, so the institute can adjust
    /// it when its own rules change.
    pub legal_source: String,
    pub weight: i64,
    pub levels: Vec<Level>,
}

impl Criterion {
    pub fn max_level(&self) -> i64 {
        self.levels.iter().map(|l| l.value).max().unwrap_or(0)
    }
    pub fn level(&self, value: i64) -> Option<&Level> {
        self.levels.iter().find(|l| l.value == value)
    }
}

/// Levels as administrators type them: one per line, `value | label`.
pub fn parse_levels(text: &str) -> Result<Vec<Level>, &'static str> {
    let mut out: Vec<Level> = vec![];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (v, label) = line
            .split_once('|')
            .ok_or("proactive-error-levels-format")?;
        let value: i64 = v
            .trim()
            .parse()
            .map_err(|_| "proactive-error-levels-format")?;
        let label = label.trim();
        if !(0..=10).contains(&value) || label.is_empty() || label.chars().count() > 200 {
            return Err("proactive-error-levels-format");
        }
        if out.iter().any(|l| l.value == value) {
            return Err("proactive-error-levels-repeated");
        }
        out.push(Level {
            value,
            label: label.to_string(),
        });
    }
    out.sort_by_key(|l| l.value);
    if out.len() < 2 || out[0].value != 0 {
        return Err("proactive-error-levels-few");
    }
    Ok(out)
}

pub fn format_levels(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| format!("{} | {}", l.value, l.label))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The score of a round, 0–100: each criterion's level as a share of its
/// highest level, weighted. `None` if a criterion has no level chosen or a
/// level that does not exist.
pub fn score(criteria: &[Criterion], chosen: &BTreeMap<String, i64>) -> Option<i64> {
    let total_weight: i64 = criteria.iter().map(|c| c.weight.max(0)).sum();
    if total_weight == 0 {
        return None;
    }
    let mut acc = 0.0_f64;
    for c in criteria {
        let v = *chosen.get(&c.code)?;
        c.level(v)?;
        let max = c.max_level();
        if max > 0 {
            acc += c.weight.max(0) as f64 * v as f64 / max as f64;
        }
    }
    Some((acc * 100.0 / total_weight as f64).round() as i64)
}

/// The rubric the platform starts with: what the law asks of proactive
/// information. Administrators change it at `/admin/rubrica`.
pub fn initial_rubric() -> Vec<Criterion> {
    let three = |none: &str, part: &str, full: &str| {
        vec![
            Level {
                value: 0,
                label: none.into(),
            },
            Level {
                value: 1,
                label: part.into(),
            },
            Level {
                value: 2,
                label: full.into(),
            },
        ]
    };
    let c =
        |code: &str, title: &str, guidance: &str, source: &str, weight: i64, levels: Vec<Level>| {
            Criterion {
                code: code.into(),
                title: title.into(),
                guidance: guidance.into(),
                legal_source: source.into(),
                weight,
                levels,
            }
        };
    vec![
        c(
            "conocimiento-util",
            "Genera conocimiento público útil",
            "La información sirve para algo concreto: reduce asimetrías de información, mejora el acceso a trámites y servicios u orienta decisiones de la población o del gobierno. Explique cuál de estos fines cumple y cómo.",
            "Ley General de Transparencia y Acceso a la Información Pública, art. 56; Ley de Transparencia y Acceso a la Información Pública del Estado de México y Municipios, art. 70.",
            3,
            three("No se advierte utilidad pública", "Utilidad general, sin fin concreto", "Fin concreto y demostrable"),
        ),
        c(
            "objeto-claro",
            "Objeto claro, enfocado en sectores determinados",
            "La práctica dice qué problema público atiende y a qué población está dirigida.",
            "Ley General de Transparencia, art. 56; Lineamientos para determinar los catálogos y publicación de información de interés público y para la emisión y evaluación de políticas de transparencia proactiva (SNT).",
            2,
            three("Sin objeto ni población definidos", "Objeto o población poco precisos", "Objeto y población precisos"),
        ),
        c(
            "demanda-identificada",
            "La demanda se identificó con un método",
            "Se explica cómo se supo que la sociedad necesita esta información (solicitudes de acceso frecuentes, consultas, peticiones ciudadanas) y se aporta evidencia.",
            "Ley de Transparencia del Estado de México, art. 70 («considerando la demanda de la sociedad»); Plan de trabajo de la Comisión, objetivo particular 6.",
            3,
            three("Sin método ni evidencia", "Método sin evidencia suficiente", "Método y evidencia verificables"),
        ),
        c(
            "medios-y-formatos",
            "Medios y formatos adecuados a su público, que favorecen la reutilización",
            "Se difunde por los medios que usa su público y en formatos abiertos (datos abiertos, CSV, no sólo PDF), con licencia que permite reutilizar.",
            "Ley General de Transparencia, arts. 56 y 57; Ley General de Transparencia, art. 3, fr. VI (datos abiertos).",
            2,
            three("Sólo formatos cerrados o un solo medio", "Algún formato abierto o varios medios", "Datos abiertos y medios pensados para su público"),
        ),
        c(
            "accesible",
            "Accesible y en lenguaje sencillo",
            "Cualquier persona la encuentra y entiende: lenguaje sencillo, sin tecnicismos innecesarios, accesible en teléfonos y con lectores de pantalla.",
            "Plan de trabajo de la Comisión: principios de la información proactiva (accesible, en lenguaje sencillo); Ley General de Transparencia, art. 13.",
            2,
            three("Difícil de encontrar o de entender", "Comprensible con esfuerzo", "Clara y accesible para todas las personas"),
        ),
        c(
            "confiable-verificable",
            "Confiable, verificable y veraz",
            "Dice de dónde viene la información, quién la produce y cómo comprobarla; los datos coinciden con sus fuentes.",
            "Plan de trabajo de la Comisión: principios (confiable, verificable, veraz); Ley General de Transparencia, art. 13.",
            2,
            three("Sin fuente ni forma de comprobarla", "Fuente indicada, difícil de verificar", "Fuente y método verificables"),
        ),
        c(
            "oportuna",
            "Oportuna y actualizada",
            "Se publica a tiempo para ser útil y se actualiza con la periodicidad que declara.",
            "Plan de trabajo de la Comisión: principios (oportuna); Ley General de Transparencia, art. 13.",
            1,
            three("Desactualizada", "Actualización irregular", "Al día con su periodicidad"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn good() -> Vec<(String, String)> {
        pairs(&[
            ("title", "Mapa de pipas de agua"),
            (
                "problem",
                "Las colonias sin red no saben cuándo llega la pipa.",
            ),
            (
                "population",
                "Habitantes de colonias sin red de agua potable.",
            ),
            ("demand_method", "solicitudes"),
            (
                "demand_evidence",
                "42 solicitudes de acceso en 2025 preguntan por las rutas.",
            ),
            (
                "links",
                "https://zacazonapan.gob.mx/pipas\n\nhttps://zacazonapan.gob.mx/pipas",
            ),
            ("frequency", "monthly"),
            ("datasets", "7"),
        ])
    }

    #[test]
    fn a_complete_practice_reads_cleanly() {
        let p = parse(&good(), &["MONTHLY"], &[7, 8]).unwrap();
        assert_eq!(
            p.links,
            ["https://zacazonapan.gob.mx/pipas"],
            "repeated links once"
        );
        assert_eq!(p.frequency.as_deref(), Some("MONTHLY"));
        assert_eq!(p.datasets, [7]);
    }

    #[test]
    fn each_problem_is_named_by_field() {
        let (_, e) = parse(
            &pairs(&[
                ("title", "x"),
                ("demand_method", "adivinanza"),
                ("links", "javascript:alert(1)"),
                ("datasets", "99"),
                ("frequency", "cada rato"),
            ]),
            &["MONTHLY"],
            &[7],
        )
        .unwrap_err();
        for f in [
            "title",
            "problem",
            "population",
            "demand_method",
            "demand_evidence",
            "links",
            "datasets",
            "frequency",
        ] {
            assert!(e.contains_key(f), "{f}: {e:?}");
        }
        // A practice needs some content: a dataset or a link.
        let mut p = good();
        p.retain(|(k, _)| k != "links" && k != "datasets");
        let (_, e) = parse(&p, &["MONTHLY"], &[7]).unwrap_err();
        assert_eq!(e.get("datasets"), Some(&"proactive-error-content"));
    }

    #[test]
    fn only_drafts_and_returned_practices_are_edited_and_submitted() {
        assert!(Status::Draft.may_submit() && Status::Returned.may_submit());
        assert!(!Status::Submitted.may_submit() && !Status::Evaluated.may_submit());
        assert!(Status::Submitted.may_evaluate());
        assert!(!Status::Draft.may_evaluate() && !Status::Evaluated.may_evaluate());
        assert!(!Status::Draft.is_public() && Status::Returned.is_public());
        assert_eq!(Decision::Return.status_after(), Status::Returned);
        assert_eq!(Decision::from_code("publish"), Some(Decision::Publish));
        assert_eq!(Decision::from_code("x"), None);
    }

    #[test]
    fn levels_are_typed_one_per_line() {
        let l = parse_levels("2 | Cumple\n0|No cumple\n 1 | Parcial ").unwrap();
        assert_eq!(l.iter().map(|l| l.value).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(format_levels(&l), "0 | No cumple\n1 | Parcial\n2 | Cumple");
        assert_eq!(
            parse_levels("1 | Sólo uno"),
            Err("proactive-error-levels-few")
        );
        assert_eq!(
            parse_levels("0 | a\n0 | b"),
            Err("proactive-error-levels-repeated")
        );
        assert_eq!(
            parse_levels("cero | a\n1 | b"),
            Err("proactive-error-levels-format")
        );
        assert_eq!(
            parse_levels("1 | a\n2 | b"),
            Err("proactive-error-levels-few")
        );
    }

    #[test]
    fn the_score_weighs_each_criterion() {
        let r = initial_rubric();
        let all =
            |v: i64| -> BTreeMap<String, i64> { r.iter().map(|c| (c.code.clone(), v)).collect() };
        assert_eq!(score(&r, &all(2)), Some(100));
        assert_eq!(score(&r, &all(0)), Some(0));
        assert_eq!(score(&r, &all(1)), Some(50));
        let mut some = all(2);
        some.insert("conocimiento-util".into(), 0);
        // 3 of 15 weight points lost.
        assert_eq!(score(&r, &some), Some(80));
        some.remove("oportuna");
        assert_eq!(score(&r, &some), None, "every criterion needs a level");
        let mut bad = all(2);
        bad.insert("oportuna".into(), 7);
        assert_eq!(score(&r, &bad), None, "a level that does not exist");
    }

    #[test]
    fn the_initial_rubric_cites_its_sources() {
        let r = initial_rubric();
        assert!(r.len() >= 7);
        for c in &r {
            assert!(!c.legal_source.is_empty(), "{}", c.code);
            assert!(c.weight > 0);
            assert_eq!(parse_levels(&format_levels(&c.levels)).unwrap(), c.levels);
        }
    }
}
