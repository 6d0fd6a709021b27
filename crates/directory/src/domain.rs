//! Pure rules of the directory: municipalities, their listing (filter and
//! sort), the kinds of public bodies, the checks of a body's form and logo,
//! and the seed file's parser.

use kernel::text::{fold, spanish_sort_key};
use serde::Serialize;

/// A municipality of the Estado de México (INEGI keys, 2020 census).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    /// Five-digit INEGI key, e.g. `15106`.
    pub cvegeo: String,
    pub cve_ent: String,
    /// Three-digit municipal key, e.g. `106`.
    pub cve_mun: String,
    pub name: String,
    /// Municipal seat (cabecera).
    pub seat: String,
    pub population_2020: i64,
    pub slug: String,
}

impl Municipality {
    /// Fewer inhabitants than `threshold` (the work plan's 70,000).
    pub fn is_small(&self, threshold: i64) -> bool {
        self.population_2020 < threshold
    }
}

/// Column to sort the listing by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum SortKey {
    #[default]
    Key,
    Name,
    Seat,
    Population,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<SortKey> {
        match s {
            "clave" => Some(SortKey::Key),
            "nombre" => Some(SortKey::Name),
            "cabecera" => Some(SortKey::Seat),
            "poblacion" => Some(SortKey::Population),
            _ => None,
        }
    }
    pub fn param(self) -> &'static str {
        match self {
            SortKey::Key => "clave",
            SortKey::Name => "nombre",
            SortKey::Seat => "cabecera",
            SortKey::Population => "poblacion",
        }
    }
}

/// What the person asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub sort: SortKey,
    pub descending: bool,
    pub only_small: bool,
    /// Part of the name or seat, accents and case ignored.
    pub text: Option<String>,
}

/// The listing and its counts.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub items: Vec<Municipality>,
    /// All municipalities.
    pub total: usize,
    /// Municipalities under the threshold, of all.
    pub small_total: usize,
}

/// Filters and sorts. Unknown or missing choices fall back to the defaults.
pub fn list(all: &[Municipality], q: &ListQuery, threshold: i64) -> Listing {
    let needle = q
        .text
        .as_deref()
        .map(|t| fold(t.trim()))
        .filter(|t| !t.is_empty());
    let mut items: Vec<Municipality> = all
        .iter()
        .filter(|m| !q.only_small || m.is_small(threshold))
        .filter(|m| match &needle {
            None => true,
            Some(n) => {
                fold(&m.name).contains(n) || fold(&m.seat).contains(n) || m.cvegeo.contains(n)
            }
        })
        .cloned()
        .collect();
    match q.sort {
        SortKey::Key => items.sort_by(|a, b| a.cvegeo.cmp(&b.cvegeo)),
        SortKey::Name => items.sort_by_cached_key(|m| spanish_sort_key(&m.name)),
        SortKey::Seat => items.sort_by_cached_key(|m| spanish_sort_key(&m.seat)),
        SortKey::Population => items.sort_by(|a, b| {
            a.population_2020
                .cmp(&b.population_2020)
                .then(a.cvegeo.cmp(&b.cvegeo))
        }),
    }
    if q.descending {
        items.reverse();
    }
    Listing {
        items,
        total: all.len(),
        small_total: all.iter().filter(|m| m.is_small(threshold)).count(),
    }
}

/// Kinds of public bodies (sujetos obligados) under the transparency laws.
/// Their names are in the i18n catalog as `body-kind-<code>`.
pub const BODY_KINDS: [&str; 12] = [
    "poder-ejecutivo",
    "poder-legislativo",
    "poder-judicial",
    "ayuntamiento",
    "organismo-municipal",
    "organo-autonomo",
    "tribunal-administrativo",
    "universidad-publica",
    "partido-politico",
    "sindicato",
    "fideicomiso-fondo-publico",
    "persona-recursos-publicos",
];

/// Kinds of body that belong to one municipality and must name it.
pub const MUNICIPAL_KINDS: [&str; 2] = ["ayuntamiento", "organismo-municipal"];

/// Does a body of this kind have to name its municipality?
pub fn kind_needs_municipality(kind: &str) -> bool {
    MUNICIPAL_KINDS.contains(&kind)
}

/// Is the body hosted on the platform unless the administrator says otherwise?
/// Yes for the municipalities under the threshold (the work plan's 70,000).
pub fn hosted_by_default(population_2020: i64, threshold: i64) -> bool {
    population_2020 < threshold
}

