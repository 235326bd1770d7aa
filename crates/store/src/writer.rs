//! Group commit for SQLite: one task writes the saves of many concurrent requests in one
//! transaction, so they share one fsync. A request's saves are checked before any of them is
//! written (see `saving`), so a refused request leaves the transaction as it was and needs no
//! savepoint; every request is answered only after the commit that made its saves durable.
//!
//! The writer never checkpoints the WAL itself: a checkpoint copies pages into the database
//! file and fsyncs it, which would hold up every save queued behind that commit. A task of its
//! own checkpoints instead (PASSIVE: beside the writer, without blocking it), for as long as the
//! writer runs.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::saving::SaveJob;
use crate::{SaveError, StoreError};

/// How many requests one commit takes at most.
const MAX_BATCH: usize = 128;

/// How often the WAL is checkpointed: often enough to keep it to a few megabytes under load.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

type Outcome = crate::saving::JobOutcome;

/// The queue to the writer task.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Queued>,
}

impl Writer {
    /// Starts the writer task and its checkpointer on the current runtime; both end when the
    /// last `Writer` is dropped. The pool's connections must not checkpoint on commit
    /// (`wal_autocheckpoint = 0`).
    pub fn start(pool: AnyPool) -> Writer {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        let (running, stopped) = oneshot::channel::<()>();
        tokio::spawn(checkpoint(pool.clone(), stopped));
        tokio::spawn(async move {
            write_batches(pool, jobs).await;
            drop(running);
        });
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

/// A queued job and where its outcome goes.
type Queued = (SaveJob, oneshot::Sender<Outcome>);

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

/// Runs `first` and, in the same transaction, every job queued by then (up to `MAX_BATCH`),
/// then commits and answers. The jobs are run in waves, each taking at most one job per response
/// (a later job of the same response waits for the next wave, so that it reads what the earlier
/// one wrote); before each wave, jobs that arrived while the one before was written join it
/// instead of waiting for the next commit.
async fn write_batch(pool: &AnyPool, first: Queued, jobs: &mut mpsc::Receiver<Queued>) {
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a write transaction");
            return fail_all(std::iter::once(first.1), &e);
        }
    };
    let mut done = Vec::new();
    let mut taken = 1;
    let mut pending = VecDeque::from([first]);
    loop {
        while taken < MAX_BATCH {
            let Ok(queued) = jobs.try_recv() else { break };
            pending.push_back(queued);
            taken += 1;
        }
        if pending.is_empty() {
            break;
        }
        let (wave, later) = one_per_response(pending);
        pending = later;
        let (wave_jobs, replies): (Vec<SaveJob>, Vec<_>) = wave.into_iter().unzip();
        let together: Vec<&SaveJob> = wave_jobs.iter().collect();
        match SaveJob::run_together(&mut tx, &together).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    match outcome {
                        Ok(saved) => done.push((reply, saved)),
                        Err(refused) => {
                            let _ = reply.send(Err(refused));
                        }
                    }
                }
            }
            // A write failed: the transaction may hold part of the wave, so nothing of this
            // commit is kept and every job in it fails.
            Err(error) => {
                tracing::error!(error = ?error, "a save failed while writing; the batch is rolled back");
                let cause = error.to_string();
                let _ = tx.rollback().await;
                let unanswered = done.into_iter().map(|(reply, _)| reply);
                let queued = pending.into_iter().map(|(_, reply)| reply);
                return fail_all(replies.into_iter().chain(unanswered).chain(queued), &cause);
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

/// Splits queued jobs into the first job of each response, in queue order, and the rest.
fn one_per_response(pending: VecDeque<Queued>) -> (Vec<Queued>, VecDeque<Queued>) {
    let mut responses = HashSet::with_capacity(pending.len());
    let mut wave = Vec::with_capacity(pending.len());
    let mut later = VecDeque::new();
    for queued in pending {
        if responses.insert((queued.0.round.clone(), queued.0.organisation.clone())) {
            wave.push(queued);
        } else {
            later.push_back(queued);
        }
    }
    (wave, later)
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
