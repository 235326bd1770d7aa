-- Single sign-on: the identity provider's stable subject of each user who has logged in through
-- it, and the logins under way (state, nonce and PKCE verifier, each used once).
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_by_oidc_subject ON users (oidc_subject) WHERE oidc_subject IS NOT NULL;

CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    expires TEXT NOT NULL
);
