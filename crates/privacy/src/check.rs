//! The check digits and structural rules of each identifier, written from the
//! issuers' descriptions: RENAPO's CURP instructions, SAT's RFC digit (mod 11),
//! Banxico's CLABE (weights 3, 7, 1), Luhn for cards. Each `is_*` takes the
//! compact, upper-case value; the detectors normalise before calling them.

/// CURP state codes: the 32 states (CDMX is still `DF`) and `NE`, born abroad.
pub const CURP_STATES: [&str; 33] = [
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
];

/// CLABE bank codes (the first three digits) of SPEI participants, from
/// Banxico's catalogue of participants. A CLABE whose code is not here is
/// reported only when the text or the column says it is an account.
pub const CLABE_BANKS: &[u16] = &[
    1, 2, 6, 9, 12, 14, 19, 21, 22, 30, 32, 36, 37, 42, 44, 58, 59, 60, 62, 72, 102, 103, 106, 108,
    110, 112, 113, 124, 126, 127, 128, 129, 130, 132, 133, 135, 136, 137, 138, 140, 141, 143, 145,
    147, 148, 150, 151, 152, 154, 155, 156, 157, 158, 159, 160, 165, 166, 167, 168, 600, 601, 602,
    605, 606, 607, 608, 610, 613, 614, 616, 617, 618, 619, 620, 621, 622, 623, 626, 627, 628, 629,
    630, 631, 632, 633, 634, 636, 637, 638, 640, 642, 646, 647, 648, 649, 651, 652, 653, 655, 656,
    659, 661, 670, 674, 677, 679, 680, 683, 684, 685, 686, 687, 688, 689, 699, 703, 706, 710, 715,
    720, 721, 722, 723, 725, 727, 728, 729, 730, 732, 734, 901, 902, 903,
];

/// Whether `yy mm dd` is a day that exists in 19yy or 20yy (`century` when
/// known: `Some(19)` or `Some(20)`).
pub fn date_exists(yymmdd: &[u8], century: Option<u32>) -> bool {
    if yymmdd.len() != 6 || !yymmdd.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = |i: usize| u32::from(yymmdd[i] - b'0') * 10 + u32::from(yymmdd[i + 1] - b'0');
    let (yy, mm, dd) = (n(0), n(2), n(4));
    let fits = |year: u32| dd >= 1 && dd <= days_in_month(year, mm);
    match century {
        Some(c) => fits(c * 100 + yy),
        None => fits(1900 + yy) || fits(2000 + yy),
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Value of a character in the CURP check: `0`–`9`, then `A`–`N`, `Ñ`, `O`–`Z`.
fn curp_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='N' => Some(c as u32 - 'A' as u32 + 10),
        'Ñ' => Some(24),
        'O'..='Z' => Some(c as u32 - 'O' as u32 + 25),
        _ => None,
    }
}

/// The CURP's 18th character, from its first 17: each character's value
/// times its weight (18 for the first, down to 2), summed; the digit is what
/// takes the sum to the next multiple of ten.
pub fn curp_check_digit(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut count = 0;
    for (i, c) in first17.chars().enumerate() {
        sum += curp_value(c)? * (18 - i as u32);
        count += 1;
        if count > 17 {
            return None;
        }
    }
    if count != 17 {
        return None;
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// A CURP: 4 letters, a date of birth that exists, sex (`H`, `M`, `X`), a
/// state code, 3 internal consonants, the homonymy character (a digit for
/// births up to 1999, a letter from 2000) and the check digit.
pub fn is_curp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let consonant = |c: u8| c.is_ascii_uppercase() && !b"AEIOU".contains(&c);
    let century = if b[16].is_ascii_digit() { 19 } else { 20 };
    b[..4].iter().all(u8::is_ascii_uppercase)
        && date_exists(&b[4..10], Some(century))
        && matches!(b[10], b'H' | b'M' | b'X')
        && CURP_STATES.contains(&&s[11..13])
        && b[13..16].iter().all(|&c| consonant(c))
        && b[16].is_ascii_alphanumeric()
        && !b[16].is_ascii_lowercase()
        && b[17].is_ascii_digit()
        && curp_check_digit(&s[..17]) == Some(b[17] as char)
}

/// Value of a character in the RFC check: `0`–`9`, `A`–`N`, `&`, `O`–`Z`,
/// space, `Ñ`.
fn rfc_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='N' => Some(c as u32 - 'A' as u32 + 10),
        '&' => Some(24),
        'O'..='Z' => Some(c as u32 - 'O' as u32 + 25),
        ' ' => Some(37),
        'Ñ' => Some(38),
        _ => None,
    }
}

