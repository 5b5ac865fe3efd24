//! Random secrets, their stored hashes, and password hashing (Argon2id).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new secret: 32 random bytes as hex, with an optional readable prefix.
pub(crate) fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    format!("{prefix}{}", hex::encode(bytes))
}

/// How a high-entropy secret (session, token, link) is stored: its SHA-256, as hex.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time equality for secrets compared in memory (CSRF tokens).
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Hashes a password with Argon2id off the async threads; hashing is slow on purpose.
pub(crate) async fn hash_password(password: String) -> Result<String, crate::AppError> {
    let hashed = tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(crate::AppError::internal)?;
    hashed.map_err(|e| crate::AppError::Internal(e.to_string().into()))
}

/// Checks a password against a stored hash, off the async threads.
pub(crate) async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();

        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), hash.clone()).await);
        assert!(!verify_password("wrong horse battery".into(), hash).await);
    }

    #[test]
    fn secrets_are_long_random_and_prefixed() {
        let a = random_secret("knd_");
        let b = random_secret("knd_");

        assert!(a.starts_with("knd_") && a.len() == 68);
        assert_ne!(a, b);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }
}
