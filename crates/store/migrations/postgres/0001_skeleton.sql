-- The skeleton: clinics (tenants), staff users, sign-in sessions, API tokens, the audit chain,
-- and the clinic's setup records. Every clinic-owned table carries clinic_id, and references
-- between clinic-owned rows go through (clinic_id, id) so a row can never point into another
-- clinic. Instants are BIGINT UTC epoch seconds; booleans are BIGINT 0/1; money is BIGINT cents.

CREATE TABLE clinic (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    legal_name TEXT NOT NULL,
    operating_name TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    province TEXT,
    postal_code TEXT,
    phone TEXT,
    email TEXT,
    website TEXT,
    setup_token_hash TEXT UNIQUE,
    -- Head of the clinic's audit chain. Bumping it locks the row, which serialises appends.
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE app_user (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);
-- Staff sign in by email alone, so an address names one account on the whole host.
CREATE UNIQUE INDEX app_user_email_uq ON app_user (email);

CREATE TABLE staff_session (
    token_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX staff_session_expiry ON staff_session (expires_at);

CREATE TABLE api_token (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);

-- Failed and successful sign-ins, for throttling; kept by email and address, not by clinic,
-- because they happen before anyone is known.
CREATE TABLE login_attempt (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX login_attempt_email_at ON login_attempt (email, at);
CREATE INDEX login_attempt_ip_at ON login_attempt (ip, at);

-- One hash chain per clinic: seq is gap-free, and the primary key makes two writers that
-- raced for the same seq fail instead of forking the chain.
CREATE TABLE audit_event (
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (clinic_id, seq)
);
CREATE INDEX audit_event_entity ON audit_event (clinic_id, entity, entity_id);

CREATE TABLE location (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    name TEXT NOT NULL,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    province TEXT NOT NULL,
    postal_code TEXT,
    time_zone TEXT NOT NULL,
    phone TEXT,
    slot_step_minutes BIGINT NOT NULL CHECK (slot_step_minutes > 0),
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);

CREATE TABLE room (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    name TEXT NOT NULL,
    active BIGINT NOT NULL,
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id)
);

CREATE TABLE practitioner (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    name TEXT NOT NULL,
    profession TEXT NOT NULL,
    email TEXT,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);

CREATE TABLE practitioner_registration (
    clinic_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    province TEXT NOT NULL,
    college TEXT NOT NULL,
    number TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (practitioner_id, province),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id)
);

CREATE TABLE practitioner_location (
    clinic_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    PRIMARY KEY (practitioner_id, location_id),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id)
);

CREATE TABLE service (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    name TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0),
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    tax_code TEXT NOT NULL,
    buffer_before_minutes BIGINT NOT NULL CHECK (buffer_before_minutes >= 0),
    buffer_after_minutes BIGINT NOT NULL CHECK (buffer_after_minutes >= 0),
    online_bookable BIGINT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);

CREATE TABLE service_practitioner (
    clinic_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    PRIMARY KEY (service_id, practitioner_id),
    FOREIGN KEY (clinic_id, service_id) REFERENCES service (clinic_id, id),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id)
);

CREATE TABLE patient (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    legal_first_name TEXT NOT NULL,
    legal_last_name TEXT NOT NULL,
    preferred_name TEXT,
    date_of_birth TEXT,
    email TEXT,
    phone TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    province TEXT,
    postal_code TEXT,
    -- Lower-cased, accent-folded names, email and phone digits, for the search box.
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);
-- Two patients of one clinic never share an email (several may have none).
CREATE UNIQUE INDEX patient_email_uq ON patient (clinic_id, email);
CREATE INDEX patient_name ON patient (clinic_id, legal_last_name, legal_first_name);
