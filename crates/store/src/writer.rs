//! Group commit for SQLite: one thread writes the saves of many concurrent requests in one
//! transaction, so they share one fsync. A request's saves are checked before any of them is
//! written (see `saving`), so a refused request leaves the transaction as it was and needs no
//! savepoint; every request is answered only after the commit that made its saves durable.
//!
//! The writer has a connection of its own, outside sqlx's pool, on a thread of its own: a commit
//! runs thousands of statements, and each costs microseconds when stepped directly but a
//! hand-over to a worker thread and back through the pool's driver. Every other write (submit,
//! accept, definitions) still goes through the pool; SQLite's lock and busy timeout order the
//! two.
//!
//! The WAL is checkpointed in two steps. A checkpoint copies pages into the database file and
//! fsyncs it, which would hold up every save queued behind the writer, so a task of its own does
//! the bulk of it beside the writer (PASSIVE: without blocking it). But under a steady stream of
//! saves that checkpoint never catches up with the end of the WAL, and SQLite starts the WAL
//! over only when one has: the WAL would grow without end. So after each such pass the writer,
//! between two commits, checkpoints the few frames written since, and its next transaction
//! starts the WAL from the beginning.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::catalogue::Catalogue;
use crate::error::{SaveError, StoreError};
use crate::saving::{JobOutcome, SaveJob};

/// How many requests one commit takes at most.
const MAX_BATCH: usize = 256;

/// How often the WAL is checkpointed: often enough to keep it to a few megabytes under load.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Told how many requests' saves each commit of answers held, for metrics: many on SQLite's
/// group commit, one per commit on PostgreSQL.
#[derive(Clone, Default)]
pub(crate) struct CommitObserver(Arc<OnceLock<Observe>>);

/// What a [`CommitObserver`] calls.
type Observe = Box<dyn Fn(usize) + Send + Sync>;

impl CommitObserver {
    /// Sets what is told; only the first is kept.
    pub fn set(&self, observe: impl Fn(usize) + Send + Sync + 'static) {
        let _ = self.0.set(Box::new(observe));
    }

    /// Tells of a commit that held `requests` requests' saves.
    pub fn committed(&self, requests: usize) {
        if let Some(observe) = self.0.get() {
            observe(requests);
        }
    }
}

impl std::fmt::Debug for CommitObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CommitObserver")
    }
}

/// The queue to the writer thread.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Queued>,
}

impl Writer {
    /// Opens the writer's connection to the database file at `path` and starts the writer
    /// thread, and its checkpointer on the current runtime; both end when the last `Writer` is
    /// dropped. The pool's connections must not checkpoint on commit (`wal_autocheckpoint = 0`).
    pub fn start(
        path: &Path,
        pool: AnyPool,
        commits: CommitObserver,
    ) -> Result<Writer, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000; PRAGMA mmap_size = 268435456; \
             PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;",
        )?;
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        let (running, stopped) = oneshot::channel::<()>();
        let caught_up = Arc::new(AtomicBool::new(false));
        tokio::spawn(checkpoint(pool, caught_up.clone(), stopped));
        std::thread::Builder::new()
            .name("uppfolj-writer".into())
            .spawn(move || {
                write_batches(conn, &caught_up, jobs, &commits);
                drop(running);
            })
            .map_err(StoreError::WriterThread)?;
        Ok(Writer { queue })
    }

    /// Queues a job and waits until it is committed (or refused).
    pub async fn submit(&self, job: SaveJob) -> JobOutcome {
        let (reply, outcome) = oneshot::channel();
        let stopped = || {
            (
                0,
                SaveError::Store(StoreError::Rule("databasen stängs; försök igen".into())),
            )
        };
        self.queue.send((job, reply)).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

/// A queued job and where its outcome goes.
type Queued = (SaveJob, oneshot::Sender<JobOutcome>);

/// Writes batches as jobs come, and finishes the checkpointer's passes between them.
fn write_batches(
    mut conn: Connection,
    caught_up: &AtomicBool,
    mut jobs: mpsc::Receiver<Queued>,
    commits: &CommitObserver,
) {
    let mut catalogue = Catalogue::default();
    while let Some(first) = jobs.blocking_recv() {
        write_batch(&mut conn, &mut catalogue, first, &mut jobs, commits);
        if caught_up.swap(false, Ordering::Relaxed)
            && let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one tries again");
        }
    }
}

/// Checkpoints the WAL every `CHECKPOINT_EVERY` until `stopped` resolves (the writer ended) or
/// the pool is closed, and after each pass asks the writer to finish it (`caught_up`).
async fn checkpoint(pool: AnyPool, caught_up: Arc<AtomicBool>, mut stopped: oneshot::Receiver<()>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            _ = every.tick() => {}
        }
        if pool.is_closed() {
            return;
        }
        match sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            Ok(_) => caught_up.store(true, Ordering::Relaxed),
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; the next one tries again"),
        }
    }
}

/// Runs `first` and, in the same transaction, every job queued while the transaction runs (up
/// to `MAX_BATCH`), one after the other, then commits, tells `commits`, and answers.
fn write_batch(
    conn: &mut Connection,
    catalogue: &mut Catalogue,
    first: Queued,
    jobs: &mut mpsc::Receiver<Queued>,
    commits: &CommitObserver,
) {
    let begin = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .and_then(|tx| catalogue.refresh(&tx).map(|()| tx));
    let tx = match begin {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a write transaction");
            return fail_all(std::iter::once(first.1), &e);
        }
    };
    let mut done = Vec::new();
    let mut next = Some(first);
    let mut taken = 1;
    while let Some((job, reply)) = next.take() {
        match job.run_sqlite(&tx, catalogue) {
            Ok(Ok(saved)) => done.push((reply, saved)),
            Ok(Err(refused)) => {
                let _ = reply.send(Err(refused));
            }
            // A write failed: the transaction may hold part of the job, so nothing of this
            // commit is kept (dropping the transaction rolls it back) and every job in it fails.
            Err(error) => {
                tracing::error!(error = ?error, "a save failed while writing; the batch is rolled back");
                drop(tx);
                let unanswered = done.into_iter().map(|(reply, _)| reply);
                return fail_all(std::iter::once(reply).chain(unanswered), &error);
            }
        }
        if taken < MAX_BATCH {
            next = jobs.try_recv().ok();
            taken += 1;
        }
    }
    match tx.commit() {
        Ok(()) => {
            if !done.is_empty() {
                commits.committed(done.len());
            }
            for (reply, saved) in done {
                let _ = reply.send(Ok(saved));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "group commit failed");
            fail_all(done.into_iter().map(|(reply, _)| reply), &e);
        }
    }
}

/// Answers every reply with a database error: nothing of theirs was committed.
fn fail_all(
    replies: impl Iterator<Item = oneshot::Sender<JobOutcome>>,
    cause: &dyn std::fmt::Display,
) {
    for reply in replies {
        let _ = reply.send(Err((0, StoreError::NotWritten(cause.to_string()).into())));
    }
}
