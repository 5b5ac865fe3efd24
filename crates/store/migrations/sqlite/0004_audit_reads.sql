-- Reads of personal health information are audited too, and every audit event records the
-- network address the request came from. Rows written before this migration have no address;
-- the chain hash covers the address only when there is one, so their hashes still verify.
ALTER TABLE audit_event ADD COLUMN actor_address TEXT;

-- The clinic-wide audit search filters by action, staff member and time, newest first.
CREATE INDEX audit_event_action ON audit_event (clinic_id, action, seq);
CREATE INDEX audit_event_at ON audit_event (clinic_id, at);
CREATE INDEX audit_event_actor ON audit_event (clinic_id, actor_id, seq);
