//! The error type of the web layer, and which error goes where.
//!
//! - Library code returns its own narrow error: `sqlx::Error` from storage,
//!   [`crate::files::FileError`], [`crate::config::ConfigError`], …
//! - Handlers return [`Error`]: what a person sees. Each user-facing case carries
//!   a status and an i18n key (e.g. `error-not-found`), rendered in the person's
//!   language as an HTML page, or as JSON for API clients, by the error-page
//!   middleware in [`crate::web`].
//! - Anything unexpected becomes [`Error::Internal`]: logged with the request id
//!   and answered with a generic 500 page that shows that id.
//! - `anyhow` lives only in the `apertura` binary.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What the error-page middleware needs to render a page: attached to the
/// response as an extension.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something a person can read and act on.
    #[error("{key} ({status})")]
    User {
        status: StatusCode,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    /// A bug or an outage: logged, answered with a generic 500.
    #[error("error interno: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn user(status: StatusCode, key: &'static str) -> Error {
        Error::User {
            status,
            key,
            args: vec![],
        }
    }
    pub fn not_found() -> Error {
        Error::user(StatusCode::NOT_FOUND, "error-not-found")
    }
    pub fn forbidden() -> Error {
        Error::user(StatusCode::FORBIDDEN, "error-forbidden")
    }
    pub fn sign_in_required() -> Error {
        Error::user(StatusCode::UNAUTHORIZED, "error-sign-in-required")
    }
    pub fn bad_request(key: &'static str) -> Error {
        Error::user(StatusCode::BAD_REQUEST, key)
    }
    pub fn conflict(key: &'static str) -> Error {
        Error::user(StatusCode::CONFLICT, key)
    }
    pub fn unavailable() -> Error {
        Error::user(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
    }
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Internal(Box::new(e))
    }
    /// Adds an argument for the message.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Error {
        if let Error::User { args, .. } = &mut self {
            args.push((name, value.to_string()));
        }
        self
    }
    pub fn status(&self) -> StatusCode {
        match self {
            Error::User { status, .. } => *status,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Error {
        match e {
            sqlx::Error::RowNotFound => Error::not_found(),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::error!(error = %e, "database unavailable");
                Error::unavailable()
            }
            other => Error::internal(other),
        }
    }
}

impl From<crate::files::FileError> for Error {
    fn from(e: crate::files::FileError) -> Error {
        use crate::files::FileError as F;
        match e {
            F::NotFound | F::BadKey => Error::not_found(),
            F::TooLarge { limit } => {
                Error::user(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large").arg("limit", limit)
            }
            other => Error::internal(other),
        }
    }
}

impl From<crate::authz::Denied> for Error {
    fn from(d: crate::authz::Denied) -> Error {
        match d {
            crate::authz::Denied::NeedsSignIn => Error::sign_in_required(),
            crate::authz::Denied::Forbidden => Error::forbidden(),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, page) = match self {
            Error::User { status, key, args } => (status, ErrorPage { key, args }),
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorPage {
                        key: "error-internal",
                        args: vec![],
                    },
                )
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// The i18n key for a bare status (used when a response carries no [`ErrorPage`]:
/// framework rejections, timeouts, panics).
pub fn key_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-bad-request",
        401 => "error-sign-in-required",
        403 => "error-forbidden",
        404 => "error-not-found",
        405 => "error-method-not-allowed",
        408 => "error-timeout",
        413 => "error-too-large",
        415 => "error-unsupported-media-type",
        416 => "error-range",
        422 => "error-unprocessable",
        429 => "error-too-many-requests",
        503 => "error-unavailable",
        s if s >= 500 => "error-internal",
        _ => "error-bad-request",
    }
}
