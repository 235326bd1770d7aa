//! Group commit for SQLite: one task writes the saves of many concurrent requests in one
//! transaction, so they share one fsync. A request's saves are checked before any of them is
//! written (see `saving`), so a refused request leaves the transaction as it was and needs no
//! savepoint; every request is answered only after the commit that made its saves durable.

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::saving::{Refusal, SaveJob};
use crate::{Backend, SaveError, StoreError};

/// How many requests one commit takes at most.
const MAX_BATCH: usize = 128;

type Outcome = Result<Vec<crate::SavedAnswer>, (usize, SaveError)>;

/// The queue to the writer task.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<(SaveJob, oneshot::Sender<Outcome>)>,
}

impl Writer {
    /// Starts the writer task on the current runtime; it ends when the last `Writer` is dropped.
    pub fn start(pool: AnyPool) -> Writer {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(pool, jobs));
        Writer { queue }
    }

    /// Queues a job and waits until it is committed (or refused).
    pub async fn submit(&self, job: SaveJob) -> Outcome {
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

async fn write_batches(
    pool: AnyPool,
    mut jobs: mpsc::Receiver<(SaveJob, oneshot::Sender<Outcome>)>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&pool, batch).await;
    }
}

async fn write_batch(pool: &AnyPool, batch: Vec<(SaveJob, oneshot::Sender<Outcome>)>) {
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a write transaction");
            return fail_all(batch.into_iter().map(|(_, reply)| reply), &e);
        }
    };
    let mut done = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some((job, reply)) = jobs.next() {
        match job.run(&mut tx, Backend::Sqlite).await {
            Ok(saved) => done.push((reply, saved)),
            Err(Refusal::Refused(i, refused)) => {
                let _ = reply.send(Err((i, refused)));
            }
            // A write failed (or, which the write lock held since BEGIN IMMEDIATE rules out,
            // found a concurrent change): the transaction may hold part of the job, so none
            // of the batch is committed and every job in it fails.
            Err(failure) => {
                let error = match failure {
                    Refusal::Failed(error) => error,
                    _ => SaveError::Store(StoreError::Rule(
                        "svaret ändrades samtidigt av någon annan; försök igen".into(),
                    )),
                };
                tracing::error!(error = ?error, "a save failed while writing; the batch is rolled back");
                let cause = error.to_string();
                let _ = tx.rollback().await;
                let _ = reply.send(Err((0, error)));
                let others = done.into_iter().map(|(reply, _)| reply);
                return fail_all(others.chain(jobs.map(|(_, reply)| reply)), &cause);
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
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