/// Longest name of a body, in characters.
pub const NAME_MAX: usize = 200;
/// Longest slug, in characters (longer ones are cut at a word).
pub const SLUG_MAX: usize = 100;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 2000;
/// Longest contact name, in characters.
pub const CONTACT_NAME_MAX: usize = 200;
/// Longest telephone, in characters.
pub const PHONE_MAX: usize = 30;
/// Fewest digits a telephone may have.
pub const PHONE_MIN_DIGITS: usize = 7;
/// Longest website address, in characters.
pub const WEBSITE_MAX: usize = 500;
/// Largest logo, in bytes (1 MiB).
pub const LOGO_MAX_BYTES: usize = 1024 * 1024;

/// What an administrator typed in the form of a body, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BodyInput {
    pub name: String,
    /// Only on creation; empty means "from the name".
    pub slug: String,
    pub kind: String,
    /// INEGI key of the municipality, or empty.
    pub municipality: String,
    pub hosted: bool,
    pub description: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
}

/// A body that passed validation: what gets stored (the logo apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyData {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub municipality: Option<String>,
    pub hosted: bool,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
}

/// Refused fields, in the order of the form: `(field, i18n key of the message)`.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// The slug of a body from its name: [`kernel::text::slugify`], cut at a word
/// if longer than [`SLUG_MAX`].
pub fn body_slug(name: &str) -> String {
    let slug = kernel::text::slugify(name);
    if slug.chars().count() <= SLUG_MAX {
        return slug;
    }
    let cut: String = slug.chars().take(SLUG_MAX).collect();
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut,
    }
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A plausible e-mail address: one `@`, a local part of at most 64 bytes, a
/// domain with a dot and no empty labels, no spaces, at most 254 bytes.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// A telephone as people write it: digits, spaces, `+`, `-` and parentheses,
/// at most [`PHONE_MAX`] characters and at least [`PHONE_MIN_DIGITS`] digits.
pub fn is_valid_phone(s: &str) -> bool {
    s.chars().count() <= PHONE_MAX
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        && s.chars().filter(char::is_ascii_digit).count() >= PHONE_MIN_DIGITS
}

/// The `tel:` form of a valid telephone: its digits and a leading `+`.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

/// An absolute `http` or `https` address with a host, at most [`WEBSITE_MAX`]
/// characters.
pub fn is_valid_website(s: &str) -> bool {
    s.chars().count() <= WEBSITE_MAX
        && !s.chars().any(char::is_whitespace)
        && url::Url::parse(s).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && u.username().is_empty()
                && u.password().is_none()
        })
}

/// Checks what an administrator typed. `municipalities` are the valid INEGI
/// keys; `fixed_slug` is the body's slug when editing (slugs never change),
/// `None` when creating (then the slug comes from the typed slug or the name).
/// Whether the slug is free is for the caller to check against the database.
pub fn validate_body(
    input: &BodyInput,
    municipalities: &[&str],
    fixed_slug: Option<&str>,
) -> Result<BodyData, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(("name", "body-error-name-required"));
    } else if name.chars().count() > NAME_MAX {
        errors.push(("name", "body-error-name-too-long"));
    }
    let slug = match fixed_slug {
        Some(s) => s.to_string(),
        None if input.slug.trim().is_empty() => {
            let s = body_slug(name);
            if s.is_empty() && !name.is_empty() && name.chars().count() <= NAME_MAX {
                errors.push(("name", "body-error-name-no-letters"));
            }
            s
        }
        None => {
            let s = body_slug(input.slug.trim());
            if s.is_empty() {
                errors.push(("slug", "body-error-slug-invalid"));
            }
            s
        }
    };
    let kind = input.kind.trim();
    if !BODY_KINDS.contains(&kind) {
        errors.push(("kind", "body-error-kind"));
    }
    let municipality = optional(&input.municipality);
    match &municipality {
        Some(m) if !municipalities.contains(&m.as_str()) => {
            errors.push(("municipality", "body-error-municipality-unknown"));
        }
        None if kind_needs_municipality(kind) => {
            errors.push(("municipality", "body-error-municipality-required"));
        }
        _ => {}
    }
    let description = optional(&input.description.replace("\r\n", "\n"));
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
    {
        errors.push(("description", "body-error-description-too-long"));
    }
    let contact_name = optional(&input.contact_name);
    if contact_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > CONTACT_NAME_MAX)
    {
        errors.push(("contact_name", "body-error-contact-name-too-long"));
    }
    let contact_email = optional(&input.contact_email).map(|e| e.to_lowercase());
    if contact_email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        errors.push(("contact_email", "body-error-email"));
    }
    let contact_phone = optional(&input.contact_phone);
    if contact_phone.as_deref().is_some_and(|p| !is_valid_phone(p)) {
        errors.push(("contact_phone", "body-error-phone"));
    }
    let website = optional(&input.website);
    if website.as_deref().is_some_and(|w| !is_valid_website(w)) {
        errors.push(("website", "body-error-website"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BodyData {
        slug,
        name: name.to_string(),
        kind: kind.to_string(),
        municipality,
        hosted: input.hosted,
        description,
        contact_name,
        contact_email,
        contact_phone,
        website,
    })
}

/// Image formats a logo may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
        }
    }
}

