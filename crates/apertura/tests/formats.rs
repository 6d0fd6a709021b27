//! The catalog in the standards of the field, over HTTP on the real
//! application with the demo data (on whichever backend the suite runs):
//! DCAT-AP 3 in Turtle, JSON-LD and RDF/XML (read back with the same RDF
//! crate), its Hydra paging, Project Open Data `data.json`, Frictionless
//! `datapackage.json` (its hash is the file's), schema.org JSON-LD in the
//! dataset page, the sitemap and the Atom feeds; what must never appear
//! (drafts, datasets in review, private and unpublished ones); hostile
//! `?page=` values; accents intact everywhere.

#![allow(clippy::unwrap_used)]

mod common;

use catalog::domain::workflow::Status;
use common::{spawn_app, TestApp};
use interop::dcat::{parse, Syntax};
use kernel::authz::Actor;
use serde_json::Value;
use sha2::{Digest, Sha256};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";

/// The demo's public datasets.
const PUBLIC: [&str; 4] = [
    "poblacion-municipios-2020",
    "obra-publica-zacazonapan-2025",
    "limites-municipales-edomex",
    "portal-datos-toluca",
];

/// A triple as text: subject and object in N-Triples, the predicate bare.
type T = (String, String, String);

async fn rdf(app: &TestApp, path: &str, syntax: Syntax) -> Vec<T> {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with(syntax.media_type()), "{path}: {ct}");
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=300",
        "{path}"
    );
    let bytes = r.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    parse(syntax, &bytes)
        .unwrap_or_else(|e| panic!("{path} does not parse as {syntax:?}: {e}\n{text}"))
        .into_iter()
        .map(|t| {
            (
                t.subject.to_string(),
                t.predicate.as_str().to_string(),
                t.object.to_string(),
            )
        })
        .collect()
}

fn objects(g: &[T], s: &str, p: &str) -> Vec<String> {
    g.iter()
        .filter(|t| t.0 == s && t.1 == p)
        .map(|t| t.2.clone())
        .collect()
}

fn subjects_of_type(g: &[T], class: &str) -> Vec<String> {
    g.iter()
        .filter(|t| t.1 == RDF_TYPE && t.2 == format!("<{class}>"))
        .map(|t| t.0.clone())
        .collect()
}

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, v)
}

async fn zacazonapan(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM bodies WHERE slug = 'ayuntamiento-de-zacazonapan'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap()
}

fn meta(title: &str) -> catalog::store::Metadata {
    catalog::store::Metadata {
        title: title.into(),
        description: format!("Descripción de «{title}»."),
        licence: "cc-by-4.0".into(),
        language: "es".into(),
        themes: vec!["ECON".into()],
        ..Default::default()
    }
}

