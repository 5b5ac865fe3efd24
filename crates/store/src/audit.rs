//! The audit trail: one hash chain per clinic. Each event's hash covers the previous hash
//! and the event's own fields, so an edited or deleted row breaks the chain visibly.

use crate::rows::{int, opt_text, text};
use crate::{Conn, Page, StoreError};
use knead_domain::ids::ClinicId;
use sha2::{Digest, Sha256};

/// Who did something: a staff user, an API token, the command line or the system itself,
/// and the network address the request came from when there was one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<String>,
    pub address: Option<String>,
}

impl Actor {
    /// An actor with no network address: set-up, the command line, the system.
    pub fn local(kind: &'static str) -> Actor {
        Actor {
            kind,
            id: None,
            address: None,
        }
    }
}

/// An event to append. `detail` is JSON text of ids and changed field names, never health
/// notes or contact details.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub seq: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_address: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn chain_hash(prev: &str, seq: i64, at: i64, e: &Event) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        &at.to_string(),
        &e.actor_kind,
        e.actor_id.as_deref().unwrap_or(""),
        &e.action,
        &e.entity,
        &e.entity_id,
        &e.detail,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    // Added later: covered only when present, so events written before keep their hashes.
    if let Some(address) = &e.actor_address {
        hasher.update(b"address=");
        hasher.update(address.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

/// Appends an event inside the caller's transaction, so the change and its record commit
/// together. Bumping the clinic's head first locks that row on PostgreSQL, which keeps the
/// chain linear when two app servers write at once.
pub async fn append(
    conn: &mut Conn,
    clinic: &ClinicId,
    event: NewEvent<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let head = sqlx::query(
        "UPDATE clinic SET audit_seq = audit_seq + 1 WHERE id = $1 RETURNING audit_seq, audit_head",
    )
    .bind(clinic.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::ForeignKey {
        detail: format!("clinic {clinic}"),
    })?;
    let seq = int(&head, "audit_seq")?;
    let prev_hash = text(&head, "audit_head")?;
    let mut row = Event {
        seq,
        at: now,
        actor_kind: event.actor.kind.to_owned(),
        actor_id: event.actor.id.clone(),
        actor_address: event.actor.address.clone(),
        action: event.action.to_owned(),
        entity: event.entity.to_owned(),
        entity_id: event.entity_id.to_owned(),
        detail: event.detail,
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    row.hash = chain_hash(&prev_hash, seq, now, &row);
    sqlx::query(
        "INSERT INTO audit_event (clinic_id, seq, at, actor_kind, actor_id, action, entity, \
         entity_id, detail, prev_hash, hash, actor_address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(clinic.as_str())
    .bind(seq)
    .bind(now)
    .bind(&row.actor_kind)
    .bind(row.actor_id.as_deref())
    .bind(&row.action)
    .bind(&row.entity)
    .bind(&row.entity_id)
    .bind(&row.detail)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .bind(row.actor_address.as_deref())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE clinic SET audit_head = $2 WHERE id = $1")
        .bind(clinic.as_str())
        .bind(&row.hash)
        .execute(conn)
        .await?;
    Ok(seq)
}

/// The clinic's events, newest first, optionally for one entity.
pub async fn list(
    conn: &mut Conn,
    clinic: &ClinicId,
    entity_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_kind, actor_id, actor_address, action, entity, entity_id, detail, prev_hash, hash \
         FROM audit_event WHERE clinic_id = $1 AND ($2 = '' OR entity_id = $2) \
         ORDER BY seq DESC LIMIT $3",
    )
    .bind(clinic.as_str())
    .bind(entity_id.unwrap_or(""))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(row: &sqlx::any::AnyRow) -> Result<Event, StoreError> {
    Ok(Event {
        seq: int(row, "seq")?,
        at: int(row, "at")?,
        actor_kind: text(row, "actor_kind")?,
        actor_id: opt_text(row, "actor_id")?,
        actor_address: opt_text(row, "actor_address")?,
        action: text(row, "action")?,
        entity: text(row, "entity")?,
        entity_id: text(row, "entity_id")?,
        detail: text(row, "detail")?,
        prev_hash: text(row, "prev_hash")?,
        hash: text(row, "hash")?,
    })
}

/// An event with the name of who made it: the staff member's name, or the API token's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedEvent {
    pub event: Event,
    pub actor_name: Option<String>,
}

/// The events of one record (`entity` names its kind, such as `appointment`), oldest first,
/// each with its actor's name, at most `limit`.
pub async fn history(
    conn: &mut Conn,
    clinic: &ClinicId,
    entity: (&str, &str),
    limit: i64,
) -> Result<Vec<NamedEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT e.seq, e.at, e.actor_kind, e.actor_id, e.actor_address, e.action, e.entity, e.entity_id, \
         e.detail, e.prev_hash, e.hash, COALESCE(u.name, t.name) AS actor_name \
         FROM audit_event e \
         LEFT JOIN app_user u ON e.actor_kind = 'user' AND u.clinic_id = e.clinic_id \
         AND u.id = e.actor_id \
         LEFT JOIN api_token t ON e.actor_kind = 'api_token' AND t.clinic_id = e.clinic_id \
         AND t.id = e.actor_id \
         WHERE e.clinic_id = $1 AND e.entity = $2 AND e.entity_id = $3 ORDER BY e.seq LIMIT $4",
    )
    .bind(clinic.as_str())
    .bind(entity.0)
    .bind(entity.1)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NamedEvent {
                event: event_from_row(row)?,
                actor_name: opt_text(row, "actor_name")?,
            })
        })
        .collect()
}

