-- Two-factor sign-in (TOTP and recovery codes), the clinic's sign-in rules, password reset
-- links, and the durable outbox every outgoing message goes through.
-- Secrets that only need checking (recovery codes, reset and challenge tokens) are stored as
-- hashes. The TOTP secret must be read back to compute codes, so it is stored as written.

CREATE TABLE user_totp (
    user_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    -- Base32, as authenticator apps take it.
    secret TEXT NOT NULL,
    -- NULL while the person is still setting it up; codes are asked only once confirmed.
    confirmed_at BIGINT,
    -- The last accepted 30-second time step; a code of this step or earlier is refused.
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);

CREATE TABLE recovery_code (
    user_id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, code_hash),
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);

-- "Password accepted, code pending": a short-lived token that leads only to the code form.
CREATE TABLE signin_challenge (
    token_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX signin_challenge_user ON signin_challenge (user_id);

-- One row per clinic once its owner changes a rule; no row means the defaults.
CREATE TABLE clinic_signin_policy (
    clinic_id TEXT PRIMARY KEY REFERENCES clinic (id),
    require_two_factor BIGINT NOT NULL DEFAULT 0 CHECK (require_two_factor IN (0, 1)),
    reset_link_minutes BIGINT NOT NULL DEFAULT 60 CHECK (reset_link_minutes > 0),
    updated_at BIGINT NOT NULL
);

CREATE TABLE password_reset (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    clinic_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX password_reset_user ON password_reset (user_id);

-- Every outgoing message, written in the transaction of the change that causes it and sent
-- by a worker that claims due rows with a lease. (purpose, idempotency_key) is unique per
-- clinic, so the same reminder or link is never queued twice.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    purpose TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    leased_by TEXT,
    provider_message_id TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (clinic_id, purpose, idempotency_key)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_clinic_created ON outbox (clinic_id, created_at);