/// Creates datasets directly, published unless said otherwise.
async fn create(app: &TestApp, list: &[(&str, &str, Status, bool)]) {
    let body = zacazonapan(app).await;
    let system = Actor::system();
    let mut tx = app.app_state.db.begin().await.unwrap();
    for (slug, title, status, private) in list {
        let id =
            catalog::store::create_dataset(&mut tx, &system, slug, body, &meta(title), *private)
                .await
                .unwrap();
        if *status != Status::Draft {
            catalog::store::set_status(&mut tx, &system, id, Status::Draft, *status, None)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_dcat_catalog_in_three_syntaxes() {
    let app = spawn_app().await;
    app.settle().await;
    let base = app.base_url.clone();
    let poblacion = format!("<{base}/datos/poblacion-municipios-2020>");
    for syntax in Syntax::ALL {
        let path = format!("/catalog.{}", syntax.extension());
        let g = rdf(&app, &path, syntax).await;
        let catalogs = subjects_of_type(&g, &format!("{DCAT}Catalog"));
        assert_eq!(catalogs, [format!("<{base}>")], "{path}");
        let mut datasets = subjects_of_type(&g, &format!("{DCAT}Dataset"));
        datasets.sort();
        let mut expected: Vec<String> = PUBLIC
            .iter()
            .map(|s| format!("<{base}/datos/{s}>"))
            .collect();
        expected.sort();
        assert_eq!(datasets, expected, "{path}");
        assert_eq!(
            objects(&g, &catalogs[0], &format!("{DCT}publisher")),
            [format!("<{base}/sujetos-obligados/infoem>")]
        );
        assert_eq!(
            objects(&g, &catalogs[0], &format!("{DCAT}themeTaxonomy")),
            ["<http://publications.europa.eu/resource/authority/data-theme>"]
        );
        // Accents survive.
        assert_eq!(
            objects(&g, &poblacion, &format!("{DCT}title")),
            ["\"Población de los municipios del Estado de México, 2020\"@es"],
            "{path}"
        );
        assert!(objects(&g, &poblacion, &format!("{DCAT}keyword"))
            .contains(&"\"población\"@es".to_string()));
        // Paging: one page of four.
        let page = format!("<{base}/catalog.{}?page=1>", syntax.extension());
        assert_eq!(
            objects(&g, &page, RDF_TYPE),
            [format!("<{HYDRA}PagedCollection>")]
        );
        assert_eq!(
            objects(&g, &page, &format!("{HYDRA}totalItems")),
            ["\"4\"^^<http://www.w3.org/2001/XMLSchema#integer>"]
        );
        assert!(objects(&g, &page, &format!("{HYDRA}nextPage")).is_empty());
        assert!(objects(&g, &page, &format!("{HYDRA}previousPage")).is_empty());
    }
}

#[tokio::test]
async fn one_dataset_in_dcat_ap() {
    let app = spawn_app().await;
    app.settle().await;
    let base = app.base_url.clone();
    let ds = format!("<{base}/datos/poblacion-municipios-2020>");
    for syntax in Syntax::ALL {
        let path = format!(
            "/datos/poblacion-municipios-2020/dcat.{}",
            syntax.extension()
        );
        let g = rdf(&app, &path, syntax).await;
        let o = |s: &str, p: &str| objects(&g, s, p);
        assert_eq!(o(&ds, RDF_TYPE), [format!("<{DCAT}Dataset>")], "{path}");
        let themes = o(&ds, &format!("{DCAT}theme"));
        assert!(themes.contains(
            &"<http://publications.europa.eu/resource/authority/data-theme/SOCI>".to_string()
        ));
        assert_eq!(
            o(&ds, &format!("{DCT}accrualPeriodicity")),
            ["<http://publications.europa.eu/resource/authority/frequency/DECENNIAL>"]
        );
        assert_eq!(
            o(&ds, &format!("{DCT}language")),
            ["<http://publications.europa.eu/resource/authority/language/SPA>"]
        );
        let publisher = o(&ds, &format!("{DCT}publisher"));
        assert_eq!(
            publisher,
            [format!("<{base}/sujetos-obligados/secretaria-de-finanzas>")]
        );
        assert_eq!(
            o(&publisher[0], RDF_TYPE),
            ["<http://xmlns.com/foaf/0.1/Agent>"]
        );
        assert_eq!(
            o(&publisher[0], "http://xmlns.com/foaf/0.1/name"),
            ["\"Secretaría de Finanzas\"@es"]
        );
        assert_eq!(
            o(&ds, &format!("{DCT}spatial")),
            [format!("<{base}/municipios>")]
        );
        let issued = o(&ds, &format!("{DCT}issued"));
        assert!(
            issued[0].ends_with("^^<http://www.w3.org/2001/XMLSchema#date>"),
            "{issued:?}"
        );
        // The period and the contact point.
        let period = &o(&ds, &format!("{DCT}temporal"))[0];
        assert_eq!(
            o(period, &format!("{DCAT}startDate")),
            ["\"2020-01-01\"^^<http://www.w3.org/2001/XMLSchema#date>"]
        );
        assert_eq!(
            o(period, &format!("{DCAT}endDate")),
            ["\"2020-12-31\"^^<http://www.w3.org/2001/XMLSchema#date>"]
        );
        let contact = &o(&ds, &format!("{DCAT}contactPoint"))[0];
        assert_eq!(
            o(contact, RDF_TYPE),
            ["<http://www.w3.org/2006/vcard/ns#Kind>"]
        );
        let mail = o(contact, "http://www.w3.org/2006/vcard/ns#hasEmail");
        assert!(mail[0].starts_with("<mailto:"), "{mail:?}");
        // The distribution.
        let dist = o(&ds, &format!("{DCAT}distribution"));
        let page =
            format!("<{base}/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio>");
        assert_eq!(dist, std::slice::from_ref(&page));
        assert_eq!(
            o(&page, &format!("{DCAT}accessURL")),
            std::slice::from_ref(&page)
        );
        assert_eq!(
            o(&page, &format!("{DCAT}downloadURL")),
            [format!("<{base}/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio/descargar>")]
        );
        assert_eq!(
            o(&page, &format!("{DCT}format")),
            ["<http://publications.europa.eu/resource/authority/file-type/CSV>"]
        );
        assert_eq!(
            o(&page, &format!("{DCAT}mediaType")),
            ["<http://www.iana.org/assignments/media-types/text/csv>"]
        );
        assert_eq!(
            o(&page, &format!("{DCT}license")),
            ["<http://publications.europa.eu/resource/authority/licence/CC_BY_4_0>"]
        );
        assert!(o(&page, &format!("{DCAT}byteSize"))[0]
            .ends_with("^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>"));
        // Every referenced vocabulary term carries its class.
        for (value, class) in [
            (
                "<http://publications.europa.eu/resource/authority/file-type/CSV>",
                format!("<{DCT}MediaTypeOrExtent>"),
            ),
            (
                "<http://www.iana.org/assignments/media-types/text/csv>",
                format!("<{DCT}MediaType>"),
            ),
            (
                "<http://publications.europa.eu/resource/authority/frequency/DECENNIAL>",
                format!("<{DCT}Frequency>"),
            ),
            (
                "<http://publications.europa.eu/resource/authority/licence/CC_BY_4_0>",
                format!("<{DCT}LicenseDocument>"),
            ),
        ] {
            assert_eq!(o(value, RDF_TYPE), [class], "{value}");
        }
    }
    // A link resource: its page and the other site give access, nothing to download.
    let g = rdf(&app, "/datos/portal-datos-toluca/dcat.ttl", Syntax::Turtle).await;
    let page = format!("<{base}/datos/portal-datos-toluca/recursos/portal>");
    let mut access = objects(&g, &page, &format!("{DCAT}accessURL"));
    access.sort();
    assert_eq!(
        access,
        [page.clone(), "<https://www.toluca.gob.mx/>".to_string()]
    );
    assert!(objects(&g, &page, &format!("{DCAT}downloadURL")).is_empty());
}

#[tokio::test]
async fn the_catalog_is_paged_and_hostile_pages_get_a_clear_answer() {
    let app = spawn_app().await;
    let list: Vec<(String, String)> = (0..150)
        .map(|i| (format!("conjunto-{i:03}"), format!("Conjunto número {i}")))
        .collect();
    let rows: Vec<(&str, &str, Status, bool)> = list
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str(), Status::Published, false))
        .collect();
    create(&app, &rows).await;
    app.settle().await;
    let base = app.base_url.clone();
    let g1 = rdf(&app, "/catalog.ttl", Syntax::Turtle).await;
    let g1b = rdf(&app, "/catalog.ttl?page=1", Syntax::Turtle).await;
    assert_eq!(
        subjects_of_type(&g1, &format!("{DCAT}Dataset")).len(),
        subjects_of_type(&g1b, &format!("{DCAT}Dataset")).len()
    );
    let g2 = rdf(&app, "/catalog.ttl?page=2", Syntax::Turtle).await;
    assert_eq!(subjects_of_type(&g1, &format!("{DCAT}Dataset")).len(), 100);
    assert_eq!(subjects_of_type(&g2, &format!("{DCAT}Dataset")).len(), 54);
    let p1 = format!("<{base}/catalog.ttl?page=1>");
    let p2 = format!("<{base}/catalog.ttl?page=2>");
    let lit = |n: i64| format!("\"{base}/catalog.ttl?page={n}\"");
    assert_eq!(objects(&g1, &p1, &format!("{HYDRA}nextPage")), [lit(2)]);
    assert_eq!(objects(&g1, &p1, &format!("{HYDRA}firstPage")), [lit(1)]);
    assert_eq!(objects(&g1, &p1, &format!("{HYDRA}lastPage")), [lit(2)]);
    assert_eq!(
        objects(&g1, &p1, &format!("{HYDRA}itemsPerPage")),
        ["\"100\"^^<http://www.w3.org/2001/XMLSchema#integer>"]
    );
    assert_eq!(
        objects(&g1, &p1, &format!("{HYDRA}totalItems")),
        ["\"154\"^^<http://www.w3.org/2001/XMLSchema#integer>"]
    );
    assert!(objects(&g1, &p1, &format!("{HYDRA}previousPage")).is_empty());
    assert_eq!(objects(&g2, &p2, &format!("{HYDRA}previousPage")), [lit(1)]);
    assert!(objects(&g2, &p2, &format!("{HYDRA}nextPage")).is_empty());
    // The pages do not overlap and together hold every public dataset.
    let mut all: Vec<String> = subjects_of_type(&g1, &format!("{DCAT}Dataset"));
    all.extend(subjects_of_type(&g2, &format!("{DCAT}Dataset")));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 154);
    // JSON-LD and RDF/XML page the same way, with their own addresses.
    let j2 = rdf(&app, "/catalog.jsonld?page=2", Syntax::JsonLd).await;
    assert_eq!(
        objects(
            &j2,
            &format!("<{base}/catalog.jsonld?page=2>"),
            &format!("{HYDRA}previousPage")
        ),
        [format!("\"{base}/catalog.jsonld?page=1\"")]
    );
    // Malformed pages: 400 in Spanish; past the end: 404 saying how many there are.
    for bad in ["0", "-1", "abc", "1.5", "", "99999999999999999999999"] {
        for ext in ["ttl", "jsonld", "rdf"] {
            let (status, text) = app.get_text(&format!("/catalog.{ext}?page={bad}")).await;
            assert_eq!(status, 400, "page={bad}");
            assert!(
                text.contains("debe ser un número entero desde 1"),
                "page={bad}: {text}"
            );
        }
    }
    for past in ["3", "9223372036854775807"] {
        let (status, text) = app.get_text(&format!("/catalog.ttl?page={past}")).await;
        assert_eq!(status, 404, "page={past}");
        assert!(text.contains("el catálogo tiene 2 página(s)"), "{text}");
    }
    // data.json lists them all.
    let (_, v) = json(&app, "/data.json").await;
    assert_eq!(v["dataset"].as_array().unwrap().len(), 154);
}

