//! Resources of a dataset: uploads (streamed, with progress), new versions,
//! and downloads at permanent addresses. (Being written.)

use kernel::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
