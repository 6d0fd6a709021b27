//! Masking: what a report may show of a finding — enough for a person to
//! find it in the file (the first letters of a CURP, the last four digits of
//! a card), never the whole value.

use crate::Kind;

/// `value` with the characters that identify a person replaced by `*`;
/// separators are kept so that the masked value looks like the original.
pub fn mask(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Email => mask_email(value),
        // Initials, sex, state and consonants; not the date or check digit.
        Kind::Curp => keep_positions(value, |i, _| (4..10).contains(&i) || i >= 17),
        // Initials and the homonymy key; not the date or check digit.
        Kind::RfcPersona => keep_positions(value, |i, _| (4..10).contains(&i) || i >= 12),
        // The six letters of the names.
        Kind::IneKey => keep_positions(value, |i, _| i >= 6),
        // The last four digits.
        Kind::Phone | Kind::Card => keep_positions(value, |i, n| i + 4 < n),
        // The bank and the last four digits.
        Kind::Clabe => keep_positions(value, |i, n| i >= 3 && i + 4 < n),
    }
}

/// Masks the `i`-th letter or digit (of `n`) when `hide(i, n)`.
fn keep_positions(value: &str, hide: impl Fn(usize, usize) -> bool) -> String {
    let n = value.chars().filter(|c| c.is_alphanumeric()).count();
    let mut i = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            let out = if hide(i, n) { '*' } else { c };
            i += 1;
            out
        })
        .collect()
}

fn mask_email(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_never_show_the_whole_value() {
        assert_eq!(mask(Kind::Curp, "GOMC800101HDFRRR09"), "GOMC******HDFRRR0*");
        assert_eq!(mask(Kind::RfcPersona, "GOMC800101AB1"), "GOMC******AB*");
        assert_eq!(mask(Kind::RfcPersona, "GOMC-800101-AB1"), "GOMC-******-AB*");
        assert_eq!(
            mask(Kind::IneKey, "GMVLMR80070501M100"),
            "GMVLMR************"
        );
        assert_eq!(mask(Kind::Phone, "(55) 1234-5678"), "(**) ****-5678");
        assert_eq!(
            mask(Kind::Card, "4111 1111 1111 1111"),
            "**** **** **** 1111"
        );
        assert_eq!(
            mask(Kind::Clabe, "032180000118359719"),
            "032***********9719"
        );
        assert_eq!(mask(Kind::Email, "juan.perez@correo.mx"), "j***@correo.mx");
        assert_eq!(mask(Kind::Email, "a@b.mx"), "a***@b.mx");
    }
}
