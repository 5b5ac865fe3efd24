-- Consents with their evidence, the clinic's versioned consent wordings and rules, and the
-- patient's lockbox. Nothing here is ever deleted: a withdrawal or a lift fills the ending
-- columns, and editing a wording adds a version. Dates a person types (given, withdrawn,
-- expiry) are TEXT 'YYYY-MM-DD'; instants are BIGINT UTC epoch seconds.

CREATE TABLE consent_wording (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    -- 1 while the text is Knead's default, which the clinic should review.
    is_default BIGINT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, kind, version)
);

-- Implied-consent periods (CASL) and the clinic's list of sensitive areas (JSON array).
CREATE TABLE consent_rules (
    clinic_id TEXT PRIMARY KEY REFERENCES clinic (id),
    purchase_months BIGINT NOT NULL,
    inquiry_months BIGINT NOT NULL,
    sensitive_areas TEXT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE consent (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    wording_id TEXT NOT NULL,
    -- Scope: areas as a JSON array; the rest by kind.
    areas TEXT NOT NULL,
    technique TEXT,
    insurer TEXT,
    insurer_scope TEXT,
    channel TEXT,
    basis TEXT,
    method TEXT NOT NULL,
    witness TEXT,
    document_ref TEXT,
    given_on TEXT NOT NULL,
    expires_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    withdrawn_on TEXT,
    withdrawal_method TEXT,
    withdrawal_witness TEXT,
    withdrawal_document_ref TEXT,
    withdrawal_reason TEXT,
    withdrawn_by TEXT,
    withdrawn_at BIGINT,
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, wording_id) REFERENCES consent_wording (clinic_id, id),
    FOREIGN KEY (clinic_id, recorded_by) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX consent_patient ON consent (clinic_id, patient_id, kind);

CREATE TABLE lockbox_block (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    item TEXT NOT NULL,
    item_ref TEXT,
    -- staff, role, outside or everyone, with the column that names whom.
    target TEXT NOT NULL,
    target_user_id TEXT,
    target_role TEXT,
    target_name TEXT,
    method TEXT NOT NULL,
    witness TEXT,
    document_ref TEXT,
    given_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    lifted_on TEXT,
    lift_method TEXT,
    lift_witness TEXT,
    lift_document_ref TEXT,
    lift_reason TEXT,
    lifted_by TEXT,
    lifted_at BIGINT,
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, recorded_by) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX lockbox_block_patient ON lockbox_block (clinic_id, patient_id);
