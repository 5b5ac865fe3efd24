-- Scheduling: the clinic's versioned booking rules, practitioners' weekly hours and dated
-- exceptions, location closures, per-clinic holiday changes, and appointments.
-- Local (civil) times are TEXT 'YYYY-MM-DDTHH:MM' or 'HH:MM' in the location's zone; instants
-- are BIGINT UTC epoch seconds.

CREATE TABLE booking_policy (
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    version BIGINT NOT NULL,
    minimum_notice_minutes BIGINT NOT NULL,
    horizon_days BIGINT NOT NULL,
    late_cancel_window_minutes BIGINT NOT NULL,
    reschedule_inside_window_is_late BIGINT NOT NULL,
    slot_step_minutes BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, version)
);

CREATE TABLE weekly_hours (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    -- ISO weekday: 1 is Monday, 7 is Sunday.
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id)
);
CREATE INDEX weekly_hours_practitioner ON weekly_hours (clinic_id, practitioner_id);

-- Time off (at every location when location_id is NULL) and extra shifts.
CREATE TABLE schedule_exception (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    location_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('time_off', 'extra_shift')),
    starts_local TEXT NOT NULL,
    ends_local TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id)
);
CREATE INDEX schedule_exception_practitioner ON schedule_exception (clinic_id, practitioner_id);

CREATE TABLE location_closure (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    starts_local TEXT NOT NULL,
    ends_local TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id)
);

-- The clinic's changes to the computed statutory holidays of a province: a day added
-- (closed = 1) or a computed day removed (closed = 0).
CREATE TABLE holiday_change (
    clinic_id TEXT NOT NULL REFERENCES clinic (id),
    province TEXT NOT NULL,
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    closed BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, province, day)
);

CREATE TABLE appointment (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    room_id TEXT,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- The start minus the service's buffer before, the end plus its buffer after: the time
    -- no other appointment of the practitioner (or the room) may overlap.
    occupied_from BIGINT NOT NULL,
    occupied_until BIGINT NOT NULL,
    local_start TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    status TEXT NOT NULL,
    policy_version BIGINT NOT NULL,
    series_id TEXT,
    source TEXT NOT NULL,
    note TEXT,
    override_reason TEXT,
    cancel_reason TEXT,
    cancelled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (occupied_from <= starts_at AND occupied_until >= ends_at),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patient (clinic_id, id),
    FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioner (clinic_id, id),
    FOREIGN KEY (clinic_id, service_id) REFERENCES service (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES location (clinic_id, id),
    FOREIGN KEY (clinic_id, room_id) REFERENCES room (clinic_id, id)
);
CREATE INDEX appointment_practitioner_time
    ON appointment (clinic_id, practitioner_id, occupied_from);
CREATE INDEX appointment_location_time ON appointment (clinic_id, location_id, starts_at);
CREATE INDEX appointment_patient ON appointment (clinic_id, patient_id, starts_at);
CREATE INDEX appointment_series ON appointment (clinic_id, series_id);

-- No two appointments that hold time overlap for one practitioner or one room. SQLite runs
-- one writer at a time, so a trigger that looks before it writes is atomic.
CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON appointment
WHEN NEW.status IN ('booked', 'arrived', 'completed', 'no_show')
BEGIN
    SELECT RAISE(ABORT, 'slot_taken: practitioner') WHERE EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.clinic_id = NEW.clinic_id AND a.practitioner_id = NEW.practitioner_id
          AND a.status IN ('booked', 'arrived', 'completed', 'no_show')
          AND a.occupied_from < NEW.occupied_until AND NEW.occupied_from < a.occupied_until);
    SELECT RAISE(ABORT, 'slot_taken: room') WHERE NEW.room_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.clinic_id = NEW.clinic_id AND a.room_id = NEW.room_id
          AND a.status IN ('booked', 'arrived', 'completed', 'no_show')
          AND a.occupied_from < NEW.occupied_until AND NEW.occupied_from < a.occupied_until);
END;

CREATE TRIGGER appointment_no_overlap_update BEFORE UPDATE ON appointment
WHEN NEW.status IN ('booked', 'arrived', 'completed', 'no_show')
BEGIN
    SELECT RAISE(ABORT, 'slot_taken: practitioner') WHERE EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.id <> NEW.id AND a.clinic_id = NEW.clinic_id
          AND a.practitioner_id = NEW.practitioner_id
          AND a.status IN ('booked', 'arrived', 'completed', 'no_show')
          AND a.occupied_from < NEW.occupied_until AND NEW.occupied_from < a.occupied_until);
    SELECT RAISE(ABORT, 'slot_taken: room') WHERE NEW.room_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.id <> NEW.id AND a.clinic_id = NEW.clinic_id AND a.room_id = NEW.room_id
          AND a.status IN ('booked', 'arrived', 'completed', 'no_show')
          AND a.occupied_from < NEW.occupied_until AND NEW.occupied_from < a.occupied_until);
END;
