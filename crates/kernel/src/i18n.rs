//! What people read, in Spanish first and English second: Fluent catalogs
//! contributed by every capability (`locales/es/*.ftl`, `locales/en/*.ftl`), and
//! the choice of language from `?lang=`, a cookie, or `Accept-Language`.

use std::collections::BTreeSet;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

/// The languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Locale {
    #[default]
    Es,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Es, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// The value of `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Es => "es-MX",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" | "es-mx" => Some(Locale::Es),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header, by the
    /// header's order of preference; Spanish when none matches.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut ranked: Vec<(f32, usize, String)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|v| v.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .iter()
            .find_map(|(_, _, tag)| {
                let primary = tag.split('-').next().unwrap_or_default();
                Locale::from_code(primary)
            })
            .unwrap_or_default()
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::Es => unic_langid::langid!("es-MX"),
            Locale::En => unic_langid::langid!("en"),
        }
    }
}

/// A catalog file contributed by a capability.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    pub locale: Locale,
    /// For error messages: e.g. `directory/es.ftl`.
    pub name: &'static str,
    pub source: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("error de sintaxis en el catálogo {name}: {detail}")]
    Syntax { name: &'static str, detail: String },
    #[error("mensaje repetido en el catálogo {name}: {detail}")]
    Duplicate { name: &'static str, detail: String },
}

/// The loaded catalogs.
pub struct I18n {
    es: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    keys_es: BTreeSet<String>,
    keys_en: BTreeSet<String>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("es", &self.keys_es.len())
            .field("en", &self.keys_en.len())
            .finish()
    }
}

pub type Args<'a> = FluentArgs<'a>;

impl I18n {
    pub fn new(catalogs: &[Catalog]) -> Result<I18n, I18nError> {
        let mut es = FluentBundle::new_concurrent(vec![Locale::Es.langid()]);
        let mut en = FluentBundle::new_concurrent(vec![Locale::En.langid()]);
        // Unicode isolation marks would end up in HTML attributes and CSV exports.
        es.set_use_isolating(false);
        en.set_use_isolating(false);
        let mut keys_es = BTreeSet::new();
        let mut keys_en = BTreeSet::new();
        for cat in catalogs {
            let resource =
                FluentResource::try_new(cat.source.to_string()).map_err(|(_, errs)| {
                    I18nError::Syntax {
                        name: cat.name,
                        detail: format!("{errs:?}"),
                    }
                })?;
            let keys: Vec<String> = resource
                .entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect();
            let (bundle, set) = match cat.locale {
                Locale::Es => (&mut es, &mut keys_es),
                Locale::En => (&mut en, &mut keys_en),
            };
            bundle
                .add_resource(resource)
                .map_err(|errs| I18nError::Duplicate {
                    name: cat.name,
                    detail: format!("{errs:?}"),
                })?;
            set.extend(keys);
        }
        Ok(I18n {
            es,
            en,
            keys_es,
            keys_en,
        })
    }

    /// The message `key` in `locale`, falling back to Spanish, then to the key.
    pub fn t(&self, locale: Locale, key: &str) -> String {
        self.format(locale, key, None)
    }

    /// The message `key` with arguments.
    pub fn t_args(&self, locale: Locale, key: &str, args: &Args<'_>) -> String {
        self.format(locale, key, Some(args))
    }

    fn format(&self, locale: Locale, key: &str, args: Option<&Args<'_>>) -> String {
        let bundles: &[&FluentBundle<FluentResource>] = match locale {
            Locale::Es => &[&self.es],
            Locale::En => &[&self.en, &self.es],
        };
        for bundle in bundles {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, ?errors, "message formatted with errors");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(key, locale = locale.code(), "missing message");
        key.to_string()
    }

    pub fn has(&self, locale: Locale, key: &str) -> bool {
        match locale {
            Locale::Es => self.keys_es.contains(key),
            Locale::En => self.keys_en.contains(key),
        }
    }

    pub fn keys(&self, locale: Locale) -> &BTreeSet<String> {
        match locale {
            Locale::Es => &self.keys_es,
            Locale::En => &self.keys_en,
        }
    }
}

/// Builds Fluent arguments from pairs.
pub fn args<'a, V: Into<FluentValue<'a>>>(
    pairs: impl IntoIterator<Item = (&'a str, V)>,
) -> Args<'a> {
    let mut a = FluentArgs::new();
    for (k, v) in pairs {
        a.set(k, v);
    }
    a
}

/// An integer with thousands separators as written in Mexico: `1,645,352`.
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Spanish and English catalogs of a capability, from
/// `locales/es/NAME.ftl` and `locales/en/NAME.ftl` of the calling crate.
#[macro_export]
macro_rules! catalogs {
    ($name:literal) => {
        vec![
            $crate::i18n::Catalog {
                locale: $crate::i18n::Locale::Es,
                name: concat!($name, "/es.ftl"),
                source: include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/locales/es/",
                    $name,
                    ".ftl"
                )),
            },
            $crate::i18n::Catalog {
                locale: $crate::i18n::Locale::En,
                name: concat!($name, "/en.ftl"),
                source: include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/locales/en/",
                    $name,
                    ".ftl"
                )),
            },
        ]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate(""), Locale::Es);
        assert_eq!(Locale::negotiate("en-US,en;q=0.9"), Locale::En);
        assert_eq!(Locale::negotiate("es-MX,es;q=0.9,en;q=0.8"), Locale::Es);
        assert_eq!(Locale::negotiate("fr-FR, en;q=0.5"), Locale::En);
        assert_eq!(Locale::negotiate("fr-FR, de"), Locale::Es);
        assert_eq!(Locale::negotiate("en;q=0.2, es;q=0.9"), Locale::Es);
        assert_eq!(Locale::negotiate("en;q=0, es;q=0"), Locale::Es);
        assert_eq!(Locale::negotiate(&"x,".repeat(10_000)), Locale::Es);
    }

    #[test]
    fn formats_with_fallback() {
        let i18n = I18n::new(&[
            Catalog {
                locale: Locale::Es,
                name: "t/es",
                source: "hola = Hola, { $nombre }\nsolo-es = Sólo español\n",
            },
            Catalog {
                locale: Locale::En,
                name: "t/en",
                source: "hola = Hello, { $nombre }\n",
            },
        ])
        .unwrap();
        let a = args([("nombre", "Ñuñoa")]);
        assert_eq!(i18n.t_args(Locale::Es, "hola", &a), "Hola, Ñuñoa");
        assert_eq!(i18n.t_args(Locale::En, "hola", &a), "Hello, Ñuñoa");
        assert_eq!(i18n.t(Locale::En, "solo-es"), "Sólo español");
        assert_eq!(i18n.t(Locale::Es, "no-existe"), "no-existe");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let err = I18n::new(&[Catalog {
            locale: Locale::Es,
            name: "roto/es",
            source: "= sin clave",
        }])
        .unwrap_err();
        assert!(err.to_string().contains("roto/es"));
    }

    #[test]
    fn thousands() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(5109), "5,109");
        assert_eq!(format_int(1_645_352), "1,645,352");
        assert_eq!(format_int(-70_000), "-70,000");
    }
}