/// The format of an image by its first bytes (never by its file name).
pub fn sniff_image(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else {
        None
    }
}

/// Checks an uploaded logo: PNG or JPEG by its magic bytes, at most
/// [`LOGO_MAX_BYTES`]. SVG is refused on purpose (it can carry script). The
/// error is the i18n key of the message.
pub fn check_logo(bytes: &[u8]) -> Result<ImageKind, &'static str> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err("body-error-logo-too-large");
    }
    if let Some(kind) = sniff_image(bytes) {
        return Ok(kind);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    if head.contains("<svg") {
        Err("body-error-logo-svg")
    } else {
        Err("body-error-logo-type")
    }
}

/// A description as paragraphs (split at blank lines; single line breaks kept
/// as spaces).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Parses the municipalities CSV (`cve_ent,cve_mun,cvegeo,nombre,cabecera,poblacion_2020`).
pub fn parse_municipalities(csv_text: &str) -> Result<Vec<Municipality>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let mut out = vec![];
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| format!("fila {}: {e}", i + 2))?;
        let field = |n: usize| r.get(n).map(str::trim).unwrap_or_default().to_string();
        let population: i64 = field(5)
            .parse()
            .map_err(|_| format!("fila {}: población no numérica", i + 2))?;
        let cvegeo = field(2);
        if cvegeo.len() != 5 || !cvegeo.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("fila {}: clave INEGI no válida «{cvegeo}»", i + 2));
        }
        let name = field(3);
        out.push(Municipality {
            slug: kernel::text::slugify(&name),
            cvegeo,
            cve_ent: field(0),
            cve_mun: field(1),
            seat: field(4),
            population_2020: population,
            name,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<Municipality> {
        parse_municipalities(crate::MUNICIPALITIES_CSV).unwrap()
    }

    #[test]
    fn seed_has_125_with_80_small() {
        let all = seed();
        assert_eq!(all.len(), 125);
        assert_eq!(all.iter().filter(|m| m.is_small(70_000)).count(), 80);
        assert_eq!(
            all.iter().map(|m| m.population_2020).sum::<i64>(),
            16_992_418
        );
        let slugs: std::collections::HashSet<_> = all.iter().map(|m| &m.slug).collect();
        assert_eq!(slugs.len(), 125, "slugs are unique");
        let toluca = all.iter().find(|m| m.cvegeo == "15106").unwrap();
        assert_eq!(toluca.name, "Toluca");
        assert_eq!(toluca.population_2020, 910_608);
        assert_eq!(toluca.cve_mun, "106", "leading zeros kept");
    }

    #[test]
    fn filter_sort_and_search() {
        let all = seed();
        let small = list(
            &all,
            &ListQuery {
                only_small: true,
                ..Default::default()
            },
            70_000,
        );
        assert_eq!(small.items.len(), 80);
        assert_eq!(small.total, 125);
        assert_eq!(small.small_total, 80);
        let by_pop = list(
            &all,
            &ListQuery {
                sort: SortKey::Population,
                descending: true,
                ..Default::default()
            },
            70_000,
        );
        assert_eq!(by_pop.items[0].name, "Ecatepec de Morelos");
        assert_eq!(by_pop.items[124].name, "Papalotla");
        let by_name = list(
            &all,
            &ListQuery {
                sort: SortKey::Name,
                ..Default::default()
            },
            70_000,
        );
        assert_eq!(by_name.items[0].name, "Acambay de Ruíz Castañeda");
        let found = list(
            &all,
            &ListQuery {
                text: Some("nezahualcoyotl".into()),
                ..Default::default()
            },
            70_000,
        );
        // The municipality, and Acolman, whose seat is Acolman de Nezahualcóyotl.
        let names: Vec<&str> = found.items.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Acolman", "Nezahualcóyotl"]);
        // A different threshold (it is configurable).
        let tiny = list(
            &all,
            &ListQuery {
                only_small: true,
                ..Default::default()
            },
            10_000,
        );
        assert!(tiny.items.iter().all(|m| m.population_2020 < 10_000));
        assert_eq!(tiny.small_total, tiny.items.len());
    }

    #[test]
    fn bad_seed_rows_are_reported() {
        let err = parse_municipalities("a,b,c,d,e,f\n15,001,XX,Nombre,Cab,10\n").unwrap_err();
        assert!(err.contains("fila 2"));
        let err =
            parse_municipalities("a,b,c,d,e,f\n15,001,15001,Nombre,Cab,muchos\n").unwrap_err();
        assert!(err.contains("población"));
    }

    fn valid_input() -> BodyInput {
        BodyInput {
            name: "  Ayuntamiento de Ixtapan de la Sal ".into(),
            kind: "ayuntamiento".into(),
            municipality: "15040".into(),
            hosted: true,
            description: "Gobierno municipal.\r\n\r\nSegundo párrafo.".into(),
            contact_name: "Ana López".into(),
            contact_email: "Transparencia@Ixtapan.gob.mx".into(),
            contact_phone: "+52 (721) 143-0000".into(),
            website: "https://ixtapandelasal.gob.mx/".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_body_is_trimmed_and_gets_its_slug_from_the_name() {
        let data = validate_body(&valid_input(), &["15040"], None).unwrap();
        assert_eq!(data.name, "Ayuntamiento de Ixtapan de la Sal");
        assert_eq!(data.slug, "ayuntamiento-de-ixtapan-de-la-sal");
        assert_eq!(data.municipality.as_deref(), Some("15040"));
        assert_eq!(
            data.contact_email.as_deref(),
            Some("transparencia@ixtapan.gob.mx")
        );
        assert_eq!(
            data.description.as_deref(),
            Some("Gobierno municipal.\n\nSegundo párrafo.")
        );
        assert!(data.hosted);
        // Editing keeps the slug whatever the name becomes.
        let mut renamed = valid_input();
        renamed.name = "Otro nombre".into();
        renamed.slug = "ignorado".into();
        let data = validate_body(&renamed, &["15040"], Some("original")).unwrap();
        assert_eq!(data.slug, "original");
        // A typed slug is normalised.
        let mut typed = valid_input();
        typed.slug = "Ixtapan Sal".into();
        assert_eq!(
            validate_body(&typed, &["15040"], None).unwrap().slug,
            "ixtapan-sal"
        );
        // Optional fields may be empty; non-municipal kinds need no municipality.
        let minimal = BodyInput {
            name: "Secretaría de Salud".into(),
            kind: "poder-ejecutivo".into(),
            ..Default::default()
        };
        let data = validate_body(&minimal, &[], None).unwrap();
        assert_eq!(data.municipality, None);
        assert_eq!(data.website, None);
        assert_eq!(data.contact_email, None);
    }

    #[test]
    fn every_field_has_its_error() {
        let bad = BodyInput {
            name: "x".repeat(NAME_MAX + 1),
            kind: "ayuntamiento".into(),
            municipality: String::new(),
            description: "d".repeat(DESCRIPTION_MAX + 1),
            contact_name: "n".repeat(CONTACT_NAME_MAX + 1),
            contact_email: "no es correo".into(),
            contact_phone: "722-ABC".into(),
            website: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let errors = validate_body(&bad, &["15040"], None).unwrap_err();
        assert_eq!(
            errors,
            [
                ("name", "body-error-name-too-long"),
                ("municipality", "body-error-municipality-required"),
                ("description", "body-error-description-too-long"),
                ("contact_name", "body-error-contact-name-too-long"),
                ("contact_email", "body-error-email"),
                ("contact_phone", "body-error-phone"),
                ("website", "body-error-website"),
            ]
        );
        let empty = validate_body(&BodyInput::default(), &[], None).unwrap_err();
        assert_eq!(
            empty,
            [
                ("name", "body-error-name-required"),
                ("kind", "body-error-kind")
            ]
        );
        let odd = BodyInput {
            name: "¡¿?!".into(),
            kind: "sindicato".into(),
            municipality: "99999".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_body(&odd, &["15040"], None).unwrap_err(),
            [
                ("name", "body-error-name-no-letters"),
                ("municipality", "body-error-municipality-unknown"),
            ]
        );
        let bad_slug = BodyInput {
            slug: "---".into(),
            ..valid_input()
        };
        assert_eq!(
            validate_body(&bad_slug, &["15040"], None).unwrap_err(),
            [("slug", "body-error-slug-invalid")]
        );
        let unknown_kind = BodyInput {
            kind: "empresa".into(),
            ..valid_input()
        };
        assert_eq!(
            validate_body(&unknown_kind, &["15040"], None).unwrap_err(),
            [("kind", "body-error-kind")]
        );
    }

    #[test]
    fn municipal_kinds_need_a_municipality() {
        for kind in BODY_KINDS {
            let input = BodyInput {
                name: "Un sujeto".into(),
                kind: kind.into(),
                ..Default::default()
            };
            let result = validate_body(&input, &["15040"], None);
            assert_eq!(result.is_err(), kind_needs_municipality(kind), "{kind}");
        }
        assert!(kind_needs_municipality("organismo-municipal"));
        assert!(!kind_needs_municipality("poder-judicial"));
        assert!(hosted_by_default(5_109, 70_000));
        assert!(!hosted_by_default(910_608, 70_000));
        assert!(!hosted_by_default(70_000, 70_000));
    }

    #[test]
    fn emails_phones_and_websites() {
        for ok in [
            "a@b.mx",
            "utransparencia@toluca.gob.mx",
            "x.y+z@sub.dominio.org",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.mx", "a@b..mx", "a@.b.mx", "a b@c.mx", "a@b@c.mx", "a@-b.mx",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        for ok in ["722 123 4567", "+52 (722) 123-4567", "7221234567"] {
            assert!(is_valid_phone(ok), "{ok}");
        }
        for bad in [
            "123",
            "722 123 4567 ext. 5",
            "722.123.4567",
            &"1".repeat(PHONE_MAX + 1),
        ] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
        assert_eq!(tel_href("+52 (722) 123-4567"), "+527221234567");
        assert_eq!(tel_href("722 123 4567"), "7221234567");
        for ok in [
            "https://toluca.gob.mx",
            "http://www.ejemplo.mx/transparencia?a=1",
        ] {
            assert!(is_valid_website(ok), "{ok}");
        }
        for bad in [
            "toluca.gob.mx",
            "ftp://toluca.gob.mx",
            "javascript:alert(1)",
            "https://",
            "https://user:pw@toluca.gob.mx",
            "https://to luca.gob.mx",
            "data:text/html,hola",
        ] {
            assert!(!is_valid_website(bad), "{bad}");
        }
    }

    #[test]
    fn logos_are_checked_by_their_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(check_logo(png), Ok(ImageKind::Png));
        assert_eq!(
            check_logo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Ok(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::Png.content_type(), "image/png");
        assert_eq!(
            check_logo(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            Err("body-error-logo-svg")
        );
        assert_eq!(check_logo(b"  <SVG></SVG>"), Err("body-error-logo-svg"));
        assert_eq!(
            check_logo(b"esto no es una imagen"),
            Err("body-error-logo-type")
        );
        assert_eq!(check_logo(b"GIF89a...."), Err("body-error-logo-type"));
        let mut big = png.to_vec();
        big.resize(LOGO_MAX_BYTES + 1, 0);
        assert_eq!(check_logo(&big), Err("body-error-logo-too-large"));
        big.truncate(LOGO_MAX_BYTES);
        assert_eq!(check_logo(&big), Ok(ImageKind::Png));
    }

    #[test]
    fn slugs_and_paragraphs() {
        assert_eq!(
            body_slug("Secretaría de Finanzas"),
            "secretaria-de-finanzas"
        );
        let long = "palabra ".repeat(40);
        let slug = body_slug(&long);
        assert!(slug.chars().count() <= SLUG_MAX);
        assert!(!slug.ends_with('-'));
        assert!(slug.starts_with("palabra-palabra"));
        assert_eq!(
            paragraphs("Uno\r\ncontinúa.\r\n\r\n\r\n  Dos.  \n\n"),
            ["Uno continúa.", "Dos."]
        );
        assert!(paragraphs("   ").is_empty());
    }
}
