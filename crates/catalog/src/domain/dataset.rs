//! Dataset metadata as people type it: parsing and validation into
//! [`Metadata`], with Spanish-keyed errors per field. Pure: the vocabularies
//! and municipalities it checks against are passed in.

use std::collections::BTreeMap;

use crate::store::Metadata;

/// Field → i18n key of the problem.
pub type Errors = BTreeMap<&'static str, &'static str>;

/// What may be chosen.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    pub themes: &'a [&'a str],
    pub licences: &'a [&'a str],
    pub frequencies: &'a [&'a str],
    /// INEGI keys of the municipalities.
    pub municipalities: &'a [String],
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 20_000;
pub const MAX_KEYWORDS: usize = 20;
pub const MAX_KEYWORD: usize = 60;

/// The form's fields: pairs as sent (`themes` may repeat). On error, the
/// parsed values come back with the errors so the form shows what was typed.
#[allow(clippy::result_large_err)]
pub fn parse(
    pairs: &[(String, String)],
    known: &Known<'_>,
) -> Result<Metadata, (Metadata, Errors)> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
    let mut errors = Errors::new();

    let title = get("title");
    if title.chars().count() < 3 || title.chars().count() > MAX_TITLE {
        errors.insert("title", "catalog-error-title");
    }
    let description = get("description");
    if description.chars().count() > MAX_DESCRIPTION {
        errors.insert("description", "catalog-error-description");
    }
    let mut themes: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "themes")
        .map(|(_, v)| v.trim().to_uppercase())
        .filter(|v| !v.is_empty())
        .collect();
    themes.dedup();
    if themes.iter().any(|t| !known.themes.contains(&t.as_str())) {
        errors.insert("themes", "catalog-error-themes");
    }
    let mut keywords: Vec<String> = Vec::new();
    for k in get("keywords").split([',', ';', '\n']) {
        let k = k.trim().to_lowercase();
        if !k.is_empty() && !keywords.contains(&k) {
            keywords.push(k);
        }
    }
    if keywords.len() > MAX_KEYWORDS || keywords.iter().any(|k| k.chars().count() > MAX_KEYWORD) {
        errors.insert("keywords", "catalog-error-keywords");
    }
    let licence = Some(get("licence"))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "cc-by-4.0".into());
    if !known.licences.contains(&licence.as_str()) {
        errors.insert("licence", "catalog-error-licence");
    }
    let frequency = opt("frequency").map(|f| f.to_uppercase());
    if frequency
        .as_deref()
        .is_some_and(|f| !known.frequencies.contains(&f))
    {
        errors.insert("frequency", "catalog-error-frequency");
    }
    let temporal_start = opt("temporal_start");
    let temporal_end = opt("temporal_end");
    for (field, value) in [
        ("temporal_start", &temporal_start),
        ("temporal_end", &temporal_end),
    ] {
        if value.as_deref().is_some_and(|v| !is_date(v)) {
            errors.insert(field, "catalog-error-date");
        }
    }
    if let (Some(a), Some(b)) = (&temporal_start, &temporal_end) {
        if is_date(a) && is_date(b) && a > b {
            errors.insert("temporal_end", "catalog-error-date-order");
        }
    }
    let spatial = opt("spatial");
    if spatial
        .as_deref()
        .is_some_and(|s| s != "estado" && !known.municipalities.iter().any(|m| m == s))
    {
        errors.insert("spatial", "catalog-error-spatial");
    }
    let contact_email = opt("contact_email");
    if contact_email
        .as_deref()
        .is_some_and(|e| !looks_like_email(e))
    {
        errors.insert("contact_email", "catalog-error-email");
    }
    let contact_name = opt("contact_name");
    if contact_name
        .as_deref()
        .is_some_and(|n| n.chars().count() > 200)
    {
        errors.insert("contact_name", "catalog-error-too-long");
    }
    let language = Some(get("language"))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "es".into());
    if !matches!(language.as_str(), "es" | "en") {
        errors.insert("language", "catalog-error-language");
    }
    let version_notes = opt("version_notes");
    if version_notes
        .as_deref()
        .is_some_and(|n| n.chars().count() > 2000)
    {
        errors.insert("version_notes", "catalog-error-too-long");
    }
    // The texts of a dataset are public the moment it is: personal
    // identifiers in them are refused here, before anything is stored.
    for (field, text) in [
        ("title", title.as_str()),
        ("description", description.as_str()),
        ("keywords", &keywords.join(" ")),
        (
            "version_notes",
            version_notes.as_deref().unwrap_or_default(),
        ),
    ] {
        if !errors.contains_key(field) && has_personal_identifier(text) {
            errors.insert(field, "catalog-error-personal-data");
        }
    }
    let meta = Metadata {
        title,
        description,
        themes,
        keywords,
        licence,
        frequency,
        temporal_start,
        temporal_end,
        spatial,
        contact_name,
        contact_email,
        language,
        version_notes,
    };
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err((meta, errors))
    }
}

/// Whether a text carries an identifier of a person: a CURP, the RFC of a
/// natural person, a voter key, a CLABE or a card number. E-mail addresses
/// and telephone numbers are not refused in metadata: there they are, almost
/// always, an office's public contact (the contact fields exist for it).
pub fn has_personal_identifier(text: &str) -> bool {
    use privacy::Kind;
    privacy::scan_text(text).iter().any(|f| {
        matches!(
            f.kind,
            Kind::Curp | Kind::RfcPersona | Kind::IneKey | Kind::Clabe | Kind::Card
        )
    })
}

