//! Interoperability (work plan: datos abiertos que otros portales y
//! herramientas puedan leer): the CKAN Action API v3 (`ckan.rs`), DCAT-AP 3
//! catalogs (`dcat.rs`), Project Open Data `data.json` (`pod.rs`),
//! Frictionless Data Packages (`datapackage.rs`), schema.org JSON-LD in the
//! dataset page (`schemaorg.rs`), sitemaps and Atom feeds (`feeds.rs`), the
//! native JSON API and its OpenAPI description (`native.rs`, `openapi.rs`);
//! `common.rs` holds what several formats share (vocabulary URIs, contact
//! and place fallbacks, paging). Everything reads the catalog through
//! `model.rs`: what the public may see, in one shape. (Harvesting other
//! portals is a capability of its own, `harvest`.)

pub mod ckan;
pub mod common;
pub mod datapackage;
pub mod dcat;
pub mod feeds;
pub mod model;
pub mod native;
pub mod openapi;
pub mod pod;
pub mod schemaorg;

use kernel::web::Routes;
use kernel::Capability;

pub fn routes() -> Routes {
    ckan::routes()
        .merge(dcat::routes())
        .merge(pod::routes())
        .merge(datapackage::routes())
        .merge(feeds::routes())
        .merge(native::routes())
        .merge(openapi::routes())
}

pub fn capability() -> Capability {
    Capability {
        catalogs: kernel::catalogs!("interop"),
        templates: vec![(
            "interop/api/docs.html",
            include_str!("../templates/api/docs.html"),
        )],
        routes,
        fragments: vec![
            std::sync::Arc::new(schemaorg::DatasetHead),
            std::sync::Arc::new(feeds::BodyFeedLink),
        ],
        ..Capability::new("interop")
    }
}
