//! Group commit for SQLite: one task writes the saves of many concurrent requests in one
//! transaction, so they share one fsync. Each request's saves run in a savepoint of their own:
//! a refused request is rolled back alone, and every request is answered only after the commit
//! that made its saves durable.

use sqlx::{Acquire, AnyPool};
use tokio::sync::{mpsc, oneshot};
use uppfolj_model::{AnswerInput, Key, QuestionRef};

use crate::responses::{SavedAnswer, save_one};
use crate::{SaveError, StoreError};

/// How many requests one commit takes at most.
const MAX_BATCH: usize = 128;

type Outcome = Result<Vec<SavedAnswer>, (usize, SaveError)>;

/// One request's saves: all of one response, stored together or not at all.
#[derive(Clone, Debug)]
pub(crate) struct SaveJob {
    pub round: Key,
    pub organisation: Key,
    pub inputs: Vec<(QuestionRef, AnswerInput)>,
    pub by: String,
}

impl SaveJob {
    /// Runs the saves on `conn`, inside the caller's transaction or savepoint.
    pub async fn run(&self, conn: &mut sqlx::AnyConnection) -> Outcome {
        let mut saved = Vec::with_capacity(self.inputs.len());
        for (i, (question, input)) in self.inputs.iter().enumerate() {
            saved.push(
                save_one(
                    conn,
                    &self.round,
                    &self.organisation,
                    question,
                    input,
                    &self.by,
                )
                .await
                .map_err(|e| (i, e))?,
            );
        }
        Ok(saved)
    }
}

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
        Err(e) => return fail_all(batch, &e),
    };
    let mut done = Vec::with_capacity(batch.len());
    for (job, reply) in batch {
        let outcome = match tx.begin().await {
            Ok(mut savepoint) => match job.run(&mut savepoint).await {
                Ok(saved) => match savepoint.commit().await {
                    Ok(()) => Ok(saved),
                    Err(e) => Err((0, StoreError::from(e).into())),
                },
                Err(refused) => {
                    let _ = savepoint.rollback().await;
                    Err(refused)
                }
            },
            Err(e) => Err((0, StoreError::from(e).into())),
        };
        match outcome {
            Ok(saved) => done.push((reply, saved)),
            Err(refused) => {
                let _ = reply.send(Err(refused));
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
            for (reply, _) in done {
                let _ = reply.send(Err((
                    0,
                    StoreError::from(sqlx::Error::Protocol(e.to_string())).into(),
                )));
            }
        }
    }
}

fn fail_all(batch: Vec<(SaveJob, oneshot::Sender<Outcome>)>, error: &sqlx::Error) {
    tracing::error!(error = %error, "cannot start a write transaction");
    for (_, reply) in batch {
        let _ = reply.send(Err((
            0,
            StoreError::from(sqlx::Error::Protocol(error.to_string())).into(),
        )));
    }
}
