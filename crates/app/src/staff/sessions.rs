//! A staff member's own sessions: the list (when each started, was last used, from which
//! address and browser family) and ending one; and the owner ending all of someone's.

use crate::secrets::secret_hash;
use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::ids::UserId;
use knead_store::StoreError;
use knead_store::staff::{self as store, SessionSummary};
use serde_json::json;

impl App {
    /// The live sessions of the staff member asking; `current_token` (the cookie's secret)
    /// marks the one they are using.
    pub async fn my_sessions(
        &self,
        staff: &Staff,
        current_token: Option<&str>,
    ) -> Result<Vec<SessionSummary>, AppError> {
        let hash = current_token.map(secret_hash);
        let now = self.clock.epoch();
        let mut conn = self.store.read().await?;
        let (clinic, user) = (&staff.clinic_id, &staff.user_id);
        Ok(store::sessions_of(&mut conn, clinic, user, hash.as_deref(), now).await?)
    }

    /// Ends one of the asking staff member's own sessions.
    pub async fn end_my_session(&self, staff: &Staff, id: &str) -> Result<(), AppError> {
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let (clinic, user) = (&staff.clinic_id, &staff.user_id);
        if !store::delete_session_by_id(&mut tx, clinic, user, id).await? {
            return Err(AppError::NotFound);
        }
        let entity = ("user", user.as_str());
        let detail = json!({ "session_id": id });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "session.revoked",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %clinic, user_id = %user, "session revoked by its owner");
        Ok(())
    }

    /// Ends every session of a staff member (for a lost phone, say). Returns how many.
    pub async fn end_sessions_of(&self, staff: &Staff, id: &UserId) -> Result<u64, AppError> {
        staff.require(Permission::ManageStaff)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if store::get(&mut tx, &staff.clinic_id, id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let ended = store::delete_sessions_of(&mut tx, &staff.clinic_id, id).await?;
        let entity = ("user", id.as_str());
        let detail = json!({ "sessions_ended": ended });
        let action = "session.ended_all";
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            action,
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, user_id = %id, ended, "sessions ended");
        Ok(ended)
    }
}
