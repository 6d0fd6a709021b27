//! Pages and routes of the catalog: datasets (`datasets.rs`) and their
//! resources, uploads and downloads (`resources.rs`).

pub mod datasets;
pub mod dictionary;
pub mod fragments;
pub mod resources;

use kernel::web::Routes;

pub fn routes() -> Routes {
    datasets::routes()
        .merge(resources::routes())
        .merge(dictionary::routes())
}
