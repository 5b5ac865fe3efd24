//! Consents, the clinic's versioned consent wordings and rules, and patients' lockbox blocks,
//! all scoped by clinic. Rows are never deleted: withdrawals and lifts fill their columns once.

use crate::rows::{int, opt_int, opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::Role;
use knead_domain::casl::{Basis, Channel, Periods};
use knead_domain::consent::{
    Consent, ConsentRules, Ending, Evidence, Kind, LockboxBlock, LockboxItem, LockboxTarget,
    Method, Scope, Wording,
};
use knead_domain::ids::{ClinicId, PatientId, UserId};
use sqlx::any::AnyRow;

fn date(column: &str, raw: &str) -> Result<jiff::civil::Date, StoreError> {
    parsed(column, raw, |s| s.parse::<jiff::civil::Date>())
}

fn opt_date(row: &AnyRow, column: &str) -> Result<Option<jiff::civil::Date>, StoreError> {
    opt_text(row, column)?
        .map(|raw| date(column, &raw))
        .transpose()
}

fn string_list(column: &str, raw: &str) -> Result<Vec<String>, StoreError> {
    parsed(column, raw, |s| serde_json::from_str::<Vec<String>>(s))
}

fn method(row: &AnyRow, column: &str) -> Result<Method, StoreError> {
    let raw = text(row, column)?;
    parsed(column, &raw, Method::parse)
}

fn kind(raw: &str) -> Result<Kind, StoreError> {
    parsed("kind", raw, Kind::parse)
}

fn some_parsed<T>(
    row: &AnyRow,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    match opt_text(row, column)? {
        Some(raw) => parse(&raw)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("{column} '{raw}'"))),
        None => Ok(None),
    }
}

// ---- wordings -------------------------------------------------------------------------

const WORDING_COLUMNS: &str = "id, kind, version, body, is_default, created_at";

fn wording_from_row(row: &AnyRow) -> Result<Wording, StoreError> {
    Ok(Wording {
        id: text(row, "id")?,
        kind: kind(&text(row, "kind")?)?,
        version: int(row, "version")?,
        body: text(row, "body")?,
        is_default: int(row, "is_default")? != 0,
        created_at: int(row, "created_at")?,
    })
}