/// The RFC's last character, from the others (11 for a company, which is
/// padded with a leading space, or 12 for a person): values weighted 13 down
/// to 2, summed, modulo 11; 0 stays `0`, otherwise 11 minus it, 10 being `A`.
pub fn rfc_check_digit(body: &str) -> Option<char> {
    let chars: Vec<char> = body.chars().collect();
    let padded: Vec<char> = match chars.len() {
        11 => std::iter::once(' ').chain(chars).collect(),
        12 => chars,
        _ => return None,
    };
    let mut sum = 0u32;
    for (i, c) in padded.iter().enumerate() {
        sum += rfc_value(*c)? * (13 - i as u32);
    }
    Some(match sum % 11 {
        0 => '0',
        1 => 'A',
        r => char::from_digit(11 - r, 10)?,
    })
}

/// The two generic RFCs (the public in general, and foreigners), which name
/// nobody.
pub const GENERIC_RFCS: [&str; 2] = ["XAXX010101000", "XEXX010101000"];

fn rfc_letter(c: char) -> bool {
    c.is_ascii_uppercase() || c == 'Ñ' || c == '&'
}

/// An RFC of a natural person: 4 letters (`Ñ` and `&` allowed), a date that
/// exists, a 2-character homonymy key and SAT's check digit; never the
/// generic ones.
pub fn is_rfc_persona(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.len() == 13 && rfc_parts(&chars, 4) && !GENERIC_RFCS.contains(&s)
}

/// An RFC of a company (persona moral): 3 letters, date, homonymy key and
/// check digit. Not personal data; known so that it is never taken for one.
pub fn is_rfc_moral(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.len() == 12 && rfc_parts(&chars, 3)
}

fn rfc_parts(chars: &[char], letters: usize) -> bool {
    let date: Vec<u8> = chars[letters..letters + 6]
        .iter()
        .map(|&c| if c.is_ascii_digit() { c as u8 } else { b'x' })
        .collect();
    let body: String = chars[..chars.len() - 1].iter().collect();
    chars[..letters].iter().all(|&c| rfc_letter(c))
        && date_exists(&date, None)
        && chars[letters + 6..letters + 8]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && rfc_check_digit(&body) == chars.last().copied()
}

/// A voter key (clave de elector): 6 letters, a date of birth that exists, a
/// state 01–32, `H` or `M`, 3 digits.
pub fn is_ine_key(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let state = (b[12] as char)
        .to_digit(10)
        .zip((b[13] as char).to_digit(10));
    b[..6].iter().all(u8::is_ascii_uppercase)
        && date_exists(&b[6..12], None)
        && matches!(state, Some((t, u)) if (1..=32).contains(&(t * 10 + u)))
        && matches!(b[14], b'H' | b'M')
        && b[15..].iter().all(u8::is_ascii_digit)
}

