//! Shared test corpus and harness: every behaviour test runs on a fresh
//! engine of each backend, loaded with `corpus()`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use search::{PostgresEngine, SearchDoc, SearchEngine, TantivyEngine};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};

pub fn date(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single()
}

#[allow(clippy::too_many_arguments)]
fn doc(
    kind: &str,
    id: &str,
    title: &str,
    description: &str,
    keywords: &[&str],
    body_text: &str,
    facets: &[(&str, &[&str])],
    modified_at: Option<DateTime<Utc>>,
    downloads: i64,
) -> SearchDoc {
    SearchDoc {
        kind: kind.into(),
        id: id.into(),
        url: format!("/{kind}/{id}"),
        title: title.into(),
        description: description.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        body_text: body_text.into(),
        facets: facets
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect::<BTreeMap<_, _>>(),
        published_at: modified_at.map(|d| d - chrono::Duration::days(30)),
        modified_at,
        downloads,
    }
}

/// A small, realistic corpus of the Estado de México.
pub fn corpus() -> Vec<SearchDoc> {
    vec![
        doc(
            "dataset",
            "presupuesto-egresos-2026-zacazonapan",
            "Presupuesto de egresos 2026 de Zacazonapan",
            "Presupuesto de egresos aprobado por el cabildo del municipio de Zacazonapan para el ejercicio fiscal 2026, por capítulo del gasto.",
            &["presupuesto", "finanzas públicas", "egresos"],
            "Recursos: Egresos 2026 (CSV). Columnas: capitulo, concepto, monto_aprobado",
            &[
                ("organization", &["ayuntamiento-de-zacazonapan"]),
                ("theme", &["finanzas"]),
                ("format", &["CSV", "XLSX"]),
                ("license", &["cc-by-4.0"]),
                ("municipality", &["zacazonapan"]),
                ("year", &["2026"]),
            ],
            date(2026, 1, 15),
            120,
        ),
        doc(
            "dataset",
            "presupuesto-egresos-2025-toluca",
            "Presupuesto de egresos 2025 de Toluca",
            "Egresos aprobados para el ejercicio fiscal 2025 por dependencia municipal.",
            &["presupuesto", "egresos"],
            "",
            &[
                ("organization", &["ayuntamiento-de-toluca"]),
                ("theme", &["finanzas"]),
                ("format", &["CSV"]),
                ("license", &["cc-by-4.0"]),
                ("municipality", &["toluca"]),
                ("year", &["2025"]),
            ],
            date(2025, 1, 10),
            450,
        ),
        doc(
            "dataset",
            "obra-publica-ejecutada",
            "Obra pública ejecutada",
            "Relación de obras ejecutadas con recursos municipales: monto contratado, contratista y avance físico.",
            &["obra pública", "infraestructura"],
            "",
            &[
                ("organization", &["secretaria-de-obra-publica"]),
                ("theme", &["infraestructura"]),
                ("format", &["CSV", "JSON"]),
                ("license", &["cc-by-4.0"]),
            ],
            date(2025, 11, 20),
            300,
        ),
        doc(
            "dataset",
            "poblacion-por-municipio-2020",
            "Población por municipio 2020",
            "Población total por municipio del Estado de México según el Censo de Población y Vivienda 2020.",
            &["censo", "población", "demografía"],
            "",
            &[
                ("organization", &["igecem"]),
                ("theme", &["poblacion"]),
                ("format", &["XLSX"]),
                ("license", &["cc-by-4.0"]),
                ("year", &["2020"]),
            ],
            date(2021, 3, 1),
            900,
        ),
        doc(
            "dataset",
            "informacion-publica-de-oficio",
            "Información Pública de Oficio",
            "Obligaciones de transparencia que los sujetos obligados publican sin que medie solicitud.",
            &["transparencia", "obligaciones"],
            "",
            &[
                ("organization", &["infoem"]),
                ("theme", &["transparencia"]),
                ("format", &["PDF"]),
                ("license", &["cc-by-4.0"]),
            ],
            date(2025, 6, 1),
            80,
        ),
        doc(
            "dataset",
            "gestion-de-residuos-solidos",
            "Gestión de residuos sólidos",
            "Toneladas de residuos sólidos urbanos recolectados por mes en cada municipio.",
            &["residuos", "medio ambiente"],
            "",
            &[
                ("organization", &["secretaria-del-medio-ambiente"]),
                ("theme", &["medio-ambiente"]),
                ("format", &["CSV"]),
                ("license", &["odbl"]),
            ],
            date(2025, 9, 15),
            150,
        ),
        doc(
            "body",
            "secretaria-de-finanzas",
            "Secretaría de Finanzas",
            "Dependencia del Poder Ejecutivo encargada de la hacienda pública estatal y de integrar el presupuesto del Estado.",
            &[],
            "",
            &[("body_kind", &["dependencia"])],
            date(2024, 5, 1),
            0,
        ),
        doc(
            "body",
            "ayuntamiento-de-toluca",
            "Ayuntamiento de Toluca",
            "Gobierno municipal de Toluca de Lerdo, capital del Estado de México.",
            &[],
            "",
            &[("body_kind", &["ayuntamiento"]), ("municipality", &["toluca"])],
            date(2024, 2, 1),
            0,
        ),
        doc(
            "body",
            "infoem",
            "Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos Personales del Estado de México y Municipios",
            "Órgano garante del derecho de acceso a la información pública y de la protección de datos personales.",
            &[],
            "",
            &[("body_kind", &["organo-autonomo"])],
            date(2024, 1, 10),
            0,
        ),
        doc(
            "dataset",
            "deuda-publica-municipal",
            "Deuda pública municipal",
            "Saldo de la deuda de los ayuntamientos al cierre de cada trimestre.",
            &["deuda", "finanzas públicas"],
            "",
            &[
                ("organization", &["secretaria-de-finanzas"]),
                ("theme", &["finanzas"]),
                ("format", &["XLSX"]),
            ],
            date(2025, 12, 1),
            60,
        ),
        doc(
            "dataset",
            "programa-de-transparencia-proactiva",
            "Programa anual de transparencia proactiva 2025",
            "Acciones para publicar información útil más allá de las obligaciones legales.",
            &["transparencia proactiva"],
            "",
            &[
                ("organization", &["infoem"]),
                ("theme", &["transparencia"]),
                ("format", &["PDF"]),
            ],
            date(2025, 2, 1),
            40,
        ),
        doc(
            "dataset",
            "accidentes-de-transito",
            "Accidentes de tránsito por año",
            "Número de accidentes viales registrados cada año por tipo de vehículo.",
            &["movilidad", "seguridad vial"],
            "",
            &[
                ("organization", &["secretaria-de-movilidad"]),
                ("theme", &["movilidad"]),
                ("format", &["CSV"]),
            ],
            date(2023, 8, 1),
            70,
        ),
        doc(
            "dataset",
            "recarga-de-acuiferos",
            "Recarga de acuíferos",
            "Volumen anual de recarga medido en pozos de monitoreo.",
            &["agua"],
            "",
            &[("organization", &["comision-del-agua"]), ("theme", &["agua"])],
            date(2022, 1, 1),
            10,
        ),
        doc(
            "dataset",
            "calidad-del-agua",
            "Calidad del agua en pozos",
            "Parámetros fisicoquímicos del agua de pozos profundos.",
            &["acuíferos", "agua potable"],
            "",
            &[("organization", &["comision-del-agua"]), ("theme", &["agua"])],
            date(2022, 2, 1),
            20,
        ),
        doc(
            "dataset",
            "consumo-de-agua",
            "Consumo de agua por colonia",
            "Metros cúbicos facturados; el agua proviene de acuíferos sobreexplotados.",
            &["agua"],
            "",
            &[("organization", &["comision-del-agua"]), ("theme", &["agua"])],
            date(2022, 3, 1),
            30,
        ),
        doc(
            "resource",
            "extraccion-pozos-csv",
            "Extracción por pozo (CSV)",
            "Archivo con la extracción mensual de cada pozo.",
            &[],
            "columnas: pozo, acuifero, volumen_extraido",
            &[("format", &["CSV"])],
            date(2022, 4, 1),
            5,
        ),
        doc(
            "dataset",
            "licencias-de-construccion",
            "Licencias de construcción",
            "Licencias de construcción emitidas por el municipio.",
            &["desarrollo urbano"],
            "",
            &[
                ("organization", &["ayuntamiento-de-toluca"]),
                ("municipality", &["toluca"]),
                ("format", &["CSV"]),
            ],
            date(2024, 7, 1),
            25,
        ),
        doc(
            "dataset",
            "hostil",
            "<script>alert('x')</script> Datos de prueba",
            "Descripción con <b>etiquetas</b> & símbolos \"raros\".",
            &["prueba"],
            "",
            &[("organization", &["pruebas"])],
            date(2020, 1, 1),
            0,
        ),
        doc(
            "dataset",
            "nomina-servidores-publicos",
            "Nómina de servidores públicos",
            "Remuneración bruta y neta mensual de las personas servidoras públicas.",
            &["nómina", "remuneraciones"],
            "",
            &[
                ("organization", &["secretaria-de-finanzas"]),
                ("theme", &["finanzas"]),
                ("format", &["CSV", "JSON"]),
            ],
            date(2025, 10, 1),
            500,
        ),
        doc(
            "dataset",
            "presupuestos-participativos",
            "Presupuestos participativos",
            "Proyectos vecinales elegidos por votación ciudadana.",
            &["participación ciudadana"],
            "",
            &[
                ("organization", &["ayuntamiento-de-toluca"]),
                ("theme", &["participacion"]),
                ("municipality", &["toluca"]),
            ],
            date(2024, 11, 1),
            35,
        ),
        SearchDoc {
            kind: "dataset".into(),
            id: "mapa-de-obras".into(),
            url: "/dataset/mapa-de-obras".into(),
            title: "Mapa de obras en proceso".into(),
            description: "Ubicación de las obras que el ayuntamiento tiene en proceso.".into(),
            keywords: vec![],
            body_text: String::new(),
            facets: BTreeMap::new(),
            published_at: None,
            modified_at: None,
            downloads: 0,
        },
    ]
}

