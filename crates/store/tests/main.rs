//! The store against both backends. One test binary for all of them, so that the workspace links
//! (and stores) one large executable here instead of one per file.

/// Runs each named `async fn(&Store)` once on SQLite and once on PostgreSQL, as two tests.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(&uppfolj_store::testing::TestDb::new(uppfolj_store::Backend::Sqlite).await.store).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(&uppfolj_store::testing::TestDb::new(uppfolj_store::Backend::Postgres).await.store).await
            }
        }
    )*};
}

mod council;
mod documents;
mod organisations;
mod store;
mod transfer;
