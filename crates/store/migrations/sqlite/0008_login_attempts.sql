-- Login throttling by a sliding window with reservations (model::throttle): each key's recent
-- failures and attempts being checked, as JSON. The old counter never forgot an address.
DROP TABLE login_throttle;

CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    attempts TEXT NOT NULL
);