/// `yyyy-mm-dd`, a real calendar date.
pub fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && s.len() <= 254
}

/// A URL slug for a new dataset from its title, unique against `taken`.
pub fn slug_for(title: &str, taken: impl Fn(&str) -> bool) -> String {
    let base: String = kernel::text::slugify(title).chars().take(80).collect();
    let base = if base.is_empty() {
        "conjunto-de-datos".to_string()
    } else {
        base
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    #[test]
    fn personal_identifiers_in_the_texts_are_refused_contacts_are_not() {
        let m: Vec<String> = vec![];
        let curp = format!(
            "GOMC850101HDFRRR0{}",
            privacy::check::curp_check_digit("GOMC850101HDFRRR0").unwrap()
        );
        let (_, errors) = parse(
            &pairs(&[
                ("title", "Beneficiarios"),
                (
                    "description",
                    &format!("Por ejemplo, el beneficiario {curp} recibió 1,500 pesos."),
                ),
            ]),
            &known(&m),
        )
        .unwrap_err();
        assert_eq!(
            errors.get("description"),
            Some(&"catalog-error-personal-data")
        );
        assert!(!errors.contains_key("title"));
        let (_, errors) =
            parse(&pairs(&[("title", &format!("Padrón {curp}"))]), &known(&m)).unwrap_err();
        assert_eq!(errors.get("title"), Some(&"catalog-error-personal-data"));
        // An office's e-mail and telephone are its public contact.
        let ok = parse(
            &pairs(&[
                ("title", "Obras públicas"),
                ("description", "Dudas: transparencia@zacazonapan.gob.mx o 722 123 4567. RFC del municipio: MZA850101AB1."),
            ]),
            &known(&m),
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    use super::*;

    fn known_munis() -> Vec<String> {
        vec!["15106".into(), "15116".into()]
    }

    fn known(m: &[String]) -> Known<'_> {
        Known {
            themes: &["ECON", "GOVE", "HEAL"],
            licences: &["cc-by-4.0", "terminos-libre-uso-mx"],
            frequencies: &["ANNUAL", "MONTHLY"],
            municipalities: m,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_complete_form_parses() {
        let m = known_munis();
        let meta = parse(
            &pairs(&[
                ("title", "  Presupuesto de egresos 2024 "),
                ("description", "Montos **aprobados** y ejercidos."),
                ("themes", "econ"),
                ("themes", "GOVE"),
                (
                    "keywords",
                    "Presupuesto, gasto público; presupuesto\negresos",
                ),
                ("licence", "terminos-libre-uso-mx"),
                ("frequency", "annual"),
                ("temporal_start", "2024-01-01"),
                ("temporal_end", "2024-12-31"),
                ("spatial", "15116"),
                ("contact_email", "transparencia@zacazonapan.gob.mx"),
            ]),
            &known(&m),
        )
        .unwrap();
        assert_eq!(meta.title, "Presupuesto de egresos 2024");
        assert_eq!(meta.themes, ["ECON", "GOVE"]);
        assert_eq!(meta.keywords, ["presupuesto", "gasto público", "egresos"]);
        assert_eq!(meta.frequency.as_deref(), Some("ANNUAL"));
        assert_eq!(meta.language, "es");
    }

    #[test]
    fn defaults_for_a_minimal_form() {
        let m = known_munis();
        let meta = parse(&pairs(&[("title", "Padrón")]), &known(&m)).unwrap();
        assert_eq!(meta.licence, "cc-by-4.0");
        assert!(meta.themes.is_empty() && meta.keywords.is_empty());
    }

    #[test]
    fn every_problem_is_reported_beside_its_field() {
        let m = known_munis();
        let (_, errors) = parse(
            &pairs(&[
                ("title", "ab"),
                ("themes", "XXXX"),
                ("licence", "propietaria"),
                ("frequency", "A VECES"),
                ("temporal_start", "2024-02-30"),
                ("temporal_end", "31/12/2024"),
                ("spatial", "99999"),
                ("contact_email", "no-es-correo"),
                ("language", "fr"),
                ("keywords", &"x".repeat(61)),
            ]),
            &known(&m),
        )
        .unwrap_err();
        for field in [
            "title",
            "themes",
            "licence",
            "frequency",
            "temporal_start",
            "temporal_end",
            "spatial",
            "contact_email",
            "language",
            "keywords",
        ] {
            assert!(errors.contains_key(field), "{field}");
        }
        let (_, errors) = parse(
            &pairs(&[
                ("title", "Datos"),
                ("temporal_start", "2024-12-31"),
                ("temporal_end", "2024-01-01"),
            ]),
            &known(&m),
        )
        .unwrap_err();
        assert_eq!(
            errors.get("temporal_end"),
            Some(&"catalog-error-date-order")
        );
    }

    #[test]
    fn slugs_are_unique() {
        let taken = [
            "presupuesto-2024".to_string(),
            "presupuesto-2024-2".to_string(),
        ];
        assert_eq!(
            slug_for("Presupuesto 2024", |s| taken.iter().any(|t| t == s)),
            "presupuesto-2024-3"
        );
        assert_eq!(slug_for("¿¿??", |_| false), "conjunto-de-datos");
        assert_eq!(slug_for("Año de Niñez", |_| false), "ano-de-ninez");
    }
}
