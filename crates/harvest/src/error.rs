//! Why a harvest could not read its source or run, as a message of the
//! `harvest` catalog (key and arguments), so that the command line, the
//! source's `last_message` and the logs all say the same in Spanish.

use kernel::i18n::{I18n, Locale};

/// A harvest that could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} {args:?}")]
pub struct HarvestError {
    /// The message's key in `locales/*/harvest.ftl`.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl HarvestError {
    pub fn new(key: &'static str) -> HarvestError {
        HarvestError { key, args: vec![] }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> HarvestError {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `locale`.
    pub fn message(&self, i18n: &I18n, locale: Locale) -> String {
        let args = kernel::i18n::args(self.args.iter().map(|(k, v)| (*k, v.clone())));
        i18n.t_args(locale, self.key, &args)
    }

    /// A database error, said without its internals.
    pub fn db(e: &sqlx::Error) -> HarvestError {
        tracing::error!(error = %e, "harvest: database error");
        HarvestError::new("harvest-error-database")
    }
}

impl From<sqlx::Error> for HarvestError {
    fn from(e: sqlx::Error) -> HarvestError {
        HarvestError::db(&e)
    }
}
