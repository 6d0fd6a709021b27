//! The one configuration struct, read from defaults, an optional TOML file and
//! `APERTURA_*` environment variables (in that order, later wins).
//!
//! Every setting is documented on its field; `apertura check-config` prints the
//! resolved values. Validation happens at boot and answers in Spanish, in one line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Errors in the configuration. Their `Display` is the one line an operator reads.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("la configuración no se pudo leer: {0}")]
    Read(String),
    #[error("APERTURA_BIND no es una dirección válida («{0}»): use por ejemplo 127.0.0.1:8080")]
    Bind(String),
    #[error("APERTURA_DATABASE_URL no es válida («{0}»): use sqlite://RUTA o postgres://USUARIO@SERVIDOR/BASE")]
    DatabaseUrl(String),
    #[error("APERTURA_STORAGE_URL no es válida («{0}»): use file:///RUTA o s3://CUBETA")]
    StorageUrl(String),
    #[error("APERTURA_PUBLIC_URL no es una URL http(s) válida («{0}»)")]
    PublicUrl(String),
    #[error("no se puede escribir en el directorio {path}: {reason}")]
    Directory { path: String, reason: String },
    #[error("APERTURA_MAIL_FROM no es un remitente válido («{0}»): use por ejemplo \"Apertura (Infoem)\" <no-responder@infoem.org.mx>")]
    MailFrom(String),
    #[error("{0} debe ser mayor que cero")]
    Positive(&'static str),
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines when standard error is not a terminal, readable text otherwise.
    Auto,
    Text,
    Json,
}

/// Apertura's configuration. Environment variable names are the field names in
/// upper case with the `APERTURA_` prefix (e.g. `APERTURA_DATABASE_URL`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `APERTURA_BIND`: address and port the web server listens on.
    pub bind: String,
    /// `APERTURA_DATA_DIR`: the embedded default keeps its database, files and
    /// search index here.
    pub data_dir: PathBuf,
    /// `APERTURA_DATABASE_URL`: `sqlite://…` (default `sqlite://DATA_DIR/apertura.db`)
    /// or `postgres://…`.
    pub database_url: Option<String>,
    /// `APERTURA_DATABASE_MAX_CONNECTIONS`: pool size per process.
    pub database_max_connections: u32,
    /// `APERTURA_STORAGE_URL`: `file:///…` (default `DATA_DIR/files`) or `s3://bucket`
    /// (credentials and endpoint from the usual `AWS_*` variables, e.g.
    /// `AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_ALLOW_HTTP`).
    pub storage_url: Option<String>,
    /// `APERTURA_INDEX_DIR`: embedded search index (default `DATA_DIR/index`).
    pub index_dir: Option<PathBuf>,
    /// `APERTURA_PUBLIC_URL`: the address people use to reach the platform, for
    /// absolute links (feeds, e-mails, catalogs). Default `http://BIND`.
    pub public_url: Option<String>,
    /// `APERTURA_LOG_FORMAT`: `auto`, `text` or `json`.
    pub log_format: LogFormat,
    /// `APERTURA_MAX_UPLOAD_BYTES`: largest accepted upload (default 2 GiB).
    pub max_upload_bytes: u64,
    /// `APERTURA_REQUEST_TIMEOUT_SECS`: ordinary requests are cut after this long
    /// (uploads and downloads stream and are not cut).
    pub request_timeout_secs: u64,
    /// `APERTURA_SMALL_MUNICIPALITY_THRESHOLD`: municipalities with fewer
    /// inhabitants than this are "small" (the work plan's 70,000).
    pub small_municipality_threshold: i64,
    /// `APERTURA_WORKERS`: background workers that `serve` runs in-process
    /// (0 = none; then run `apertura worker` separately).
    pub workers: usize,
    /// `APERTURA_SMTP_URL`: e.g. `smtps://usuario:clave@correo.infoem.org.mx`.
    /// Without it, e-mails are written as `.eml` files under `DATA_DIR/outbox`.
    pub smtp_url: Option<String>,
    /// `APERTURA_MAIL_FROM`: the sender of the platform's e-mails.
    pub mail_from: String,
    /// `APERTURA_SESSION_DAYS`: a session ends after this many days without use.
    pub session_days: i64,
    /// `APERTURA_BEHIND_PROXY`: true when a reverse proxy (nginx) sits in front;
    /// the client's address is then taken from `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// `APERTURA_SEARCH_CACHE_ENTRIES`: search answers kept per process (0 =
    /// none). Any change to the index invalidates them; with PostgreSQL
    /// they are trusted two seconds at most.
    pub search_cache_entries: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 10,
            storage_url: None,
            index_dir: None,
            public_url: None,
            log_format: LogFormat::Auto,
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            request_timeout_secs: 30,
            small_municipality_threshold: 70_000,
            workers: 1,
            smtp_url: None,
            // The display name is quoted: its parentheses would not parse otherwise.
            mail_from: "\"Apertura (Infoem)\" <no-responder@apertura.invalid>".into(),
            session_days: 14,
            behind_proxy: false,
            search_cache_entries: 4_096,
        }
    }
}

