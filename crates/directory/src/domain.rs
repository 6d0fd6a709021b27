//! Pure rules of the directory: municipalities, their listing (filter and
//! sort), the kinds of public bodies, and the seed file's parser.

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
}
