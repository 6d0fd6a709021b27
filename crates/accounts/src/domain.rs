//! Pure rules of accounts: e-mail addresses, passwords and global roles.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use kernel::authz::Role;

/// Why account data was refused; `Display` is Spanish for the person.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("el correo electrónico «{0}» no es válido")]
    BadEmail(String),
    #[error("la contraseña debe tener al menos {MIN_PASSWORD} caracteres")]
    WeakPassword,
    #[error("el rol «{0}» no existe o no es un rol de cuenta (use platform-admin, institute-reviewer o citizen)")]
    BadRole(String),
    #[error("ya existe una cuenta con el correo {0}")]
    EmailTaken(String),
    #[error("el nombre no puede quedar vacío")]
    EmptyName,
}

pub const MIN_PASSWORD: usize = 12;

/// An e-mail address, trimmed and in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, AccountError> {
        let e = s.trim().to_lowercase();
        let bad = || AccountError::BadEmail(s.chars().take(80).collect());
        if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = e.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(Email(e))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A global role an account may carry (body roles come from memberships).
pub fn parse_global_role(s: &str) -> Result<Role, AccountError> {
    match Role::from_code(s.trim()) {
        Some(r) if Role::GLOBAL.contains(&r) => Ok(r),
        _ => Err(AccountError::BadRole(s.chars().take(40).collect())),
    }
}

/// Hashes a password with argon2id (the crate's recommended parameters).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::WeakPassword);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AccountError::WeakPassword)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for accounts created from the command line.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Enlace@Zacazonapan.gob.mx ")
                .unwrap()
                .as_str(),
            "enlace@zacazonapan.gob.mx"
        );
        for bad in [
            "",
            "sin-arroba",
            "a@b",
            "@dominio.mx",
            "a@@b.mx",
            "a b@c.mx",
            "a@.mx",
            "a@mx.",
            "a@b..mx",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@x.mx", "a".repeat(300))).is_err());
    }

    #[test]
    fn roles() {
        assert_eq!(parse_global_role("platform-admin"), Ok(Role::PlatformAdmin));
        assert!(
            parse_global_role("body-editor").is_err(),
            "body roles come from memberships"
        );
        assert!(parse_global_role("root")
            .unwrap_err()
            .to_string()
            .contains("root"));
    }

    #[test]
    fn passwords() {
        assert_eq!(hash_password("corta"), Err(AccountError::WeakPassword));
        let h = hash_password("una contraseña larga").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("una contraseña larga", &h));
        assert!(!verify_password("otra contraseña larga", &h));
        assert!(!verify_password("x", "no es un hash"));
        let g = generate_password();
        assert_eq!(g.len(), 20);
        assert_ne!(g, generate_password());
    }
}
