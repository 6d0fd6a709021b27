//! Secrets and tokens: the server secret shared by every process (kept in the
//! database), random tokens that are stored only as hashes, and CSRF tokens.
//!
//! CSRF protection is a signed double-submit cookie: every visitor gets a
//! random `csrf` cookie; forms carry `HMAC(secret, cookie)`. An attacker can
//! neither read the cookie nor compute the signature without the secret.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::{is_unique_violation, Db};

/// The server secret.
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// Reads the secret from the database, creating it on first start. Every
    /// process of an installation shares it.
    pub async fn load_or_create(db: &Db) -> Result<Secret, sqlx::Error> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT value FROM kernel_settings WHERE key = 'secret'")
                .fetch_optional(db.pool())
                .await?;
        let hex_value = match existing {
            Some(v) => v,
            None => {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let fresh = hex::encode(bytes);
                let inserted =
                    sqlx::query("INSERT INTO kernel_settings (key, value) VALUES ('secret', $1)")
                        .bind(&fresh)
                        .execute(db.pool())
                        .await;
                match inserted {
                    Ok(_) => fresh,
                    // Another process won the race: use its secret.
                    Err(e) if is_unique_violation(&e) => {
                        sqlx::query_scalar("SELECT value FROM kernel_settings WHERE key = 'secret'")
                            .fetch_one(db.pool())
                            .await?
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let mut bytes = [0u8; 32];
        let decoded =
            hex::decode(hex_value.trim()).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        if decoded.len() != 32 {
            return Err(sqlx::Error::Protocol(
                "server secret has the wrong length".into(),
            ));
        }
        bytes.copy_from_slice(&decoded);
        Ok(Secret(bytes))
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn for_tests() -> Secret {
        Secret([7u8; 32])
    }

    /// `HMAC-SHA256(secret, purpose ‖ value)`, hex.
    pub fn sign(&self, purpose: &str, value: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The CSRF token for a `csrf` cookie value.
    pub fn csrf_token(&self, cookie: &str) -> String {
        self.sign("csrf", cookie)
    }

    /// Checks a submitted CSRF token against the cookie, in constant time.
    pub fn verify_csrf(&self, cookie: &str, submitted: &str) -> bool {
        let expected = self.csrf_token(cookie);
        !cookie.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.trim().as_bytes()))
    }
}

/// A random token (256 bits, URL-safe base64).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token: its SHA-256, hex. The token itself is shown once.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time equality of two strings.
pub fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_bind_to_the_cookie() {
        let s = Secret::for_tests();
        let cookie = random_token();
        let token = s.csrf_token(&cookie);
        assert!(s.verify_csrf(&cookie, &token));
        assert!(!s.verify_csrf(&random_token(), &token), "another cookie");
        assert!(!s.verify_csrf(&cookie, ""), "missing token");
        assert!(!s.verify_csrf("", &s.csrf_token("")), "no cookie");
        assert!(
            !Secret([8u8; 32]).verify_csrf(&cookie, &token),
            "another secret"
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