/// What an audit search looks for. `None` matches everything; times are epoch seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Events filed under this patient, and patient lists that showed them.
    pub patient: Option<String>,
    /// Events by this staff member, directly or through one of their API tokens.
    pub user: Option<String>,
    pub action: Option<String>,
    /// From this instant, included.
    pub from: Option<i64>,
    /// Up to this instant, excluded.
    pub until: Option<i64>,
}

/// An event with the names of who made it: the staff member (also for their API tokens)
/// and the token's name when it came through one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundEvent {
    pub event: Event,
    pub user_name: Option<String>,
    pub token_name: Option<String>,
}

/// The clinic's events matching `filter` with a sequence number below `before`, newest
/// first, at most `limit`; the page's cursor is the last event's sequence number.
pub async fn search(
    conn: &mut Conn,
    clinic: &ClinicId,
    filter: &Filter,
    before: i64,
    limit: i64,
) -> Result<Page<FoundEvent>, StoreError> {
    let patient = filter.patient.as_deref().unwrap_or("");
    // A patient list's detail holds the ids it showed as a JSON array of strings.
    let listed = format!("%\"{}\"%", patient.replace(['%', '_', '\\'], ""));
    let rows = sqlx::query(
        "SELECT e.seq, e.at, e.actor_kind, e.actor_id, e.actor_address, e.action, e.entity, \
         e.entity_id, e.detail, e.prev_hash, e.hash, COALESCE(u.name, tu.name) AS user_name, \
         t.name AS token_name \
         FROM audit_event e \
         LEFT JOIN app_user u ON e.actor_kind = 'user' AND u.clinic_id = e.clinic_id \
         AND u.id = e.actor_id \
         LEFT JOIN api_token t ON e.actor_kind = 'api_token' AND t.clinic_id = e.clinic_id \
         AND t.id = e.actor_id \
         LEFT JOIN app_user tu ON tu.clinic_id = t.clinic_id AND tu.id = t.user_id \
         WHERE e.clinic_id = $1 AND e.seq < $2 \
         AND ($3 = '' OR (e.entity = 'patient' AND e.entity_id = $3) \
              OR (e.action = 'patients.listed' AND e.detail LIKE $4)) \
         AND ($5 = '' OR (e.actor_kind = 'user' AND e.actor_id = $5) \
              OR (e.actor_kind = 'api_token' AND t.user_id = $5)) \
         AND ($6 = '' OR e.action = $6) AND e.at >= $7 AND e.at < $8 \
         ORDER BY e.seq DESC LIMIT $9",
    )
    .bind(clinic.as_str())
    .bind(before)
    .bind(patient)
    .bind(listed)
    .bind(filter.user.as_deref().unwrap_or(""))
    .bind(filter.action.as_deref().unwrap_or(""))
    .bind(filter.from.unwrap_or(i64::MIN))
    .bind(filter.until.unwrap_or(i64::MAX))
    .bind(limit + 1)
    .fetch_all(conn)
    .await?;
    let found = rows
        .iter()
        .map(|row| {
            Ok(FoundEvent {
                event: event_from_row(row)?,
                user_name: opt_text(row, "user_name")?,
                token_name: opt_text(row, "token_name")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::from_rows(found, limit, |f| f.event.seq.to_string()))
}

/// The clinic's staff members, by name, for choosing one in an audit search.
pub async fn staff_names(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, name FROM app_user WHERE clinic_id = $1 ORDER BY name, id")
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| Ok((text(row, "id")?, text(row, "name")?)))
        .collect()
}

/// The result of checking one clinic's chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCheck {
    /// How many events the chain holds.
    pub events: i64,
    /// The first sequence number whose event does not fit the chain, if any.
    pub broken_at: Option<i64>,
}

/// Checks the clinic's whole chain and counts its events.
pub async fn check(conn: &mut Conn, clinic: &ClinicId) -> Result<ChainCheck, StoreError> {
    let events = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE clinic_id = $1")
        .bind(clinic.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let events = int(&events, "n")?;
    let broken_at = verify(conn, clinic).await?;
    Ok(ChainCheck { events, broken_at })
}

/// Recomputes the clinic's whole chain and checks that it ends where the clinic's head
/// says. `Ok(None)` when intact, else the first bad sequence number (one past the last
/// event when events were cut off the end).
pub async fn verify(conn: &mut Conn, clinic: &ClinicId) -> Result<Option<i64>, StoreError> {
    let mut events = list(conn, clinic, None, i64::MAX).await?;
    events.reverse();
    let mut prev = String::new();
    let mut last = 0;
    for (expected_seq, event) in (1..).zip(&events) {
        let intact = event.seq == expected_seq
            && event.prev_hash == prev
            && event.hash == chain_hash(&prev, event.seq, event.at, event);
        if !intact {
            return Ok(Some(expected_seq));
        }
        prev = event.hash.clone();
        last = event.seq;
    }
    let head = sqlx::query("SELECT audit_seq, audit_head FROM clinic WHERE id = $1")
        .bind(clinic.as_str())
        .fetch_optional(conn)
        .await?;
    let Some(head) = head else {
        return Ok(None);
    };
    let at_head = int(&head, "audit_seq")? == last && text(&head, "audit_head")? == prev;
    Ok(if at_head { None } else { Some(last + 1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(address: Option<&str>) -> Event {
        Event {
            seq: 1,
            at: 100,
            actor_kind: "cli".into(),
            actor_id: None,
            actor_address: address.map(str::to_owned),
            action: "clinic.created".into(),
            entity: "clinic".into(),
            entity_id: "c1".into(),
            detail: "{}".into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn an_event_without_an_address_hashes_as_before_addresses_existed() {
        // SHA-256 of the fields joined by NUL as the chain was first written, computed
        // independently of this code.
        let before = "8f78bf305349ad647f53be6f72ffec92e441f70995bc8ea8192a022669e02213";

        let hash = chain_hash("", 1, 100, &event(None));

        assert_eq!(hash, before);
        assert_ne!(chain_hash("", 1, 100, &event(Some("192.0.2.1"))), before);
    }
}
