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

/// Sign-in failures for one address within [`LOCK_WINDOW_MINUTES`] that lock it.
pub const MAX_FAILURES: i64 = 10;
/// Failures from one network address within the window that lock it.
pub const MAX_FAILURES_PER_IP: i64 = 100;
pub const LOCK_WINDOW_MINUTES: i64 = 15;

/// Is sign-in locked, given the recent failures for the address and the IP?
pub fn is_locked(failures_for_email: i64, failures_for_ip: i64) -> bool {
    failures_for_email >= MAX_FAILURES || failures_for_ip >= MAX_FAILURES_PER_IP
}

/// Where to go after signing in: only a path on this site (no `//host`,
/// no scheme), otherwise the account page.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.contains(['\r', '\n'])
                && p.len() < 500 =>
        {
            p.to_string()
        }
        _ => "/cuenta".to_string(),
    }
}

/// A time-based one-time password generator (RFC 6238: SHA-1, 6 digits, 30 s,
/// one step of tolerance) for `secret_base32`.
pub fn totp(secret_base32: &str, account: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Apertura Infoem".to_string()),
        account.to_string(),
    )
    .ok()
}

/// A fresh second-factor secret, base32.
pub fn new_totp_secret() -> String {
    match totp_rs::Secret::generate_secret().to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// Checks a six-digit code typed by the person.
pub fn check_totp(secret_base32: &str, account: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    code.len() == 6
        && totp(secret_base32, account)
            .and_then(|t| t.check_current(&code).ok())
            .unwrap_or(false)
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn lockout_rule() {
        assert!(!is_locked(9, 0));
        assert!(is_locked(10, 0));
        assert!(is_locked(0, 100));
    }

    #[test]
    fn only_local_redirects() {
        assert_eq!(safe_next(Some("/municipios?q=a")), "/municipios?q=a");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/cuenta", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/cuenta");
    }

    #[test]
    fn second_factor_codes() {
        let secret = new_totp_secret();
        assert!(secret.len() >= 26);
        let t = totp(&secret, "a@b.mx").unwrap();
        let code = t.generate_current().unwrap();
        assert!(check_totp(&secret, "a@b.mx", &code));
        assert!(check_totp(
            &secret,
            "a@b.mx",
            &format!("{} {}", &code[..3], &code[3..])
        ));
        assert!(!check_totp(&secret, "a@b.mx", "000000") || code == "000000");
        assert!(!check_totp(&secret, "a@b.mx", "12345"));
    }
}
