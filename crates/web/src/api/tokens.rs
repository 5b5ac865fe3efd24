//! API tokens over the API: list, create (the secret is shown once) and revoke.

use super::ApiJson;
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use knead_app::TokenRecord;
use knead_domain::Role;
use knead_domain::ids::TokenId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenBody {
    pub id: String,
    pub name: String,
    #[schema(value_type = String, example = "owner")]
    pub role: Role,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

fn instant(epoch: i64) -> String {
    jiff::Timestamp::from_second(epoch)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl From<TokenRecord> for TokenBody {
    fn from(t: TokenRecord) -> Self {
        TokenBody {
            id: t.id.to_string(),
            name: t.name,
            role: t.role,
            prefix: t.prefix,
            created_at: instant(t.created_at),
            last_used_at: t.last_used_at.map(instant),
            revoked_at: t.revoked_at.map(instant),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    pub name: String,
    #[schema(value_type = String, example = "front_desk")]
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedToken {
    pub token: TokenBody,
    /// Shown only now; Knead keeps only its hash.
    pub secret: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenBody>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_tokens(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Json<Vec<TokenBody>>, ApiError> {
    let tokens = s.app.list_tokens(&staff).await?;
    Ok(Json(tokens.into_iter().map(TokenBody::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_token(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let role = Role::parse(&input.role).ok_or_else(|| {
        ApiError::field("invalid", "role", format!("'{}' is not a role", input.role))
    })?;
    let (token, secret) = s.app.create_token(&staff, &input.name, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: token.into(),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .revoke_token(&staff, &TokenId::from_string(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