/// Run `f` on an in-memory tantivy engine loaded with the corpus.
pub async fn with_tantivy<F, Fut>(f: F)
where
    F: FnOnce(Arc<dyn SearchEngine>) -> Fut,
    Fut: Future<Output = ()>,
{
    let engine = TantivyEngine::in_ram().expect("in-memory index");
    engine.upsert(&corpus()).await.expect("corpus indexed");
    f(Arc::new(engine)).await;
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server of the storage tests, as for the rest of the
/// workspace: `APERTURA_TEST_DATABASE_URL` (CI sets it; `.ci/run`'s second
/// step). Without it only the embedded engine is tested.
pub fn pg_url() -> Option<String> {
    std::env::var("APERTURA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// Says why a PostgreSQL test did nothing.
pub fn without_postgres() -> bool {
    if pg_url().is_none() {
        eprintln!("PostgreSQL search tests skipped: APERTURA_TEST_DATABASE_URL is not set");
        return true;
    }
    false
}

/// A private schema in the test database, dropped by `PgSchema::drop`.
pub struct PgSchema {
    pub admin: PgPool,
    pub name: String,
    pub pool: PgPool,
}

impl PgSchema {
    pub async fn create() -> PgSchema {
        let url = pg_url().expect("APERTURA_TEST_DATABASE_URL");
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("PostgreSQL reachable at APERTURA_TEST_DATABASE_URL");
        // Extensions live in `public` (installing them into the private schema
        // would drop them with it, under other users' feet).
        let mut tx = admin.begin().await.expect("begin");
        sqlx::query("SELECT pg_advisory_xact_lock(6201, 1)")
            .execute(&mut *tx)
            .await
            .expect("lock");
        for ext in ["unaccent", "pg_trgm"] {
            sqlx::query(&format!(
                "CREATE EXTENSION IF NOT EXISTS {ext} SCHEMA public"
            ))
            .execute(&mut *tx)
            .await
            .expect("extension");
        }
        // Schemas left by test processes that died before cleaning up
        // (the name carries the process id).
        let stale: Vec<String> =
            sqlx::query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'search\\_test\\_%'")
                .fetch_all(&mut *tx)
                .await
                .expect("schemas")
                .iter()
                .map(|r| r.get::<String, _>("nspname"))
                .filter(|name| {
                    name.split('_')
                        .nth(2)
                        .and_then(|pid| pid.parse::<u32>().ok())
                        .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
                })
                .collect();
        for name in stale {
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(&mut *tx)
                .await
                .expect("drop stale schema");
        }
        tx.commit().await.expect("commit");
        let ext_schemas: Vec<String> = sqlx::query(
            "SELECT DISTINCT extnamespace::regnamespace::text AS s FROM pg_extension \
             WHERE extname IN ('unaccent', 'pg_trgm')",
        )
        .fetch_all(&admin)
        .await
        .expect("extension schemas")
        .iter()
        .map(|r| r.get::<String, _>("s"))
        .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "search_test_{}_{}_{}",
            std::process::id(),
            SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .expect("create schema");
        let search_path = std::iter::once(name.clone())
            .chain(ext_schemas)
            .collect::<Vec<_>>()
            .join(",");
        let options = PgConnectOptions::from_str(&url)
            .expect("URL")
            .options([("search_path", search_path.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await;
        match pool {
            Ok(pool) => PgSchema { admin, name, pool },
            Err(e) => {
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&admin)
                    .await
                    .expect("drop schema");
                panic!("pool: {e}");
            }
        }
    }

    /// Run `f` with a pool on a fresh private schema; drop the schema
    /// afterwards, even when `f` panics.
    pub async fn run<F, Fut>(f: F)
    where
        F: FnOnce(PgPool) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        if without_postgres() {
            return;
        }
        let schema = PgSchema::create().await;
        let outcome = tokio::spawn(f(schema.pool.clone())).await;
        schema.drop().await;
        if let Err(e) = outcome {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
            panic!("test task failed: {e}");
        }
    }

    pub async fn drop(self) {
        self.pool.close().await;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name))
            .execute(&self.admin)
            .await
            .expect("drop schema");
        self.admin.close().await;
    }
}

/// Run `f` on a PostgreSQL engine in a private schema loaded with the corpus;
/// the schema is dropped afterwards, even when `f` panics.
pub async fn with_postgres<F, Fut>(f: F)
where
    F: FnOnce(Arc<dyn SearchEngine>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if without_postgres() {
        return;
    }
    let schema = PgSchema::create().await;
    let engine = PostgresEngine::new(schema.pool.clone());
    let setup = async {
        engine.migrate().await?;
        engine.upsert(&corpus()).await
    }
    .await;
    let outcome = match setup {
        Ok(()) => tokio::spawn(f(Arc::new(engine))).await,
        Err(e) => {
            schema.drop().await;
            panic!("setup failed: {e}");
        }
    };
    schema.drop().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}