#[tokio::test]
async fn unpublished_drafts_private_and_in_review_datasets_never_appear() {
    let app = spawn_app().await;
    create(
        &app,
        &[
            (
                "borrador-formatos",
                "Borrador secreto",
                Status::Draft,
                false,
            ),
            (
                "privado-formatos",
                "Privado secreto",
                Status::Published,
                true,
            ),
            (
                "retirado-formatos",
                "Retirado secreto",
                Status::Published,
                false,
            ),
        ],
    )
    .await;
    // Published, then withdrawn.
    let id: i64 = sqlx::query_scalar("SELECT id FROM datasets WHERE slug = 'retirado-formatos'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    let mut tx = app.app_state.db.begin().await.unwrap();
    catalog::store::set_status(
        &mut tx,
        &Actor::system(),
        id,
        Status::Published,
        Status::Unpublished,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.settle().await;
    let hidden = [
        "presupuesto-egresos-zacazonapan-2026",
        "borrador-formatos",
        "privado-formatos",
        "retirado-formatos",
    ];
    for path in [
        "/catalog.ttl",
        "/catalog.jsonld",
        "/catalog.rdf",
        "/data.json",
        "/sitemap.xml",
        "/datos/novedades.atom",
        "/sujetos-obligados/ayuntamiento-de-zacazonapan/novedades.atom",
    ] {
        let (status, text) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        for h in hidden {
            assert!(!text.contains(h), "{path} shows {h}");
        }
        assert!(!text.contains("secreto"), "{path}");
        assert!(text.contains("obra-publica-zacazonapan-2025"), "{path}");
    }
    for h in hidden {
        for suffix in ["dcat.ttl", "dcat.jsonld", "dcat.rdf", "datapackage.json"] {
            let (status, _) = app.get_text(&format!("/datos/{h}/{suffix}")).await;
            assert_eq!(status, 404, "{h}/{suffix}");
        }
    }
    // Its editors see the dataset in review, without schema.org or alternates.
    let editor = app
        .sign_in(
            "enlace.zacazonapan@apertura.example",
            accounts::DEMO_PASSWORD,
        )
        .await;
    let r = editor
        .get(app.url("/datos/presupuesto-egresos-zacazonapan-2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(!html.contains("application/ld+json"));
    assert!(!html.contains("/dcat.ttl"));
}

#[tokio::test]
async fn unknown_datasets_and_bodies_are_404() {
    let app = spawn_app().await;
    for path in [
        "/datos/no-existe/dcat.ttl",
        "/datos/no-existe/dcat.jsonld",
        "/datos/no-existe/dcat.rdf",
        "/datos/no-existe/datapackage.json",
        "/sujetos-obligados/no-existe/novedades.atom",
        // Only links: no data package to describe.
        "/datos/portal-datos-toluca/datapackage.json",
    ] {
        let (status, text) = app.get_text(path).await;
        assert_eq!(status, 404, "{path}: {text}");
    }
    let (_, text) = app
        .get_text("/datos/portal-datos-toluca/datapackage.json")
        .await;
    assert!(text.contains("no tiene archivos publicados"), "{text}");
}

#[tokio::test]
async fn data_json_in_project_open_data_1_1() {
    let app = spawn_app().await;
    app.settle().await;
    let base = app.base_url.clone();
    let r = app.get("/data.json").await;
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    let (status, v) = json(&app, "/data.json").await;
    assert_eq!(status, 200);
    assert_eq!(
        v["conformsTo"],
        "https://project-open-data.cio.gov/v1.1/schema"
    );
    assert_eq!(v["@type"], "dcat:Catalog");
    assert_eq!(
        v["@context"],
        "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
    );
    assert_eq!(
        v["describedBy"],
        "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
    );
    let datasets = v["dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), 4);
    for d in datasets {
        assert!(!d["keyword"].as_array().unwrap().is_empty(), "{d}");
        assert_eq!(d["accessLevel"], "public");
        assert!(d["contactPoint"]["hasEmail"]
            .as_str()
            .unwrap()
            .starts_with("mailto:"));
        assert!(d["contactPoint"]["fn"].is_string());
        assert_eq!(d["publisher"]["@type"], "org:Organization");
        assert_eq!(d["identifier"], d["landingPage"]);
        assert_eq!(d["language"], serde_json::json!(["es-MX"]));
        assert!(d["modified"].as_str().unwrap().starts_with("20"));
    }
    let p = datasets
        .iter()
        .find(|d| d["identifier"] == format!("{base}/datos/poblacion-municipios-2020"))
        .unwrap();
    assert_eq!(
        p["title"],
        "Población de los municipios del Estado de México, 2020"
    );
    assert_eq!(p["publisher"]["name"], "Secretaría de Finanzas");
    assert_eq!(p["accrualPeriodicity"], "R/P10Y");
    assert_eq!(p["temporal"], "2020-01-01/2020-12-31");
    assert_eq!(p["spatial"], "Estado de México");
    assert_eq!(p["license"], "https://creativecommons.org/licenses/by/4.0/");
    assert_eq!(
        p["theme"],
        serde_json::json!(["Población y sociedad", "Regiones y ciudades"])
    );
    let dist = &p["distribution"][0];
    assert_eq!(dist["mediaType"], "text/csv");
    assert_eq!(
        dist["downloadURL"],
        format!(
            "{base}/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio/descargar"
        )
    );
    assert_eq!(
        dist["describedBy"],
        format!(
            "{base}/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio/esquema.json"
        )
    );
    let toluca = datasets
        .iter()
        .find(|d| d["identifier"] == format!("{base}/datos/portal-datos-toluca"))
        .unwrap();
    assert_eq!(
        toluca["distribution"][0]["accessURL"],
        "https://www.toluca.gob.mx/"
    );
    assert!(toluca["distribution"][0].get("downloadURL").is_none());
    assert_eq!(toluca["accrualPeriodicity"], "irregular");
}

#[tokio::test]
async fn a_dataset_as_a_frictionless_data_package() {
    let app = spawn_app().await;
    app.settle().await;
    let base = app.base_url.clone();
    let (status, p) = json(&app, "/datos/poblacion-municipios-2020/datapackage.json").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["name"], "poblacion-municipios-2020");
    assert_eq!(
        p["title"],
        "Población de los municipios del Estado de México, 2020"
    );
    assert_eq!(p["licenses"][0]["name"], "CC-BY-4.0");
    assert_eq!(
        p["licenses"][0]["path"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(
        p["licenses"][0]["title"],
        "Creative Commons Atribución 4.0 Internacional"
    );
    let r = &p["resources"][0];
    assert_eq!(r["name"], "poblacion-por-municipio");
    assert_eq!(r["format"], "csv");
    assert_eq!(r["mediatype"], "text/csv");
    assert_eq!(r["encoding"], "utf-8");
    let path = r["path"].as_str().unwrap();
    assert!(
        path.starts_with(&format!(
            "{base}/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio/v/1/"
        )),
        "{path}"
    );
    // The bytes at that path are the ones described.
    let bytes = app
        .client
        .get(path)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(r["bytes"], bytes.len() as u64);
    assert_eq!(
        r["hash"],
        format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
    );
    let fields: Vec<&str> = r["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["clave_inegi", "municipio", "cabecera", "poblacion_2020"]
    );
    assert!(r["schema"]
        .as_object()
        .unwrap()
        .keys()
        .all(|k| !k.starts_with("x-")));
    let population = r["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "poblacion_2020")
        .unwrap();
    assert_eq!(population["type"], "integer");
}

#[tokio::test]
async fn the_dataset_page_carries_schema_org_and_its_alternates() {
    let app = spawn_app().await;
    create(
        &app,
        &[(
            "titulo-hostil",
            "Título </script><script>alert(1)</script> & más",
            Status::Published,
            false,
        )],
    )
    .await;
    app.settle().await;
    let base = app.base_url.clone();
    let r = app.get("/datos/poblacion-municipios-2020").await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Dataset");
    assert_eq!(
        ld["name"],
        "Población de los municipios del Estado de México, 2020"
    );
    assert_eq!(ld["url"], format!("{base}/datos/poblacion-municipios-2020"));
    assert_eq!(
        ld["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(ld["isAccessibleForFree"], true);
    assert_eq!(ld["inLanguage"], "es-MX");
    assert_eq!(ld["creator"]["@type"], "GovernmentOrganization");
    assert_eq!(ld["publisher"]["name"], "Secretaría de Finanzas");
    assert_eq!(ld["temporalCoverage"], "2020-01-01/2020-12-31");
    assert_eq!(ld["spatialCoverage"]["name"], "Estado de México");
    assert_eq!(ld["distribution"][0]["@type"], "DataDownload");
    assert_eq!(ld["distribution"][0]["encodingFormat"], "text/csv");
    assert!(ld["keywords"]
        .as_array()
        .unwrap()
        .contains(&Value::from("población")));
    // The alternates sit in the <head>.
    let head = &html[..html.find("</head>").unwrap()];
    for (ty, href) in [
        (
            "text/turtle",
            format!("{base}/datos/poblacion-municipios-2020/dcat.ttl"),
        ),
        (
            "application/ld+json",
            format!("{base}/datos/poblacion-municipios-2020/dcat.jsonld"),
        ),
        (
            "application/rdf+xml",
            format!("{base}/datos/poblacion-municipios-2020/dcat.rdf"),
        ),
        (
            "application/json",
            format!("{base}/datos/poblacion-municipios-2020/datapackage.json"),
        ),
        (
            "application/atom+xml",
            format!("{base}/datos/novedades.atom"),
        ),
    ] {
        assert!(
            head.contains(&format!(
                "<link rel=\"alternate\" type=\"{ty}\" href=\"{href}\""
            )),
            "{ty} {href}"
        );
    }
    // No text can close the script element; the title comes back whole.
    let html = app.get_text("/datos/titulo-hostil").await.1;
    assert!(!html.contains("<script>alert(1)"));
    let ld = json_ld(&html);
    assert_eq!(
        ld["name"],
        "Título </script><script>alert(1)</script> & más"
    );
}

/// The JSON-LD block of a page.
fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn sitemap_robots_and_atom_feeds() {
    let app = spawn_app().await;
    app.settle().await;
    let base = app.base_url.clone();
    let r = app.get("/sitemap.xml").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let sitemap = r.text().await.unwrap();
    assert!(sitemap.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for path in [
        "/",
        "/datos",
        "/sujetos-obligados/ayuntamiento-de-zacazonapan",
        "/municipios/zacazonapan",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{base}{path}</loc>")),
            "{path}"
        );
    }
    for slug in PUBLIC {
        assert!(
            sitemap.contains(&format!("<loc>{base}/datos/{slug}</loc><lastmod>20")),
            "{slug}"
        );
    }
    let (_, robots) = app.get_text("/robots.txt").await;
    assert!(
        robots.contains(&format!("Sitemap: {base}/sitemap.xml")),
        "{robots}"
    );

    let r = app.get("/datos/novedades.atom").await;
    assert_eq!(
        r.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    let feed = r.text().await.unwrap();
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(feed.contains(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/datos/novedades.atom\"/>"
    )));
    assert_eq!(feed.matches("<entry>").count(), 4);
    for slug in PUBLIC {
        assert!(
            feed.contains(&format!("<id>{base}/datos/{slug}</id>")),
            "{slug}"
        );
    }
    assert!(feed.contains("<title>Población de los municipios del Estado de México, 2020</title>"));
    assert!(feed.contains("<author><name>Secretaría de Finanzas</name>"));
    let body = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan/novedades.atom")
        .await
        .1;
    assert_eq!(body.matches("<entry>").count(), 1);
    assert!(body.contains(&format!(
        "<id>{base}/datos/obra-publica-zacazonapan-2025</id>"
    )));
    // Its profile links to it; a body without published data has no feed link.
    let profile = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan")
        .await
        .1;
    assert!(
        profile.contains("href=\"/sujetos-obligados/ayuntamiento-de-zacazonapan/novedades.atom\"")
    );
    let infoem = app.get_text("/sujetos-obligados/infoem").await.1;
    assert!(!infoem.contains("novedades.atom"));
}
