-- Calendar imports: one row for each event occurrence an import turned into an appointment
-- or a practitioner's time off, so importing the same file again adds nothing. The key is the
-- event's UID and the occurrence's original start (its RECURRENCE-ID, or the start of a
-- single event), per practitioner. Portable types only: TEXT ids, BIGINT epoch seconds.

CREATE TABLE import_record (
    clinic_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    -- 'appointment' or 'time_off', and the id of the row the import created.
    kind TEXT NOT NULL CHECK (kind IN ('appointment', 'time_off')),
    entity_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, practitioner_id, uid, occurrence),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id)
);
