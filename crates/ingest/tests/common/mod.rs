//! What the datastore tests share: a datastore on the test database's
//! backend (SQLite beside it, or PostgreSQL when `APERTURA_TEST_DATABASE_URL`
//! is set).

use ingest::datastore::{datastore_path, Datastore};
use kernel::config::DatabaseTarget;

pub async fn datastore() -> (kernel::testing::TestDb, Datastore) {
    let t = kernel::testing::test_db(&[kernel::MIGRATIONS]).await;
    let ds = match &t.target {
        DatabaseTarget::Sqlite(p) => Datastore::sqlite_at(&datastore_path(p)),
        DatabaseTarget::Postgres(url) => Datastore::postgres(url).expect("PostgreSQL datastore"),
    };
    (t, ds)
}
