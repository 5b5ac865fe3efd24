-- Charting: note templates, treatment notes (SOAP and the body chart), amendments to signed
-- notes, and who may read a patient's chart. Clinical records are append-only: a signed note
-- never changes; a correction is a new note_amendment row with its reason, author and time.
--
--   note_template          a clinic's template: its current name and version
--   note_template_version  every version of a template (heading and prompt per section, as
--                          JSON); a note points at the version it was written from
--   treatment_note         one note per appointment: sections and body chart marks as JSON,
--                          status draft or signed, who signed and when, the late-entry mark
--   note_amendment         the content of a signed note as amended (whole sections and marks,
--                          as JSON), with the reason, author and time; the original stays as is
--   chart_settings         per clinic: chart-sharing policy and late-entry threshold
--   chart_share            a patient's chart shared by the owner with one staff member
--
-- JSON shapes: sections `[{"heading": "...", "prompt": "..."}]` in templates and
-- `[{"heading": "...", "text": "..."}]` in notes and amendments; body marks
-- `[{"region": "front_lower_back", "kind": "pain", "label": "..."}]`.

CREATE TABLE note_template (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    name TEXT NOT NULL,
    current_version BIGINT NOT NULL,
    -- The SOAP template Knead seeds; at most one per clinic.
    seeded BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, id)
);
CREATE UNIQUE INDEX note_template_seeded_uq ON note_template (clinic_id) WHERE seeded = 1;

CREATE TABLE note_template_version (
    clinic_id TEXT NOT NULL,
    template_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    sections TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (template_id, version),
    FOREIGN KEY (clinic_id, template_id) REFERENCES note_template (clinic_id, id)
);

CREATE TABLE treatment_note (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    appointment_id TEXT NOT NULL REFERENCES appointment (id),
    patient_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    -- The visit's start, copied from the appointment, for ordering and the late-entry rule.
    visit_at BIGINT NOT NULL,
    sections TEXT NOT NULL,
    body_marks TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    author_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    signed_at BIGINT,
    signed_by TEXT,
    -- 1 when signed later than the clinic's threshold after the visit; the threshold then
    -- in force is kept beside it.
    late_entry BIGINT NOT NULL DEFAULT 0,
    late_threshold_hours BIGINT,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, appointment_id),
    CHECK ((status = 'signed') = (signed_at IS NOT NULL)),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id),
    FOREIGN KEY (template_id, template_version)
        REFERENCES note_template_version (template_id, version),
    FOREIGN KEY (clinic_id, author_id) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX treatment_note_patient ON treatment_note (clinic_id, patient_id, visit_at);

CREATE TABLE note_amendment (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    note_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    sections TEXT NOT NULL,
    body_marks TEXT NOT NULL,
    author_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, note_id) REFERENCES treatment_note (clinic_id, id),
    FOREIGN KEY (clinic_id, author_id) REFERENCES app_user (clinic_id, id)
);
CREATE INDEX note_amendment_note ON note_amendment (clinic_id, note_id, created_at);

CREATE TABLE chart_settings (
    clinic_id TEXT PRIMARY KEY REFERENCES clinic (id),
    sharing_policy TEXT NOT NULL
        CHECK (sharing_policy IN ('all_clinical', 'own_patients', 'explicit_shares')),
    late_entry_hours BIGINT NOT NULL CHECK (late_entry_hours > 0),
    updated_at BIGINT NOT NULL
);

CREATE TABLE chart_share (
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, patient_id, user_id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES app_user (clinic_id, id)
);
