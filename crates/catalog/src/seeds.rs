//! Demo datasets for `serve --demo`, published by the demo bodies: enough to
//! see every kind of page (a state table built from the INEGI census figures
//! the directory already holds, a small municipality's own data with two
//! versions and a map-ready file, a draft waiting for review, an external
//! link). Everything here belongs to demo bodies, so it is marked demo too.

use bytes::Bytes;
use kernel::db::AnyConnection;
use kernel::{SeedContext, Seeds};
use sqlx::Row;

use crate::domain::sniff;
use crate::domain::workflow::Status;
use crate::store::{self, DictionaryField, Metadata, NewVersion};

pub struct CatalogSeeds;

/// A demo dataset and its files.
struct DemoDataset {
    body: &'static str,
    slug: &'static str,
    status: Status,
    meta: Metadata,
    resources: Vec<DemoResource>,
}

struct DemoResource {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    /// Versions, oldest first: file name and bytes. Empty for a link.
    versions: Vec<(&'static str, Vec<u8>)>,
    link: Option<&'static str>,
    dictionary: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

fn meta(
    title: &str,
    description: &str,
    themes: &[&str],
    keywords: &[&str],
    frequency: &str,
    spatial: &str,
) -> Metadata {
    Metadata {
        title: title.into(),
        description: description.into(),
        themes: themes.iter().map(|s| s.to_string()).collect(),
        keywords: keywords.iter().map(|s| s.to_string()).collect(),
        licence: "cc-by-4.0".into(),
        frequency: Some(frequency.into()),
        spatial: Some(spatial.into()),
        language: "es".into(),
        ..Metadata::default()
    }
}

/// Public works of a small municipality: a demo table with dd/mm/yyyy dates,
/// amounts with thousands separators and coordinates, as offices write them.
const OBRAS_2025: &str = "\
obra,localidad,monto,fecha_inicio,avance,latitud,longitud
Pavimentación de la calle Hidalgo,Zacazonapan,\"1,250,000.50\",03/02/2025,100,19.0744,-100.2558
Rehabilitación del pozo de agua potable,San Miguel,\"845,300.00\",17/03/2025,100,19.0651,-100.2710
Techado de la cancha de la escuela primaria,La Labor,\"612,480.75\",05/05/2025,80,19.0902,-100.2433
Alumbrado público con luminarias LED,Zacazonapan,\"398,000.00\",14/07/2025,60,19.0751,-100.2549
Mantenimiento del camino a Otzoloapan,El Puerto,\"1,020,900.00\",01/09/2025,35,19.0588,-100.2395
";

fn obras_v1() -> Vec<u8> {
    OBRAS_2025
        .lines()
        .take(4)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

fn demo_datasets(population_csv: Vec<u8>) -> Vec<DemoDataset> {
    vec![
        DemoDataset {
            body: "secretaria-de-finanzas",
            slug: "poblacion-municipios-2020",
            status: Status::Published,
            meta: Metadata {
                temporal_start: Some("2020-01-01".into()),
                temporal_end: Some("2020-12-31".into()),
                ..meta(
                    "Población de los municipios del Estado de México, 2020",
                    "Población total de cada uno de los 125 municipios según el **Censo de Población y Vivienda 2020** del INEGI.\n\nIncluye la clave geoestadística de cada municipio para cruzarla con otros conjuntos de datos.",
                    &["SOCI", "REGI"],
                    &["población", "censo", "municipios", "INEGI"],
                    "DECENNIAL",
                    "estado",
                )
            },
            resources: vec![DemoResource {
                slug: "poblacion-por-municipio",
                name: "Población por municipio",
                description: "Una fila por municipio.",
                versions: vec![("poblacion-municipios-2020.csv", population_csv)],
                link: None,
                dictionary: vec![
                    ("clave_inegi", "string", "Clave geoestadística del municipio (entidad y municipio).", ""),
                    ("municipio", "string", "Nombre oficial del municipio.", ""),
                    ("cabecera", "string", "Cabecera municipal.", ""),
                    ("poblacion_2020", "integer", "Población total censada en 2020.", "personas"),
                ],
            }],
        },
        DemoDataset {
            body: "ayuntamiento-de-zacazonapan",
            slug: "obra-publica-zacazonapan-2025",
            status: Status::Published,
            meta: Metadata {
                temporal_start: Some("2025-01-01".into()),
                temporal_end: Some("2025-12-31".into()),
                version_notes: Some("Se agregaron las obras iniciadas en el segundo semestre.".into()),
                ..meta(
                    "Obra pública de Zacazonapan, 2025",
                    "Obras públicas del Ayuntamiento de Zacazonapan: monto contratado, fecha de inicio, avance y ubicación.\n\n*Datos de demostración.*",
                    &["GOVE", "ECON"],
                    &["obra pública", "presupuesto", "transparencia proactiva"],
                    "QUARTERLY",
                    "15116",
                )
            },
            resources: vec![DemoResource {
                slug: "obras-2025",
                name: "Obras 2025",
                description: "Una fila por obra, con sus coordenadas.",
                versions: vec![
                    ("obras-2025.csv", obras_v1()),
                    ("obras-2025.csv", OBRAS_2025.as_bytes().to_vec()),
                ],
                link: None,
                dictionary: vec![
                    ("obra", "string", "Descripción de la obra.", ""),
                    ("localidad", "string", "Localidad donde se realiza.", ""),
                    ("monto", "number", "Monto contratado.", "pesos"),
                    ("fecha_inicio", "date", "Fecha de inicio (dd/mm/aaaa).", ""),
                    ("avance", "integer", "Avance físico.", "%"),
                    ("latitud", "number", "Latitud (WGS 84).", "grados"),
                    ("longitud", "number", "Longitud (WGS 84).", "grados"),
                ],
            }],
        },
        DemoDataset {
            body: "ayuntamiento-de-zacazonapan",
            slug: "presupuesto-egresos-zacazonapan-2026",
            status: Status::InReview,
            meta: meta(
                "Presupuesto de egresos de Zacazonapan, 2026",
                "Presupuesto aprobado por capítulo de gasto. En revisión por el Instituto.\n\n*Datos de demostración.*",
                &["ECON", "GOVE"],
                &["presupuesto", "egresos"],
                "ANNUAL",
                "15116",
            ),
            resources: vec![DemoResource {
                slug: "egresos-por-capitulo",
                name: "Egresos por capítulo",
                description: "",
                versions: vec![(
                    "egresos-2026.csv",
                    "capitulo,descripcion,monto\n1000,Servicios personales,\"38,412,000.00\"\n2000,Materiales y suministros,\"6,120,500.00\"\n3000,Servicios generales,\"9,870,250.00\"\n6000,Inversión pública,\"21,300,000.00\"\n"
                        .as_bytes()
                        .to_vec(),
                )],
                link: None,
                dictionary: vec![],
            }],
        },
        DemoDataset {
            body: "secretaria-de-finanzas",
            slug: "limites-municipales-edomex",
            status: Status::Published,
            meta: meta(
                "Límites municipales del Estado de México",
                "Los contornos de los 125 municipios del Estado de México, en GeoJSON (WGS84), simplificados para verse rápido en un mapa. Cada municipio lleva su clave INEGI y su nombre.\n\nFuente: INEGI, Marco Geoestadístico. *Datos de demostración.*",
                &["REGI", "GOVE"],
                &["límites", "municipios", "mapa", "INEGI"],
                "IRREG",
                "estado",
            ),
            resources: vec![DemoResource {
                slug: "municipios-geojson",
                name: "Municipios (GeoJSON)",
                description: "Un polígono por municipio, con su clave INEGI.",
                versions: vec![(
                    "municipios.geojson",
                    include_bytes!("../seed/municipios.geojson").to_vec(),
                )],
                link: None,
                dictionary: vec![],
            }],
        },
        DemoDataset {
            body: "ayuntamiento-de-toluca",
            slug: "portal-datos-toluca",
            status: Status::Published,
            meta: meta(
                "Datos abiertos del Ayuntamiento de Toluca",
                "Toluca publica sus datos en su propio portal; aquí queda el enlace para encontrarlos.\n\n*Datos de demostración.*",
                &["GOVE"],
                &["datos abiertos"],
                "IRREG",
                "15106",
            ),
            resources: vec![DemoResource {
                slug: "portal",
                name: "Portal del Ayuntamiento",
                description: "Sitio externo.",
                versions: vec![],
                link: Some("https://www.toluca.gob.mx/"),
                dictionary: vec![],
            }],
        },
    ]
}

/// The municipalities table as CSV (INEGI, Censo de Población y Vivienda 2020;
/// see the directory's `seed/SOURCES.md`).
async fn population_csv(conn: &mut AnyConnection) -> Result<Vec<u8>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT cvegeo, name, seat, population_2020 FROM municipalities ORDER BY cvegeo",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = csv::Writer::from_writer(vec![]);
    let write = |out: &mut csv::Writer<Vec<u8>>, record: [String; 4]| {
        out.write_record(record)
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))
    };
    write(
        &mut out,
        ["clave_inegi", "municipio", "cabecera", "poblacion_2020"].map(String::from),
    )?;
    for r in rows {
        write(
            &mut out,
            [
                r.try_get("cvegeo")?,
                r.try_get("name")?,
                r.try_get("seat")?,
                r.try_get::<i64, _>("population_2020")?.to_string(),
            ],
        )?;
    }
    out.into_inner()
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

#[async_trait::async_trait]
impl Seeds for CatalogSeeds {
    async fn demo(&self, conn: &mut AnyConnection, ctx: &SeedContext) -> Result<(), sqlx::Error> {
        let files_error = |e: kernel::files::FileError| sqlx::Error::Protocol(e.to_string());
        let population = population_csv(conn).await?;
        for d in demo_datasets(population) {
            let Some(body_id) = sqlx::query("SELECT id FROM bodies WHERE slug = $1")
                .bind(d.body)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get::<i64, _>("id"))
                .transpose()?
            else {
                continue;
            };
            let exists = sqlx::query("SELECT id FROM datasets WHERE slug = $1")
                .bind(d.slug)
                .fetch_optional(&mut *conn)
                .await?
                .is_some();
            if exists {
                continue;
            }
            let id =
                store::create_dataset(conn, &ctx.actor, d.slug, body_id, &d.meta, false).await?;
            let mut rids = vec![];
            for r in d.resources {
                let rid = store::create_resource(
                    conn,
                    &ctx.actor,
                    id,
                    r.slug,
                    r.name,
                    r.description,
                    r.link,
                )
                .await?;
                rids.push(rid);
                for (i, (filename, bytes)) in r.versions.into_iter().enumerate() {
                    let detected = sniff::sniff(&bytes, filename);
                    let blob = ctx
                        .files
                        .put_bytes(Bytes::from(bytes))
                        .await
                        .map_err(files_error)?;
                    let notes = (i > 0).then_some("Se agregaron dos obras.");
                    let v = store::add_version(
                        conn,
                        &ctx.actor,
                        rid,
                        &NewVersion {
                            blob: &blob,
                            media_type: detected.media_type(),
                            format: detected.name(),
                            filename,
                            notes,
                        },
                    )
                    .await?;
                    ctx.events
                        .emit(
                            conn,
                            &ctx.jobs,
                            kernel::events::RESOURCE_VERSION_CREATED,
                            &v.id.to_string(),
                            serde_json::json!({
                                "version_id": v.id,
                                "resource_id": rid,
                                "dataset_id": id,
                                "format": v.format,
                            }),
                        )
                        .await?;
                }
                if !r.dictionary.is_empty() {
                    let fields: Vec<DictionaryField> = r
                        .dictionary
                        .iter()
                        .map(|(name, field_type, description, unit)| DictionaryField {
                            name: name.to_string(),
                            field_type: field_type.to_string(),
                            description: description.to_string(),
                            unit: unit.to_string(),
                        })
                        .collect();
                    store::replace_dictionary(conn, &ctx.actor, rid, &fields).await?;
                }
            }
            if d.status != Status::Draft {
                store::set_status(conn, &ctx.actor, id, Status::Draft, d.status, None).await?;
            }
            crate::search::announce(conn, &ctx.events, &ctx.jobs, id, None).await?;
            for rid in rids {
                crate::search::announce(conn, &ctx.events, &ctx.jobs, id, Some(rid)).await?;
            }
        }
        Ok(())
    }
}
