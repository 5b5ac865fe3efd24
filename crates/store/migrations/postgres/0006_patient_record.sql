-- The patient record beyond name and contact: pronouns, several phones with a preferred one,
-- an emergency contact, the family doctor and a non-clinical note for the desk; guardians and
-- substitute decision-makers; family links (who books and pays for whom); insurance plans in
-- order; and health-history intake forms, versioned, with the answers each patient gave.

ALTER TABLE patient ADD COLUMN pronouns TEXT;
ALTER TABLE patient ADD COLUMN mobile_phone TEXT;
ALTER TABLE patient ADD COLUMN home_phone TEXT;
ALTER TABLE patient ADD COLUMN work_phone TEXT;
-- Which of the three numbers the desk calls first: 'mobile', 'home' or 'work'. The old
-- `phone` column keeps that number, so lists and search that read it still work.
ALTER TABLE patient ADD COLUMN preferred_phone TEXT;
ALTER TABLE patient ADD COLUMN emergency_contact_name TEXT;
ALTER TABLE patient ADD COLUMN emergency_contact_relationship TEXT;
ALTER TABLE patient ADD COLUMN emergency_contact_phone TEXT;
ALTER TABLE patient ADD COLUMN family_doctor_name TEXT;
ALTER TABLE patient ADD COLUMN family_doctor_clinic TEXT;
ALTER TABLE patient ADD COLUMN family_doctor_phone TEXT;
ALTER TABLE patient ADD COLUMN family_doctor_fax TEXT;
-- Practical notes for the front desk (parking, wheelchair access); never clinical.
ALTER TABLE patient ADD COLUMN desk_notes TEXT;

-- A phone recorded before there were several is taken to be the mobile, the most common case.
UPDATE patient SET mobile_phone = phone, preferred_phone = 'mobile' WHERE phone IS NOT NULL;

-- A guardian or substitute decision-maker: another patient of the clinic, or a named person.
CREATE TABLE patient_guardian (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    guardian_patient_id TEXT,
    guardian_name TEXT,
    guardian_phone TEXT,
    relationship TEXT NOT NULL,
    authority TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((guardian_patient_id IS NULL) <> (guardian_name IS NULL)),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, guardian_patient_id) REFERENCES patient (clinic_id, id)
);
CREATE INDEX patient_guardian_patient ON patient_guardian (clinic_id, patient_id);
CREATE INDEX patient_guardian_guardian ON patient_guardian (clinic_id, guardian_patient_id);

-- One patient (the payer) may book and pay for another (the dependant).
CREATE TABLE patient_family_link (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    payer_patient_id TEXT NOT NULL,
    dependant_patient_id TEXT NOT NULL,
    relationship TEXT NOT NULL,
    may_book BIGINT NOT NULL,
    may_pay BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (payer_patient_id <> dependant_patient_id),
    UNIQUE (clinic_id, payer_patient_id, dependant_patient_id),
    FOREIGN KEY (clinic_id, payer_patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, dependant_patient_id) REFERENCES patient (clinic_id, id)
);
CREATE INDEX patient_family_link_dependant ON patient_family_link (clinic_id, dependant_patient_id);

-- Extended health plans, in the order claims go to them (position 1 is primary).
CREATE TABLE patient_insurance (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    insurer TEXT NOT NULL,
    plan_number TEXT,
    member_number TEXT,
    -- 'self', 'spouse', 'parent' or 'other'; the holder's name and birth date when not self.
    holder_relationship TEXT NOT NULL,
    holder_name TEXT,
    holder_date_of_birth TEXT,
    coverage_notes TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id)
);
CREATE INDEX patient_insurance_patient ON patient_insurance (clinic_id, patient_id, position);

-- A clinic's health-history form. `code` marks the form Knead seeded ('default'), so it is
-- seeded once per clinic; the questions live in the versions.
CREATE TABLE intake_form (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    code TEXT,
    name TEXT NOT NULL,
    current_version BIGINT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, code)
);

-- Every saved edit of a form is a new version; versions are never changed, so an answered
-- intake always shows the questions it answered. `questions` is JSON.
CREATE TABLE intake_form_version (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    questions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (form_id, version),
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, form_id) REFERENCES intake_form (clinic_id, id)
);

-- A completed intake: the answers (JSON, by question key) to one form version, and the flags
-- they raised, computed when recorded.
CREATE TABLE patient_intake (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    flags TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, form_version_id) REFERENCES intake_form_version (clinic_id, id)
);
CREATE INDEX patient_intake_patient ON patient_intake (clinic_id, patient_id, recorded_at);