impl Config {
    /// Reads defaults, then `file` (or `APERTURA_CONFIG`, or `./apertura.toml` if it
    /// exists), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        let env_file = std::env::var_os("APERTURA_CONFIG").map(PathBuf::from);
        let chosen = file.map(Path::to_path_buf).or(env_file);
        match chosen {
            Some(path) => {
                if !path.is_file() {
                    return Err(ConfigError::Read(format!(
                        "no existe el archivo {}",
                        path.display()
                    )));
                }
                fig = fig.merge(Toml::file(path));
            }
            None => {
                let default = Path::new("apertura.toml");
                if default.is_file() {
                    fig = fig.merge(Toml::file(default));
                }
            }
        }
        fig = fig.merge(Env::prefixed("APERTURA_").ignore(&["config", "test_database_url"]));
        let config: Config = fig.extract().map_err(|e| ConfigError::Read(one_line(&e)))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what can be checked without touching the network.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.bind_addr()?;
        self.database()?;
        self.storage()?;
        if let Some(url) = &self.public_url {
            let parsed = url::Url::parse(url).map_err(|_| ConfigError::PublicUrl(url.clone()))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::PublicUrl(url.clone()));
            }
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError::Positive("APERTURA_DATABASE_MAX_CONNECTIONS"));
        }
        if self.max_upload_bytes == 0 {
            return Err(ConfigError::Positive("APERTURA_MAX_UPLOAD_BYTES"));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::MailFrom(self.mail_from.clone()));
        }
        if self.session_days <= 0 {
            return Err(ConfigError::Positive("APERTURA_SESSION_DAYS"));
        }
        if self.request_timeout_secs == 0 {
            return Err(ConfigError::Positive("APERTURA_REQUEST_TIMEOUT_SECS"));
        }
        Ok(())
    }

    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.bind
            .parse()
            .map_err(|_| ConfigError::Bind(self.bind.clone()))
    }

    /// The database to use, with the embedded default resolved.
    pub fn database(&self) -> Result<DatabaseTarget, ConfigError> {
        let url = match &self.database_url {
            Some(u) => u.trim().to_string(),
            None => format!("sqlite://{}", self.data_dir.join("apertura.db").display()),
        };
        DatabaseTarget::parse(&url)
    }

    /// The file store to use, with the embedded default resolved.
    pub fn storage(&self) -> Result<StorageTarget, ConfigError> {
        match &self.storage_url {
            None => Ok(StorageTarget::Local(self.data_dir.join("files"))),
            Some(u) => StorageTarget::parse(u.trim()),
        }
    }

    pub fn index_dir(&self) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("index"))
    }

    /// Absolute base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Creates and checks every local directory the configuration needs.
    pub fn prepare_directories(&self) -> Result<(), ConfigError> {
        let mut dirs: Vec<PathBuf> = vec![];
        if let DatabaseTarget::Sqlite(path) = self.database()? {
            if let Some(parent) = path.parent() {
                if !parent.as_os_str().is_empty() {
                    dirs.push(parent.to_path_buf());
                }
            }
        }
        if let StorageTarget::Local(dir) = self.storage()? {
            dirs.push(dir);
        }
        dirs.push(self.index_dir());
        for dir in dirs {
            ensure_writable_dir(&dir)?;
        }
        Ok(())
    }
}

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    pub fn parse(url: &str) -> Result<DatabaseTarget, ConfigError> {
        let bad = || ConfigError::DatabaseUrl(url.to_string());
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(bad());
            }
            return Ok(DatabaseTarget::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|_| bad())?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(bad());
            }
            return Ok(DatabaseTarget::Postgres(url.to_string()));
        }
        Err(bad())
    }

    /// The URL handed to the driver.
    pub fn url(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseTarget::Postgres(url) => url.clone(),
        }
    }

    /// The URL with any password hidden, for logs and `check-config`.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseTarget::Postgres(url) => redact_url(url),
        }
    }
}

/// Where files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageTarget {
    Local(PathBuf),
    S3(String),
    /// In memory, for tests only.
    Memory,
}

