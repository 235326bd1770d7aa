//! Group commit for SQLite: one task writes the saves of many concurrent requests in one
//! transaction, so they share one fsync; every request is answered only after the commit that
//! made its saves durable.
//!
//! The writer is the one thing every save waits for, so it does as little as it can: each
//! request reads and checks its saves itself, on a connection of its own, before it is queued
//! (see `saving`), and a refused request never reaches the writer. The writer only runs the
//! writes, which are conditional on the response and its answers being still as read. If one
//! finds they changed (most often by an earlier request in the same commit), the writer rolls
//! back and runs that commit's requests again from their reads, now under the write lock.
//!
//! The writer never checkpoints the WAL itself: a checkpoint copies pages into the database
//! file and fsyncs it, which would hold up every save queued behind that commit. A task of its
//! own checkpoints instead (PASSIVE: beside the writer, without blocking it), for as long as the
//! writer runs.

use std::time::Duration;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::saving::{Prepared, Refusal, SaveJob};
use crate::{Backend, SaveError, StoreError};

/// How many requests one commit takes at most.
const MAX_BATCH: usize = 128;

/// How often the WAL is checkpointed: often enough to keep it to a few megabytes under load.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

type Outcome = Result<Vec<crate::SavedAnswer>, (usize, SaveError)>;

/// The queue to the writer task.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    pool: AnyPool,
    queue: mpsc::Sender<Queued>,
}

/// A job read and checked, and where its outcome goes.
type Queued = (SaveJob, Prepared, oneshot::Sender<Outcome>);

/// A job written in the open transaction, with what to answer once it is committed.
type Written = (SaveJob, oneshot::Sender<Outcome>, Vec<crate::SavedAnswer>);

impl Writer {
    /// Starts the writer task and its checkpointer on the current runtime; both end when the
    /// last `Writer` is dropped. The pool's connections must not checkpoint on commit
    /// (`wal_autocheckpoint = 0`).
    pub fn start(pool: AnyPool) -> Writer {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        let (running, stopped) = oneshot::channel::<()>();
        tokio::spawn(checkpoint(pool.clone(), stopped));
        let writer_pool = pool.clone();
        tokio::spawn(async move {
            write_batches(writer_pool, jobs).await;
            drop(running);
        });
        Writer { pool, queue }
    }

    /// Reads and checks the job, then queues it and waits until it is committed; or refuses it
    /// without queueing it.
    pub async fn submit(&self, job: SaveJob) -> Outcome {
        let prepared = {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| (0, StoreError::from(e).into()))?;
            job.prepare(&mut conn, Backend::Sqlite).await?
        };
        let (reply, outcome) = oneshot::channel();
        let stopped = || {
            (
                0,
                SaveError::Store(StoreError::Rule("databasen stängs; försök igen".into())),
            )
        };
        self.queue
            .send((job, prepared, reply))
            .await
            .map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn write_batches(pool: AnyPool, mut jobs: mpsc::Receiver<Queued>) {
    while let Some(first) = jobs.recv().await {
        write_batch(&pool, first, &mut jobs).await;
    }
}

/// Checkpoints the WAL every `CHECKPOINT_EVERY` until `stopped` resolves (the writer ended) or
/// the pool is closed.
async fn checkpoint(pool: AnyPool, mut stopped: oneshot::Receiver<()>) {
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
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one tries again");
        }
    }
}

/// Writes `first` and, in the same transaction, every job that is queued by the time the one
/// before it is written (up to `MAX_BATCH`): a job that arrives while the transaction is being
/// written joins this commit instead of waiting for the next one. Then commits and answers.
async fn write_batch(pool: &AnyPool, first: Queued, jobs: &mut mpsc::Receiver<Queued>) {
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a write transaction");
            return fail_all(std::iter::once(first.2), &e);
        }
    };
    let mut done: Vec<Written> = Vec::new();
    let mut taken = 1;
    let mut next = Some(first);
    while let Some((job, prepared, reply)) = next.take() {
        match prepared.write(&mut tx, &job.by).await {
            Ok(saved) => done.push((job, reply, saved)),
            Err(Refusal::Raced) => {
                let _ = tx.rollback().await;
                let again = done.into_iter().map(|(job, reply, _)| (job, reply));
                return run_again(pool, again.chain(std::iter::once((job, reply)))).await;
            }
            Err(Refusal::Refused(i, refused)) => {
                let _ = reply.send(Err((i, refused)));
            }
            Err(Refusal::Failed(error)) => return fail_batch(tx, reply, error, done).await,
        }
        if taken < MAX_BATCH {
            next = jobs.try_recv().ok();
            taken += 1;
        }
    }
    commit(tx, done).await;
}

/// Runs jobs from their reads in one transaction, holding the write lock from its start, so
/// that nothing can change between a job's read and its writes.
async fn run_again(
    pool: &AnyPool,
    batch: impl Iterator<Item = (SaveJob, oneshot::Sender<Outcome>)>,
) {
    let mut batch = batch.peekable();
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a write transaction");
            return fail_all(batch.map(|(_, reply)| reply), &e);
        }
    };
    let mut done: Vec<Written> = Vec::new();
    while let Some((job, reply)) = batch.next() {
        match job.run(&mut tx, Backend::Sqlite).await {
            Ok(saved) => done.push((job, reply, saved)),
            Err(Refusal::Refused(i, refused)) => {
                let _ = reply.send(Err((i, refused)));
            }
            // A write failed (or, which the write lock rules out, found a concurrent change).
            Err(failure) => {
                let error = match failure {
                    Refusal::Failed(error) => error,
                    _ => SaveError::Store(StoreError::Rule(
                        "svaret ändrades samtidigt av någon annan; försök igen".into(),
                    )),
                };
                let rest = batch.map(|(_, reply)| reply);
                fail_all(rest, &"en annan sparning i samma skrivning misslyckades");
                return fail_batch(tx, reply, error, done).await;
            }
        }
    }
    commit(tx, done).await;
}

/// A write failed: the transaction may hold part of the job, so nothing of it is committed and
/// every job written in it fails.
async fn fail_batch(
    tx: sqlx::Transaction<'static, sqlx::Any>,
    reply: oneshot::Sender<Outcome>,
    error: SaveError,
    done: Vec<Written>,
) {
    tracing::error!(error = ?error, "a save failed while writing; the batch is rolled back");
    let cause = error.to_string();
    let _ = tx.rollback().await;
    let _ = reply.send(Err((0, error)));
    fail_all(done.into_iter().map(|(_, reply, _)| reply), &cause);
}

/// Commits, then answers every job written: with its saves, or with the commit's failure.
async fn commit(tx: sqlx::Transaction<'static, sqlx::Any>, done: Vec<Written>) {
    match tx.commit().await {
        Ok(()) => {
            for (_, reply, saved) in done {
                let _ = reply.send(Ok(saved));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "group commit failed");
            fail_all(done.into_iter().map(|(_, reply, _)| reply), &e);
        }
    }
}

/// Answers every reply with a database error: nothing of theirs was committed.
fn fail_all(
    replies: impl Iterator<Item = oneshot::Sender<Outcome>>,
    cause: &dyn std::fmt::Display,
) {
    for reply in replies {
        let _ = reply.send(Err((
            0,
            StoreError::from(sqlx::Error::Protocol(cause.to_string())).into(),
        )));
    }
}
