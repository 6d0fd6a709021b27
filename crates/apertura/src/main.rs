//! `apertura`: the command line. Every subcommand answers errors with one
//! Spanish line on standard error and a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use apertura::{bind, open_storage, platform, shutdown_signal, Application};
use clap::{Parser, Subcommand};
use kernel::authz::Actor;
use kernel::config::{Config, LogFormat};
use std::io::IsTerminal;

/// Apertura: transparencia proactiva, datos abiertos y gobierno abierto (Infoem).
#[derive(Parser)]
#[command(name = "apertura", version, about)]
struct Cli {
    /// Archivo de configuración TOML (también APERTURA_CONFIG; por omisión ./apertura.toml si existe).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inicia el servidor web (y los trabajadores en segundo plano).
    Serve {
        /// Carga los datos de demostración si aún no están.
        #[arg(long)]
        demo: bool,
    },
    /// Ejecuta sólo trabajadores en segundo plano (para despliegues con varios procesos).
    Worker,
    /// Aplica las migraciones de la base de datos y los datos de referencia.
    Migrate,
    /// Tareas de administración.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Copia consistente de la base de datos y los archivos, aun con el servidor en marcha.
    Backup {
        /// Directorio nuevo (o vacío) donde guardar el respaldo.
        #[arg(long)]
        to: PathBuf,
    },
    /// Restaura un respaldo hecho con `apertura backup`.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Reemplaza una base de datos que ya existe.
        #[arg(long)]
        force: bool,
    },
    /// Borra lo que dejaron subidas interrumpidas y los archivos que nada usa
    /// (también lo hace un trabajo cada hora).
    SweepFiles {
        /// Sólo archivos sin cambios desde hace al menos estos minutos
        /// (por omisión, 6 horas para subidas a medias y 24 horas para el resto).
        #[arg(long)]
        older_than_minutes: Option<u64>,
    },
    /// Valida una tabla (CSV, TSV, XLSX, XLS) como lo hará la plataforma al
    /// publicarla: codificación, encabezados, tipos de cada columna y errores.
    /// Sale con 0 si es válida, 1 si no, 2 si no se puede leer.
    Validate {
        /// El archivo.
        file: PathBuf,
        /// Un esquema de tabla (Frictionless Table Schema, JSON) contra el cual validar.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// La hoja de un libro de Excel (por omisión, la primera con datos).
        #[arg(long)]
        sheet: Option<String>,
        /// Imprime el reporte en JSON, con la forma del de `frictionless validate --json`.
        #[arg(long)]
        json: bool,
    },
    /// Valida una tabla y la carga en un archivo SQLite, como lo hace la
    /// plataforma (para scripts y para medir la velocidad de la carga).
    Load {
        /// El archivo (CSV, TSV, XLSX, XLS).
        file: PathBuf,
        /// El archivo SQLite donde queda la tabla `ds_v1`.
        #[arg(long)]
        into: PathBuf,
    },
    /// Busca datos personales (CURP, RFC de personas físicas, correos,
    /// teléfonos, claves de elector, CLABE y números de tarjeta) en una tabla
    /// (CSV, TSV, XLSX, XLS: todas sus hojas) o en un texto (TXT, MD). Escribe
    /// cada hallazgo en una línea JSON, con el valor enmascarado. Sale con 0
    /// si no encontró ninguno, 1 si encontró alguno, 2 si no se puede leer.
    Scan {
        /// El archivo.
        file: PathBuf,
    },
    /// Importa los conjuntos de datos de otro portal (un CKAN, un catálogo
    /// DCAT-AP en JSON-LD o un data.json) y los publica bajo un sujeto
    /// obligado, con enlaces al original. Registra la fuente: un trabajo la
    /// vuelve a leer cada día, actualiza lo que cambió y retira (sin borrar)
    /// lo que ya no está.
    Harvest {
        /// Dirección del portal CKAN, de su catálogo DCAT (JSON-LD) o de su data.json.
        url: String,
        /// Sujeto obligado bajo el que se publican (su identificador, p. ej. secretaria-de-finanzas).
        #[arg(long)]
        body: String,
        /// ckan, dcat o datajson (por omisión, se deduce de la dirección).
        #[arg(long)]
        kind: Option<String>,
    },
    /// Revisa la configuración y la conexión con la base de datos y el almacenamiento.
    CheckConfig,
    /// Reconstruye el índice de búsqueda desde la base de datos (sin dejar de
    /// buscar mientras tanto). Si un servidor en marcha tiene el índice, se
    /// le pide a él que lo haga.
    Reindex {
        /// Sólo compara índice y base de datos y repara las diferencias.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Crea un token de API para una cuenta y lo muestra una sola vez.
    CreateToken {
        #[arg(long)]
        email: String,
        /// Nombre para reconocer el token.
        #[arg(long)]
        name: String,
        /// read (sólo lectura) o write (escritura para un sujeto obligado).
        #[arg(long, default_value = "read")]
        scope: String,
        /// Sujeto obligado (su identificador, p. ej. ayuntamiento-de-toluca) para --scope write.
        #[arg(long)]
        body: Option<String>,
        /// Vigencia en días.
        #[arg(long, default_value_t = 90)]
        days: u64,
    },
    /// Crea una cuenta (p. ej. la primera cuenta de administración).
    CreateUser {
        #[arg(long)]
        email: String,
        /// platform-admin, institute-reviewer o citizen.
        #[arg(long, default_value = "citizen")]
        role: String,
        /// Nombre a mostrar (por omisión, el correo).
        #[arg(long)]
        name: Option<String>,
        /// Lee la contraseña de la entrada estándar; si no, se genera una y se muestra una vez.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Neither does looking for personal data in a file.
    if let Command::Scan { file } = &cli.command {
        return ExitCode::from(scan_file(file));
    }
    // Validating a file needs no configuration, database or storage.
    if let Command::Validate {
        file,
        schema,
        sheet,
        json,
    } = &cli.command
    {
        let code = apertura::validate::run(
            file,
            schema.as_deref(),
            sheet.as_deref(),
            *json,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        );
        return ExitCode::from(code);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("apertura: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("apertura: no se pudo iniciar: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("apertura: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, on one line, without repeating a cause that the
/// message already includes.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out.replace('\n', " ")
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("APERTURA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.compact().try_init()
    };
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo } => {
            // Bind first: a taken port is reported before anything else happens.
            let listener = bind(&config).await?;
            let app = Application::open(config.clone()).await?;
            if demo
                && app
                    .platform
                    .seed_demo(&app.state.db, &config)
                    .await
                    .context("no se pudieron cargar los datos de demostración")?
            {
                eprintln!(
                    "apertura: datos de demostración cargados; cuentas de demostración: {} (contraseña «{}»)",
                    accounts::DEMO_USERS.iter().map(|u| u.email).collect::<Vec<_>>().join(", "),
                    accounts::DEMO_PASSWORD
                );
            }
            let addr = listener.local_addr()?;
            eprintln!(
                "apertura: escuchando en http://{addr} ({})",
                app.state.db.backend().name()
            );
            app.serve(listener, shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker => {
            let app = Application::open(config).await?;
            eprintln!("apertura: trabajador {} en marcha", app.worker().id());
            app.worker().run(shutdown_signal()).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let platform = platform();
            let (db, _) = open_storage(&config, &platform).await?;
            eprintln!(
                "apertura: la base de datos ({}) está al día",
                db.backend().name()
            );
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    email,
                    role,
                    name,
                    password_stdin,
                },
        } => {
            let email = accounts::domain::Email::parse(&email)?;
            let role = accounts::domain::parse_global_role(&role)?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("no se pudo leer la contraseña")?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (accounts::domain::generate_password(), true)
            };
            let platform = platform();
            let (db, _) = open_storage(&config, &platform).await?;
            let name = name.unwrap_or_else(|| email.as_str().to_string());
            let mut tx = db.begin().await?;
            let id = accounts::store::create_user(
                &mut tx,
                &Actor::cli(),
                &accounts::store::NewUser {
                    email: email.clone(),
                    display_name: &name,
                    password: &password,
                    role,
                    is_demo: false,
                    confirmed: true,
                },
            )
            .await?;
            tx.commit().await?;
            db.close().await;
            println!(
                "Cuenta creada: {} ({}), número {id}",
                email.as_str(),
                role.code()
            );
            if generated {
                println!("Contraseña (se muestra sólo esta vez): {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateToken {
                    email,
                    name,
                    scope,
                    body,
                    days,
                },
        } => {
            let email = accounts::domain::Email::parse(&email)?;
            let platform = platform();
            let (db, _) = open_storage(&config, &platform).await?;
            let user = accounts::store::find_by_email(&db, &email)
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!("no hay una cuenta con el correo {}", email.as_str())
                })?;
            let mut tx = db.begin().await?;
            let scope = match (scope.as_str(), body) {
                ("read", None) => accounts::store::TokenScope::Read,
                ("write", Some(slug)) => {
                    let body = directory::store::body_by_slug(&mut tx, &slug)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no existe el sujeto obligado «{slug}»"))?;
                    accounts::store::TokenScope::Write { body_id: body.id }
                }
                ("write", None) => {
                    anyhow::bail!("--scope write necesita --body con el sujeto obligado")
                }
                ("read", Some(_)) => anyhow::bail!("--body sólo se usa con --scope write"),
                (other, _) => anyhow::bail!("--scope debe ser read o write, no «{other}»"),
            };
            if name.trim().is_empty() || days == 0 || days > 3650 {
                anyhow::bail!("el token necesita un nombre y una vigencia de 1 a 3650 días");
            }
            let (_, token) = accounts::store::create_api_token(
                &mut tx,
                &Actor::cli(),
                user.id,
                name.trim(),
                scope,
                days,
            )
            .await?;
            tx.commit().await?;
            db.close().await;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { to } => {
            let platform = platform();
            let (db, files) = open_storage(&config, &platform).await?;
            let s = apertura::backup::backup(&config, &db, &files, &to).await?;
            db.close().await;
            println!(
                "Respaldo completo en {}: base de datos {} y {} archivos ({} bytes)",
                to.display(),
                s.backend.name(),
                s.files,
                s.bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { from, force } => {
            let s = apertura::backup::restore(&config, &from, force).await?;
            println!(
                "Respaldo restaurado: base de datos {} y {} archivos ({} bytes)",
                s.backend.name(),
                s.files,
                s.bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::SweepFiles { older_than_minutes } => {
            use kernel::housekeeping::{sweep_files, BLOB_AGE, STAGING_AGE};
            let platform = platform();
            let (db, files) = open_storage(&config, &platform).await?;
            let given = older_than_minutes.map(|m| std::time::Duration::from_secs(m * 60));
            let report = sweep_files(
                &db,
                &files,
                &platform.file_refs(),
                given.unwrap_or(STAGING_AGE),
                given.unwrap_or(BLOB_AGE),
            )
            .await?;
            db.close().await;
            println!(
                "apertura: {} subidas interrumpidas y {} archivos sin uso borrados",
                report.staging,
                report.blobs.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckConfig => check_config(&config).await,
        Command::Harvest { url, body, kind } => {
            harvest_now(config, &url, &body, kind.as_deref()).await
        }
        Command::Reindex { check } => reindex(config, check).await,
        Command::Validate { .. } => Ok(ExitCode::from(2)), // handled in main
        Command::Scan { .. } => Ok(ExitCode::from(2)),     // handled in main
        Command::Load { file, into } => {
            let code = apertura::validate::load(&file, &into).await?;
            Ok(ExitCode::from(code))
        }
    }
}

/// `apertura harvest`: registers the source (if new) and runs it now,
/// printing what it did on one line.
async fn harvest_now(
    config: Config,
    url: &str,
    body: &str,
    kind: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let kind =
        match kind {
            None => None,
            Some(k) => Some(harvest::Kind::from_code(k).ok_or_else(|| {
                anyhow::anyhow!("--kind debe ser ckan, dcat o datajson, no «{k}»")
            })?),
        };
    let app = Application::open(config).await?;
    let state = &app.state;
    let actor = Actor::cli();
    let result = match harvest::register(state, &actor, url, body, kind).await {
        Ok((source, _)) => {
            harvest::run_source(state, &actor, source.id, harvest::Limits::default(), None).await
        }
        Err(e) => Err(e),
    };
    let locale = kernel::i18n::Locale::Es;
    let answer = match result {
        Ok(summary) => {
            println!("{}", summary.line(&state.i18n, locale));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(anyhow::anyhow!(e.message(&state.i18n, locale))),
    };
    state.db.close().await;
    answer
}

async fn check_config(config: &Config) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    let db_target = config.database()?;
    let storage = config.storage()?;
    println!("Dirección:           {}", config.bind);
    println!("URL pública:         {}", config.public_url());
    println!("Base de datos:       {}", db_target.redacted());
    println!("Archivos:            {}", storage.redacted());
    println!("Índice de búsqueda:  {}", config.index_dir().display());
    println!("Trabajadores:        {}", config.workers);
    match config.prepare_directories() {
        Ok(()) => println!("Directorios:         bien"),
        Err(e) => {
            ok = false;
            println!("Directorios:         {e}");
        }
    }
    match kernel::db::Db::connect(&db_target, 1).await {
        Ok(db) => {
            let ping = db.ping().await;
            println!(
                "Conexión a la base:  {}",
                if ping.is_ok() {
                    "bien".to_string()
                } else {
                    format!("{ping:?}")
                }
            );
            ok &= ping.is_ok();
            db.close().await;
        }
        Err(e) => {
            ok = false;
            println!("Conexión a la base:  {e}");
        }
    }
    match kernel::files::FileStore::open(&storage) {
        Ok(f) => match f.check().await {
            Ok(()) => println!("Almacenamiento:      bien"),
            Err(e) => {
                ok = false;
                println!("Almacenamiento:      {e}");
            }
        },
        Err(e) => {
            ok = false;
            println!("Almacenamiento:      {e}");
        }
    }
    match bind(config).await {
        Ok(_) => println!("Puerto:              libre"),
        Err(e) => println!("Puerto:              {e} (aviso)"),
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `apertura reindex`: every public document read again (or, with `--check`,
/// only the drift repaired), here or, when a running server holds the
/// embedded index, by that server's workers.
async fn reindex(config: Config, check: bool) -> anyhow::Result<ExitCode> {
    use search::index::SearchIndex;
    use search::sync::{Sync, CHECK, REBUILD};
    let app = Application::open(config).await?;
    let index = app
        .state
        .service::<std::sync::Arc<SearchIndex>>()
        .context("la búsqueda no está instalada")?
        .clone();
    match index.engine().await {
        Err(search::SearchError::Locked { .. }) => {
            let kind = if check { CHECK } else { REBUILD };
            let id = app
                .state
                .jobs
                .enqueue(
                    kernel::jobs::NewJob::new(kind, serde_json::json!({}))
                        .dedup(format!("cli:{kind}")),
                )
                .await?;
            println!(
                "apertura: un servidor en marcha usa el índice; se le pidió {} (trabajo {id}, visible en /admin/trabajos)",
                if check { "revisarlo" } else { "reconstruirlo" }
            );
            app.state.db.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e).context("no se pudo abrir el índice de búsqueda"),
        Ok(_) => {}
    }
    let sync = Sync {
        db: app.state.db.clone(),
        index: index.clone(),
        sources: app.state.search_sources.clone(),
    };
    let started = std::time::Instant::now();
    eprintln!(
        "apertura: {} el índice de búsqueda ({})…",
        if check { "revisando" } else { "reconstruyendo" },
        index.backend()
    );
    let report = sync.sync(!check, None).await?;
    app.state.db.close().await;
    println!(
        "apertura: {} documentos públicos; {} indexados y {} quitados del índice en {:.1} s",
        report.total,
        report.indexed,
        report.removed,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `apertura scan FILE`: the personal-data guard's detectors over every
/// sheet of a table, or every line of a text; one JSON line per finding
/// (`kind`, `row` as a person counts rows in the file, `column`, the masked
/// `value`; `sheet` in a workbook of several). Exit 0 none, 1 some, 2 the
/// file cannot be read.
fn scan_file(file: &std::path::Path) -> u8 {
    use std::io::Write;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    let mut found = 0u64;
    let mut emit = |kind: privacy::Kind,
                    row: u64,
                    column: Option<String>,
                    sheet: Option<&str>,
                    value: String| {
        found += 1;
        // Keys in this order, for people reading the lines.
        let json = |v: serde_json::Value| v.to_string();
        let sheet = sheet
            .map(|s| format!(",\"sheet\":{}", json(s.into())))
            .unwrap_or_default();
        let _ = writeln!(
            stdout,
            "{{\"kind\":{},\"row\":{row},\"column\":{},\"value\":{}{sheet}}}",
            json(kind.code().into()),
            json(column.into()),
            json(value.into()),
        );
    };
    let text = ingest::privacy::is_text(&name);
    let format = tabular::Format::from_path(file);
    let result = ingest::privacy::scan_path(file, format, text, &mut |h| {
        emit(h.kind, h.row, h.column, h.sheet.as_deref(), h.value)
    })
    .map_err(|e| {
        if format.is_none() && !text {
            format!("«{name}» no es una tabla ni un texto: se revisan archivos CSV, TSV, XLSX, XLS, TXT y MD")
        } else {
            e
        }
    });
    match result {
        Err(e) => {
            eprintln!("apertura: no se pudo revisar «{name}»: {e}");
            2
        }
        Ok(()) if found == 0 => {
            eprintln!("apertura: «{name}»: no se encontraron datos personales");
            0
        }
        Ok(()) => {
            eprintln!("apertura: «{name}»: {found} datos personales encontrados");
            1
        }
    }
}