impl StorageTarget {
    pub fn parse(url: &str) -> Result<StorageTarget, ConfigError> {
        let bad = || ConfigError::StorageUrl(url.to_string());
        if url == "memory://" || url == "memory:" {
            return Ok(StorageTarget::Memory);
        }
        if let Some(path) = url.strip_prefix("file://") {
            if path.is_empty() {
                return Err(bad());
            }
            return Ok(StorageTarget::Local(PathBuf::from(path)));
        }
        if url.starts_with("s3://") {
            let parsed = url::Url::parse(url).map_err(|_| bad())?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(bad());
            }
            return Ok(StorageTarget::S3(url.to_string()));
        }
        Err(bad())
    }

    pub fn redacted(&self) -> String {
        match self {
            StorageTarget::Local(p) => format!("file://{}", p.display()),
            StorageTarget::S3(u) => redact_url(u),
            StorageTarget::Memory => "memory://".into(),
        }
    }
}

fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(URL no válida)".into(),
    }
}

/// Creates `dir` if needed and proves it is writable by writing a probe file.
pub fn ensure_writable_dir(dir: &Path) -> Result<(), ConfigError> {
    let fail = |reason: String| ConfigError::Directory {
        path: dir.display().to_string(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(io_reason(&e)))?;
    let probe = dir.join(format!(".apertura-probe-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(|e| fail(io_reason(&e)))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A short Spanish reason for common I/O errors.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied => "permiso denegado".into(),
        NotFound => "no existe".into(),
        AlreadyExists => "ya existe".into(),
        AddrInUse => "la dirección ya está en uso".into(),
        AddrNotAvailable => "la dirección no está disponible en esta máquina".into(),
        ReadOnlyFilesystem => "el sistema de archivos es de solo lectura".into(),
        NotADirectory => "una parte de la ruta no es un directorio".into(),
        StorageFull => "no queda espacio en disco".into(),
        ConnectionRefused => "la conexión fue rechazada (¿está encendido el servidor?)".into(),
        TimedOut => "el servidor no respondió a tiempo".into(),
        HostUnreachable | NetworkUnreachable => "no se puede llegar al servidor".into(),
        _ => e.to_string(),
    }
}

fn one_line(e: &figment::Error) -> String {
    e.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_embedded() {
        let c = Config::default();
        assert_eq!(
            c.database().unwrap(),
            DatabaseTarget::Sqlite(PathBuf::from("./data/apertura.db"))
        );
        assert_eq!(
            c.storage().unwrap(),
            StorageTarget::Local(PathBuf::from("./data/files"))
        );
        assert_eq!(c.index_dir(), PathBuf::from("./data/index"));
        assert_eq!(c.public_url(), "http://127.0.0.1:8080");
        c.validate().unwrap();
    }

    #[test]
    fn database_urls() {
        assert!(matches!(
            DatabaseTarget::parse("postgres://postgres@127.0.0.1:5432/test"),
            Ok(DatabaseTarget::Postgres(_))
        ));
        assert!(matches!(
            DatabaseTarget::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseTarget::Sqlite(p)) if p == Path::new("/tmp/x.db")
        ));
        for bad in [
            "foo://x",
            "postgres://",
            "sqlite://",
            "mysql://root@x/db",
            "",
            "sqlite::memory:",
        ] {
            let err = DatabaseTarget::parse(bad).unwrap_err();
            assert!(err.to_string().contains("APERTURA_DATABASE_URL"), "{bad}");
        }
    }

    #[test]
    fn storage_urls() {
        assert_eq!(
            StorageTarget::parse("s3://datos").unwrap(),
            StorageTarget::S3("s3://datos".into())
        );
        assert!(StorageTarget::parse("ftp://x").is_err());
        assert!(StorageTarget::parse("s3://").is_err());
    }

    #[test]
    fn bad_bind_is_one_spanish_line() {
        let c = Config {
            bind: "localhost".into(),
            ..Config::default()
        };
        let msg = c.validate().unwrap_err().to_string();
        assert!(msg.contains("APERTURA_BIND"));
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn the_default_sender_is_a_valid_mailbox() {
        Config::default().validate().unwrap();
        let bad = Config {
            mail_from: "Apertura (Infoem) <x@y.mx>".into(),
            ..Config::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("APERTURA_MAIL_FROM"));
    }

    #[test]
    fn passwords_are_redacted() {
        let t = DatabaseTarget::parse("postgres://u:secreto@db/x").unwrap();
        assert!(!t.redacted().contains("secreto"));
    }

    #[test]
    fn unwritable_directory_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let err = ensure_writable_dir(&file.join("sub"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("no se puede escribir en el directorio"),
            "{err}"
        );
    }
}
