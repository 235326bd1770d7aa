//! Login throttling: how many attempts a key (an account, an address) may have in a sliding
//! window. An attempt is counted before the password is checked — a reservation — so that a
//! hundred simultaneous guesses cannot all be checked while the first ones are still hashing;
//! the reservation then becomes a failure or is released.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How many failures a key may have, and over how long a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub failures: usize,
    pub window: Duration,
}

/// A reservation is forgotten after this long: an instance that stopped while checking a
/// password never settles it.
pub const PENDING_FOR: Duration = Duration::minutes(1);

/// A key's recent failures and its attempts being checked, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attempts {
    #[serde(with = "times")]
    pub failures: Vec<OffsetDateTime>,
    #[serde(with = "times")]
    pub pending: Vec<OffsetDateTime>,
}

impl Attempts {
    /// Forgets failures older than the window and reservations older than [`PENDING_FOR`].
    fn prune(&mut self, now: OffsetDateTime, limit: Limit) {
        self.failures.retain(|at| *at > now - limit.window);
        self.pending.retain(|at| *at > now - PENDING_FOR);
    }

    /// Failures within the window.
    pub fn recent_failures(&self, now: OffsetDateTime, limit: Limit) -> usize {
        self.failures
            .iter()
            .filter(|at| **at > now - limit.window)
            .count()
    }

    /// Reserves an attempt when the failures within the window and the attempts being checked
    /// leave room for one; otherwise says until when the key is locked.
    pub fn admit(&mut self, now: OffsetDateTime, limit: Limit) -> Result<(), OffsetDateTime> {
        self.prune(now, limit);
        if self.failures.len() + self.pending.len() >= limit.failures {
            return Err(self.locked_until(limit));
        }
        self.pending.push(now);
        Ok(())
    }

    /// When the lock ends: as soon as the oldest failure leaves the window, or (when only
    /// attempts being checked fill it) in a moment.
    fn locked_until(&self, limit: Limit) -> OffsetDateTime {
        let mut times = self.failures.clone();
        times.sort();
        match times.first() {
            Some(oldest) if times.len() >= limit.failures => *oldest + limit.window,
            _ => self
                .pending
                .iter()
                .min()
                .map_or(OffsetDateTime::UNIX_EPOCH, |at| *at + PENDING_FOR),
        }
    }

    /// Settles a reserved attempt as a failure.
    pub fn fail(&mut self, now: OffsetDateTime) {
        self.release();
        self.failures.push(now);
    }

    /// Settles a reserved attempt as a success; `forget` clears the failures (an account's own,
    /// once its password is given).
    pub fn succeed(&mut self, forget: bool) {
        self.release();
        if forget {
            self.failures.clear();
        }
    }

    /// Counts a failure of an attempt that was let through without a reservation.
    pub fn record(&mut self, now: OffsetDateTime) {
        self.failures.push(now);
    }

    /// Gives a reservation back without a verdict (the attempt was refused for another key).
    pub fn release(&mut self) {
        if let Some(oldest) = self
            .pending
            .iter()
            .enumerate()
            .min_by_key(|(_, at)| **at)
            .map(|(i, _)| i)
        {
            self.pending.remove(oldest);
        }
    }
}

mod times {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(times: &[OffsetDateTime], s: S) -> Result<S::Ok, S::Error> {
        let nanos: Vec<i64> = times
            .iter()
            .map(|t| i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX))
            .collect();
        nanos.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<OffsetDateTime>, D::Error> {
        Vec::<i64>::deserialize(d)?
            .into_iter()
            .map(|n| {
                OffsetDateTime::from_unix_timestamp_nanos(n.into())
                    .map_err(serde::de::Error::custom)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        failures: 3,
        window: Duration::minutes(15),
    };

    fn at(minutes: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::minutes(minutes)
    }

    #[test]
    fn attempts_being_checked_count_against_the_limit() {
        let mut a = Attempts::default();
        for _ in 0..3 {
            assert!(a.admit(at(0), LIMIT).is_ok());
        }
        assert!(
            a.admit(at(0), LIMIT).is_err(),
            "three being checked fill it"
        );
        a.succeed(false);
        assert!(a.admit(at(0), LIMIT).is_ok(), "a settled one makes room");
    }

    #[test]
    fn failures_leave_the_window_as_it_slides() {
        let mut a = Attempts::default();
        for minute in [0, 5, 10] {
            a.admit(at(minute), LIMIT).unwrap();
            a.fail(at(minute));
        }
        assert_eq!(
            a.admit(at(14), LIMIT),
            Err(at(15)),
            "locked until the first is old"
        );
        assert!(a.admit(at(16), LIMIT).is_ok(), "one left the window");
        a.fail(at(16));
        assert_eq!(a.admit(at(17), LIMIT), Err(at(20)));
    }

    #[test]
    fn a_success_forgets_failures_only_when_asked() {
        let mut a = Attempts::default();
        a.admit(at(0), LIMIT).unwrap();
        a.fail(at(0));
        a.admit(at(1), LIMIT).unwrap();
        a.succeed(false);
        assert_eq!(a.recent_failures(at(1), LIMIT), 1);
        a.admit(at(2), LIMIT).unwrap();
        a.succeed(true);
        assert_eq!(a.recent_failures(at(2), LIMIT), 0);
    }

    #[test]
    fn a_reservation_never_settled_is_forgotten() {
        let mut a = Attempts::default();
        for _ in 0..3 {
            a.admit(at(0), LIMIT).unwrap();
        }
        assert!(a.admit(at(0) + PENDING_FOR, LIMIT).is_ok());
    }
}
