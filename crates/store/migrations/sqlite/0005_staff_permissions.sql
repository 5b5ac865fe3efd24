-- Staff management: per-clinic changes to the roles' default permissions, the link between a
-- staff account and the practitioner record it works as, the last sign-in of each account,
-- and what a person needs to recognise their own sessions (a public id, when it was last
-- used, the address and the browser family).

-- Only the clinic's changes are stored: a row grants (granted = 1) or withdraws (0) one
-- permission from one role. With no row, the default policy in the code applies.
CREATE TABLE role_permission (
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    role TEXT NOT NULL,
    permission TEXT NOT NULL,
    granted BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, role, permission)
);

-- A staff account works as at most one practitioner, and a practitioner is at most one
-- account. A separate table because SQLite cannot add a two-column foreign key to app_user.
CREATE TABLE staff_practitioner (
    clinic_id TEXT NOT NULL,
    user_id TEXT NOT NULL PRIMARY KEY,
    practitioner_id TEXT NOT NULL UNIQUE,
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id)
);

ALTER TABLE app_user ADD COLUMN last_sign_in_at BIGINT;

-- The session's public id (the token hash stays private), for listing and revoking.
ALTER TABLE staff_session ADD COLUMN id TEXT;
ALTER TABLE staff_session ADD COLUMN last_used_at BIGINT;
ALTER TABLE staff_session ADD COLUMN ip TEXT;
ALTER TABLE staff_session ADD COLUMN browser TEXT;
UPDATE staff_session SET id = lower(hex(randomblob(16))), last_used_at = created_at
    WHERE id IS NULL;
CREATE UNIQUE INDEX staff_session_id_uq ON staff_session (id);
CREATE INDEX staff_session_user ON staff_session (clinic_id, user_id);