/// The newest version of each kind's wording the clinic has.
pub async fn current_wordings(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<Wording>, StoreError> {
    let sql = format!(
        "SELECT {WORDING_COLUMNS} FROM consent_wording w WHERE clinic_id = $1 AND version = \
         (SELECT MAX(version) FROM consent_wording v WHERE v.clinic_id = w.clinic_id \
         AND v.kind = w.kind) ORDER BY kind"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(wording_from_row).collect()
}

/// Every version of one kind's wording, newest first.
pub async fn wording_versions(
    conn: &mut Conn,
    clinic: &ClinicId,
    kind: Kind,
) -> Result<Vec<Wording>, StoreError> {
    let sql = format!(
        "SELECT {WORDING_COLUMNS} FROM consent_wording WHERE clinic_id = $1 AND kind = $2 \
         ORDER BY version DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(kind.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(wording_from_row).collect()
}

/// Adds a version; two writers racing for one version number fail on the unique key.
pub async fn insert_wording(
    conn: &mut Conn,
    clinic: &ClinicId,
    wording: &Wording,
    created_by: Option<&UserId>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO consent_wording (id, clinic_id, kind, version, body, is_default, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&wording.id)
    .bind(clinic.as_str())
    .bind(wording.kind.as_str())
    .bind(wording.version)
    .bind(&wording.body)
    .bind(i64::from(wording.is_default))
    .bind(created_by.map(UserId::as_str))
    .bind(wording.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- rules ----------------------------------------------------------------------------

/// The clinic's consent rules, or `None` while it keeps Knead's defaults.
pub async fn rules(conn: &mut Conn, clinic: &ClinicId) -> Result<Option<ConsentRules>, StoreError> {
    let row = sqlx::query(
        "SELECT purchase_months, inquiry_months, sensitive_areas FROM consent_rules \
         WHERE clinic_id = $1",
    )
    .bind(clinic.as_str())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let areas = text(&row, "sensitive_areas")?;
    Ok(Some(ConsentRules {
        periods: Periods {
            purchase_months: int(&row, "purchase_months")?,
            inquiry_months: int(&row, "inquiry_months")?,
        },
        sensitive_areas: string_list("sensitive_areas", &areas)?,
    }))
}

pub async fn save_rules(
    conn: &mut Conn,
    clinic: &ClinicId,
    rules: &ConsentRules,
    by: &UserId,
    now: i64,
) -> Result<(), StoreError> {
    let areas = serde_json::to_string(&rules.sensitive_areas).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO consent_rules (clinic_id, purchase_months, inquiry_months, sensitive_areas, \
         updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id) DO \
         UPDATE SET purchase_months = excluded.purchase_months, \
         inquiry_months = excluded.inquiry_months, sensitive_areas = excluded.sensitive_areas, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(clinic.as_str())
    .bind(rules.periods.purchase_months)
    .bind(rules.periods.inquiry_months)
    .bind(areas)
    .bind(by.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- consents -------------------------------------------------------------------------

const CONSENT_COLUMNS: &str = "c.id, c.patient_id, c.kind, c.wording_id, w.version, c.areas, \
     c.technique, c.insurer, c.insurer_scope, c.channel, c.basis, c.method, c.witness, \
     c.document_ref, c.given_on, c.expires_on, c.recorded_by, c.recorded_at, c.withdrawn_on, \
     c.withdrawal_method, c.withdrawal_witness, c.withdrawal_document_ref, c.withdrawal_reason, \
     c.withdrawn_by, c.withdrawn_at";

const CONSENT_FROM: &str = "FROM consent c JOIN consent_wording w \
     ON w.clinic_id = c.clinic_id AND w.id = c.wording_id";

fn ending(
    row: &AnyRow,
    prefix: &str,
    on: &str,
    by: &str,
    at: &str,
) -> Result<Option<Ending>, StoreError> {
    let Some(day) = opt_date(row, on)? else {
        return Ok(None);
    };
    Ok(Some(Ending {
        on: day,
        evidence: Evidence {
            method: method(row, &format!("{prefix}_method"))?,
            witness: opt_text(row, &format!("{prefix}_witness"))?,
            document_ref: opt_text(row, &format!("{prefix}_document_ref"))?,
        },
        reason: opt_text(row, &format!("{prefix}_reason"))?,
        recorded_by: opt_text(row, by)?.unwrap_or_default(),
        recorded_at: opt_int(row, at)?.unwrap_or_default(),
    }))
}

fn consent_from_row(row: &AnyRow) -> Result<Consent, StoreError> {
    let areas = text(row, "areas")?;
    Ok(Consent {
        id: text(row, "id")?,
        patient_id: text(row, "patient_id")?,
        kind: kind(&text(row, "kind")?)?,
        scope: Scope {
            areas: string_list("areas", &areas)?,
            technique: opt_text(row, "technique")?,
            insurer: opt_text(row, "insurer")?,
            insurer_scope: opt_text(row, "insurer_scope")?,
            channel: some_parsed(row, "channel", Channel::parse)?,
            basis: some_parsed(row, "basis", Basis::parse)?,
        },
        evidence: Evidence {
            method: method(row, "method")?,
            witness: opt_text(row, "witness")?,
            document_ref: opt_text(row, "document_ref")?,
        },
        wording_id: text(row, "wording_id")?,
        wording_version: int(row, "version")?,
        given_on: date("given_on", &text(row, "given_on")?)?,
        expires_on: opt_date(row, "expires_on")?,
        recorded_by: text(row, "recorded_by")?,
        recorded_at: int(row, "recorded_at")?,
        withdrawal: ending(
            row,
            "withdrawal",
            "withdrawn_on",
            "withdrawn_by",
            "withdrawn_at",
        )?,
    })
}

pub async fn insert_consent(
    conn: &mut Conn,
    clinic: &ClinicId,
    c: &Consent,
) -> Result<(), StoreError> {
    let areas = serde_json::to_string(&c.scope.areas).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO consent (id, clinic_id, patient_id, kind, wording_id, areas, technique, \
         insurer, insurer_scope, channel, basis, method, witness, document_ref, given_on, \
         expires_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&c.id)
    .bind(clinic.as_str())
    .bind(&c.patient_id)
    .bind(c.kind.as_str())
    .bind(&c.wording_id)
    .bind(areas)
    .bind(c.scope.technique.as_deref())
    .bind(c.scope.insurer.as_deref())
    .bind(c.scope.insurer_scope.as_deref())
    .bind(c.scope.channel.map(Channel::as_str))
    .bind(c.scope.basis.map(Basis::as_str))
    .bind(c.evidence.method.as_str())
    .bind(c.evidence.witness.as_deref())
    .bind(c.evidence.document_ref.as_deref())
    .bind(c.given_on.to_string())
    .bind(c.expires_on.map(|d| d.to_string()))
    .bind(&c.recorded_by)
    .bind(c.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every consent of a patient, newest given first (history included).
pub async fn consents_of(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<Consent>, StoreError> {
    let sql = format!(
        "SELECT {CONSENT_COLUMNS} {CONSENT_FROM} WHERE c.clinic_id = $1 AND c.patient_id = $2 \
         ORDER BY c.given_on DESC, c.recorded_at DESC, c.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(patient.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(consent_from_row).collect()
}

pub async fn consent(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
) -> Result<Option<Consent>, StoreError> {
    let sql = format!(
        "SELECT {CONSENT_COLUMNS} {CONSENT_FROM} WHERE c.clinic_id = $1 AND c.patient_id = $2 \
         AND c.id = $3"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(patient.as_str())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(consent_from_row).transpose()
}

/// Records a withdrawal once: `false` when the consent was already withdrawn (or is not
/// this clinic's).
pub async fn withdraw(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
    end: &Ending,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE consent SET withdrawn_on = $3, withdrawal_method = $4, withdrawal_witness = $5, \
         withdrawal_document_ref = $6, withdrawal_reason = $7, withdrawn_by = $8, \
         withdrawn_at = $9 WHERE clinic_id = $1 AND id = $2 AND withdrawn_on IS NULL",
    )
    .bind(clinic.as_str())
    .bind(id)
    .bind(end.on.to_string())
    .bind(end.evidence.method.as_str())
    .bind(end.evidence.witness.as_deref())
    .bind(end.evidence.document_ref.as_deref())
    .bind(end.reason.as_deref())
    .bind(&end.recorded_by)
    .bind(end.recorded_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- lockbox --------------------------------------------------------------------------

const BLOCK_COLUMNS: &str = "id, patient_id, item, item_ref, target, target_user_id, \
     target_role, target_name, method, witness, document_ref, given_on, recorded_by, \
     recorded_at, lifted_on, lift_method, lift_witness, lift_document_ref, lift_reason, \
     lifted_by, lifted_at";

fn target_from_row(row: &AnyRow) -> Result<LockboxTarget, StoreError> {
    let kind = text(row, "target")?;
    let missing = || StoreError::Corrupt(format!("lockbox target '{kind}' without its name"));
    match kind.as_str() {
        "staff" => Ok(LockboxTarget::Staff {
            user_id: opt_text(row, "target_user_id")?.ok_or_else(missing)?,
        }),
        "role" => {
            let role = some_parsed(row, "target_role", Role::parse)?;
            Ok(LockboxTarget::Role {
                role: role.ok_or_else(missing)?,
            })
        }
        "outside" => Ok(LockboxTarget::Outside {
            name: opt_text(row, "target_name")?.ok_or_else(missing)?,
        }),
        "everyone" => Ok(LockboxTarget::Everyone),
        _ => Err(StoreError::Corrupt(format!("lockbox target '{kind}'"))),
    }
}

fn block_from_row(row: &AnyRow) -> Result<LockboxBlock, StoreError> {
    let item = text(row, "item")?;
    Ok(LockboxBlock {
        id: text(row, "id")?,
        patient_id: text(row, "patient_id")?,
        item: parsed("item", &item, LockboxItem::parse)?,
        item_ref: opt_text(row, "item_ref")?,
        target: target_from_row(row)?,
        evidence: Evidence {
            method: method(row, "method")?,
            witness: opt_text(row, "witness")?,
            document_ref: opt_text(row, "document_ref")?,
        },
        given_on: date("given_on", &text(row, "given_on")?)?,
        recorded_by: text(row, "recorded_by")?,
        recorded_at: int(row, "recorded_at")?,
        lifted: ending(row, "lift", "lifted_on", "lifted_by", "lifted_at")?,
    })
}

pub async fn insert_block(
    conn: &mut Conn,
    clinic: &ClinicId,
    b: &LockboxBlock,
) -> Result<(), StoreError> {
    let (target, user, role, name) = match &b.target {
        LockboxTarget::Staff { user_id } => ("staff", Some(user_id.as_str()), None, None),
        LockboxTarget::Role { role } => ("role", None, Some(role.as_str()), None),
        LockboxTarget::Outside { name } => ("outside", None, None, Some(name.as_str())),
        LockboxTarget::Everyone => ("everyone", None, None, None),
    };
    sqlx::query(
        "INSERT INTO lockbox_block (id, clinic_id, patient_id, item, item_ref, target, \
         target_user_id, target_role, target_name, method, witness, document_ref, given_on, \
         recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&b.id)
    .bind(clinic.as_str())
    .bind(&b.patient_id)
    .bind(b.item.as_str())
    .bind(b.item_ref.as_deref())
    .bind(target)
    .bind(user)
    .bind(role)
    .bind(name)
    .bind(b.evidence.method.as_str())
    .bind(b.evidence.witness.as_deref())
    .bind(b.evidence.document_ref.as_deref())
    .bind(b.given_on.to_string())
    .bind(&b.recorded_by)
    .bind(b.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A patient's lockbox blocks, newest first; lifted ones only when `with_lifted`.
pub async fn blocks_of(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    with_lifted: bool,
) -> Result<Vec<LockboxBlock>, StoreError> {
    let sql = format!(
        "SELECT {BLOCK_COLUMNS} FROM lockbox_block WHERE clinic_id = $1 AND patient_id = $2 \
         AND ($3 = 1 OR lifted_on IS NULL) ORDER BY recorded_at DESC, id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(patient.as_str())
        .bind(i64::from(with_lifted))
        .fetch_all(conn)
        .await?;
    rows.iter().map(block_from_row).collect()
}

pub async fn block(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
) -> Result<Option<LockboxBlock>, StoreError> {
    let sql = format!(
        "SELECT {BLOCK_COLUMNS} FROM lockbox_block WHERE clinic_id = $1 AND patient_id = $2 \
         AND id = $3"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(patient.as_str())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(block_from_row).transpose()
}

/// Lifts a block once: `false` when it was already lifted.
pub async fn lift(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
    end: &Ending,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE lockbox_block SET lifted_on = $3, lift_method = $4, lift_witness = $5, \
         lift_document_ref = $6, lift_reason = $7, lifted_by = $8, lifted_at = $9 \
         WHERE clinic_id = $1 AND id = $2 AND lifted_on IS NULL",
    )
    .bind(clinic.as_str())
    .bind(id)
    .bind(end.on.to_string())
    .bind(end.evidence.method.as_str())
    .bind(end.evidence.witness.as_deref())
    .bind(end.evidence.document_ref.as_deref())
    .bind(end.reason.as_deref())
    .bind(&end.recorded_by)
    .bind(end.recorded_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The clinic's active staff as (id, name), by name: whom a lockbox block can name.
pub async fn staff_members(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name FROM app_user WHERE clinic_id = $1 AND active = 1 ORDER BY name, id",
    )
    .bind(clinic.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((text(row, "id")?, text(row, "name")?)))
        .collect()
}

/// Adds Knead's default wording as version 1 of `kind` unless the clinic already has one;
/// a clinic opened by two people at once gets it once.
pub async fn insert_default_wording(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
    kind: Kind,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO consent_wording (id, clinic_id, kind, version, body, is_default, \
         created_by, created_at) VALUES ($1, $2, $3, 1, $4, 1, NULL, $5) \
         ON CONFLICT (clinic_id, kind, version) DO NOTHING",
    )
    .bind(id)
    .bind(clinic.as_str())
    .bind(kind.as_str())
    .bind(kind.default_wording())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