/// The CLABE's 18th digit: each of the first 17 times 3, 7, 1, 3, 7, 1…
/// modulo 10, summed; the digit takes the sum to a multiple of ten.
pub fn clabe_check_digit(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip([3, 7, 1].iter().cycle())
        .map(|(d, w)| (u32::from(d - b'0') * w) % 10)
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// An 18-digit CLABE whose check digit is right (the bank code is looked at
/// separately: [`clabe_bank_known`]).
pub fn is_clabe(s: &str) -> bool {
    s.len() == 18 && clabe_check_digit(&s[..17]) == s[17..].chars().next()
}

/// Whether the CLABE's first three digits are a known SPEI participant.
pub fn clabe_bank_known(s: &str) -> bool {
    s.get(..3)
        .and_then(|c| c.parse::<u16>().ok())
        .is_some_and(|c| CLABE_BANKS.contains(&c))
}

/// Luhn's check (cards): from the right, every second digit doubled.
pub fn luhn(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The digit that completes `partial` for Luhn's check.
pub fn luhn_check_digit(partial: &str) -> Option<char> {
    (0..10)
        .filter_map(|d| char::from_digit(d, 10))
        .find(|&c| luhn(&format!("{partial}{c}")))
}

/// A card network's number prefixes (IIN ranges) and lengths.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub name: &'static str,
    /// Inclusive ranges of prefixes, each compared on its own number of digits.
    pub ranges: &'static [(u32, u32)],
    pub lengths: &'static [usize],
    /// The length a number of this network usually has (the one reported
    /// without grouping or context).
    pub usual: &'static [usize],
}

pub const NETWORKS: &[Network] = &[
    Network {
        name: "Visa",
        ranges: &[(4, 4)],
        lengths: &[13, 16, 19],
        usual: &[16],
    },
    Network {
        name: "Mastercard",
        ranges: &[(51, 55), (2221, 2720)],
        lengths: &[16],
        usual: &[16],
    },
    Network {
        name: "American Express",
        ranges: &[(34, 34), (37, 37)],
        lengths: &[15],
        usual: &[15],
    },
    Network {
        name: "Carnet",
        ranges: &[
            (2869, 2869),
            (5022, 5022),
            (5061, 5064),
            (5887, 5887),
            (6046, 6047),
            (6394, 6395),
        ],
        lengths: &[16],
        usual: &[16],
    },
    Network {
        name: "Discover",
        ranges: &[(6011, 6011), (644, 649), (65, 65)],
        lengths: &[16, 17, 18, 19],
        usual: &[16],
    },
    Network {
        name: "Diners Club",
        ranges: &[(300, 305), (36, 36), (38, 39)],
        lengths: &[14, 16],
        usual: &[14, 16],
    },
    Network {
        name: "JCB",
        ranges: &[(3528, 3589)],
        lengths: &[16, 17, 18, 19],
        usual: &[16],
    },
    Network {
        name: "UnionPay",
        ranges: &[(62, 62)],
        lengths: &[16, 17, 18, 19],
        usual: &[16],
    },
    Network {
        name: "Maestro",
        ranges: &[
            (5018, 5018),
            (5020, 5020),
            (5038, 5038),
            (5893, 5893),
            (6304, 6304),
            (6759, 6759),
            (6761, 6763),
        ],
        lengths: &[16, 17, 18, 19],
        usual: &[16],
    },
];

/// The network whose prefixes and lengths fit `digits`.
pub fn card_network(digits: &str) -> Option<&'static Network> {
    NETWORKS.iter().find(|n| {
        n.lengths.contains(&digits.len())
            && n.ranges.iter().any(|&(lo, hi)| {
                let width = lo.to_string().len();
                digits
                    .get(..width)
                    .and_then(|p| p.parse::<u32>().ok())
                    .is_some_and(|p| p >= lo && p <= hi)
            })
    })
}

/// A card number: a known network's prefix and length, and Luhn's check.
pub fn is_card(digits: &str) -> bool {
    card_network(digits).is_some() && luhn(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curp_check_digits_of_published_examples() {
        assert_eq!(curp_check_digit("SABC560626MDFLRN0"), Some('1'));
        assert_eq!(curp_check_digit("MOTR930411HJCRMN0"), Some('3'));
        assert_eq!(curp_check_digit("MOTR930411HJCRMG7"), Some('0'));
        assert!(is_curp("SABC560626MDFLRN01"));
        assert!(!is_curp("SABC560626MDFLRN02"));
        // 31 February does not exist.
        assert!(!is_curp("SABC560231MDFLRN01"));
        assert!(!is_curp("SABC560626MZZLRN01"));
    }

    #[test]
    fn rfc_check_digits() {
        // A company's RFC (SAT's own) and a person's.
        assert_eq!(rfc_check_digit("SAT970701NN"), Some('3'));
        assert!(is_rfc_moral("SAT970701NN3"));
        assert!(!is_rfc_persona("SAT970701NN3"));
        let body = "GODE561231GR";
        let digit = rfc_check_digit(body).unwrap();
        assert!(is_rfc_persona(&format!("{body}{digit}")));
        assert!(!is_rfc_persona("GODE561231GR0") || digit == '0');
        assert!(!is_rfc_persona("XAXX010101000"));
        assert!(!is_rfc_persona("GODE561331GR8"), "month 13");
    }

    #[test]
    fn clabe_and_cards() {
        assert!(is_clabe("032180000118359719"));
        assert!(!is_clabe("032180000118359718"));
        assert!(clabe_bank_known("032180000118359719"));
        assert!(is_card("4111111111111111"));
        assert!(is_card("5555555555554444"));
        assert!(is_card("378282246310005"));
        assert!(!is_card("4111111111111112"));
        assert!(!is_card("1234567812345670"), "no network starts with 1");
    }

    #[test]
    fn voter_keys() {
        assert!(is_ine_key("GMVLMR80070501M100"));
        assert!(!is_ine_key("GMVLMR80070533M100"), "state 33");
        assert!(!is_ine_key("GMVLMR80023001M100"), "30 February");
    }

    #[test]
    fn dates() {
        assert!(date_exists(b"000229", None));
        assert!(!date_exists(b"000229", Some(19)));
        assert!(date_exists(b"960229", Some(19)));
        assert!(!date_exists(b"970229", None));
    }
}
