//! A generator of synthetic identifiers — valid ones, with their check digits
//! computed, and near misses — for the labelled set and the property tests.
//! Deterministic: the same seed gives the same values. None is a real
//! person's.
#![allow(dead_code, clippy::unwrap_used)]

use privacy::check;

/// SplitMix64: small, deterministic, good enough for test data.
#[derive(Debug, Clone)]
pub struct Synth(u64);

impl Synth {
    pub fn new(seed: u64) -> Synth {
        Synth(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    pub fn letter(&mut self) -> char {
        char::from(b'A' + self.below(26) as u8)
    }

    pub fn from(&mut self, chars: &str) -> char {
        let v: Vec<char> = chars.chars().collect();
        self.pick(&v)
    }
}

const VOWELS: &str = "AEIOU";
const CONSONANTS: &str = "BCDFGHJKLMNPQRSTVWXYZ";

fn days_in(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date of birth `yymmdd` between 1930 and 2015, and its year.
pub fn birth(rng: &mut Synth) -> (String, u64) {
    let year = rng.range(1930, 2015);
    let month = rng.range(1, 12);
    let day = rng.range(1, days_in(year, month));
    (format!("{:02}{month:02}{day:02}", year % 100), year)
}

/// A valid CURP.
pub fn curp(rng: &mut Synth) -> String {
    let (date, year) = birth(rng);
    let mut s = String::new();
    s.push(rng.from(CONSONANTS));
    s.push(rng.from(VOWELS));
    s.push(rng.letter());
    s.push(rng.letter());
    s.push_str(&date);
    s.push(if rng.chance(2) { 'X' } else { rng.from("HM") });
    s.push_str(rng.pick(&check::CURP_STATES));
    for _ in 0..3 {
        s.push(rng.from(CONSONANTS));
    }
    s.push(if year < 2000 {
        char::from(b'0' + rng.below(10) as u8)
    } else {
        rng.letter()
    });
    let d = check::curp_check_digit(&s).unwrap();
    s.push(d);
    s
}

fn rfc_with(rng: &mut Synth, letters: usize) -> String {
    let (date, _) = birth(rng);
    let mut s = String::new();
    for i in 0..letters {
        // Now and then an `&` or `Ñ`, as in real RFCs.
        s.push(if i > 0 && rng.chance(2) {
            rng.from("&Ñ")
        } else {
            rng.letter()
        });
    }
    s.push_str(&date);
    for _ in 0..2 {
        s.push(rng.from("ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"));
    }
    let d = check::rfc_check_digit(&s).unwrap();
    s.push(d);
    s
}

/// A valid RFC of a natural person (13 characters).
pub fn rfc_persona(rng: &mut Synth) -> String {
    loop {
        let s = rfc_with(rng, 4);
        if !check::GENERIC_RFCS.contains(&s.as_str()) {
            return s;
        }
    }
}

/// A valid RFC of a company (12 characters).
pub fn rfc_moral(rng: &mut Synth) -> String {
    rfc_with(rng, 3)
}

/// A valid voter key.
pub fn ine_key(rng: &mut Synth) -> String {
    let (date, _) = birth(rng);
    let mut s = String::new();
    for _ in 0..3 {
        s.push(rng.from(CONSONANTS));
        s.push(rng.from(VOWELS));
    }
    s.push_str(&date);
    s.push_str(&format!("{:02}", rng.range(1, 32)));
    s.push(rng.from("HM"));
    s.push_str(&rng.digits(3));
    s
}

/// Bank codes the generator uses.
pub const BANKS: [&str; 12] = [
    "002", "012", "014", "021", "030", "036", "044", "058", "072", "127", "137", "646",
];

/// A valid CLABE of a known bank.
pub fn clabe(rng: &mut Synth) -> String {
    let mut s = rng.pick(&BANKS).to_string();
    s.push_str(&rng.digits(14));
    let d = check::clabe_check_digit(&s).unwrap();
    s.push(d);
    s
}

/// A valid card number (Visa, Mastercard, American Express or Carnet).
pub fn card(rng: &mut Synth) -> String {
    let (prefix, len) = match rng.below(6) {
        0 | 1 => ("4".to_string(), 16),
        2 => (format!("{}", rng.range(51, 55)), 16),
        3 => (format!("{}", rng.range(2221, 2720)), 16),
        4 => (rng.pick(&["34", "37"]).to_string(), 15),
        _ => (rng.pick(&["5062", "5064", "6394"]).to_string(), 16),
    };
    let mut s = prefix;
    let rest = len - 1 - s.len();
    s.push_str(&rng.digits(rest));
    let d = check::luhn_check_digit(&s).unwrap();
    s.push(d);
    s
}

/// A card number written in groups (4-4-4-4, or 4-6-5 for 15 digits).
pub fn grouped_card(rng: &mut Synth, card: &str) -> String {
    let sep = rng.pick(&[" ", "-"]);
    if card.len() == 15 {
        format!("{}{sep}{}{sep}{}", &card[..4], &card[4..10], &card[10..])
    } else {
        card.as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// The ten national digits of a Mexican phone, and whether its area code
/// has two digits.
pub fn national_phone(rng: &mut Synth) -> (String, bool) {
    if rng.chance(45) {
        let area = rng.pick(&["55", "56", "33", "81"]);
        (format!("{area}{}", rng.digits(8)), true)
    } else {
        let area = rng.pick(&[
            "722", "729", "712", "714", "591", "592", "595", "597", "246", "222", "442", "477",
            "999", "998", "614", "662", "667", "871", "844", "311", "415", "449", "961", "951",
        ]);
        (format!("{area}{}", rng.digits(7)), false)
    }
}

/// A phone number written the ways people write them: in a phone's layout,
/// with or without a prefix.
pub fn formatted_phone(rng: &mut Synth) -> String {
    let (n, two) = national_phone(rng);
    let sep = rng.pick(&[" ", "-", ".", " "]);
    let body = if two {
        match rng.below(4) {
            0 => format!("({}) {}{sep}{}", &n[..2], &n[2..6], &n[6..]),
            1 => format!("{}{sep}{}{sep}{}", &n[..2], &n[2..6], &n[6..]),
            2 => format!(
                "{}{sep}{}{sep}{}{sep}{}{sep}{}",
                &n[..2],
                &n[2..4],
                &n[4..6],
                &n[6..8],
                &n[8..]
            ),
            _ => format!("{} {}{sep}{}", &n[..2], &n[2..6], &n[6..]),
        }
    } else {
        match rng.below(3) {
            0 => format!("({}) {}{sep}{}", &n[..3], &n[3..6], &n[6..]),
            1 => format!("{}{sep}{}{sep}{}", &n[..3], &n[3..6], &n[6..]),
            _ => format!(
                "{}{sep}{}{sep}{}{sep}{}",
                &n[..3],
                &n[3..6],
                &n[6..8],
                &n[8..]
            ),
        }
    };
    match rng.below(8) {
        0 => format!("+52 {body}"),
        1 => format!("+52 1 {body}"),
        2 => format!("044 {body}"),
        3 => format!("045 {body}"),
        4 => format!("+52{n}"),
        _ => body,
    }
}

const NAMES: [&str; 16] = [
    "ana",
    "luis",
    "maria",
    "jose",
    "guadalupe",
    "juan",
    "rosa",
    "miguel",
    "carmen",
    "jorge",
    "elena",
    "ricardo",
    "sofia",
    "alejandro",
    "veronica",
    "fernando",
];
const SURNAMES: [&str; 12] = [
    "hernandez",
    "garcia",
    "martinez",
    "lopez",
    "gonzalez",
    "perez",
    "rodriguez",
    "sanchez",
    "ramirez",
    "cruz",
    "flores",
    "gomez",
];
const DOMAINS: [&str; 10] = [
    "gmail.com",
    "hotmail.com",
    "yahoo.com.mx",
    "outlook.com",
    "prodigy.net.mx",
    "edomex.gob.mx",
    "toluca.gob.mx",
    "uaemex.mx",
    "live.com.mx",
    "icloud.com",
];

/// An e-mail address.
pub fn email(rng: &mut Synth) -> String {
    let name = rng.pick(&NAMES);
    let surname = rng.pick(&SURNAMES);
    let local = match rng.below(5) {
        0 => format!("{name}.{surname}"),
        1 => format!("{name}_{surname}{}", rng.range(1, 99)),
        2 => format!("{}{surname}", &name[..1]),
        3 => format!("{name}{}", rng.range(1960, 2010)),
        _ => format!("{}.{}", name.to_uppercase(), surname),
    };
    format!("{local}@{}", rng.pick(&DOMAINS))
}

/// `s` with its last character (a check digit) replaced by another.
pub fn wrong_last(rng: &mut Synth, s: &str, alphabet: &str) -> String {
    let last = s.chars().last().unwrap();
    let body: String = s.chars().take(s.chars().count() - 1).collect();
    loop {
        let c = rng.from(alphabet);
        if c != last {
            return format!("{body}{c}");
        }
    }
}

/// A CURP whose date does not exist, with its check digit recomputed.
pub fn curp_bad_date(rng: &mut Synth) -> String {
    let c = curp(rng);
    let bad = rng.pick(&["0230", "0231", "1301", "0001", "0432", "1100"]);
    let mut s = format!("{}{}{}", &c[..6], bad, &c[10..17]);
    let d = check::curp_check_digit(&s).unwrap();
    s.push(d);
    s
}

/// An RFC of a person whose date does not exist, check digit recomputed.
pub fn rfc_bad_date(rng: &mut Synth) -> String {
    let r = rfc_persona(rng);
    let chars: Vec<char> = r.chars().collect();
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[10..12].iter().collect();
    let bad = rng.pick(&["0230", "1301", "0000", "0631", "1532"]);
    let mut s = format!("{head}{bad}{tail}");
    let d = check::rfc_check_digit(&s).unwrap();
    s.push(d);
    s
}

/// A CLABE-looking number whose check digit is wrong.
pub fn clabe_wrong(rng: &mut Synth) -> String {
    let c = clabe(rng);
    wrong_last(rng, &c, "0123456789")
}

/// A card-looking number that fails Luhn's check.
pub fn card_wrong(rng: &mut Synth) -> String {
    let c = card(rng);
    wrong_last(rng, &c, "0123456789")
}

/// A Luhn-valid number with no card network's prefix (folios, keys).
pub fn luhn_no_network(rng: &mut Synth, len: usize) -> String {
    let mut s = rng.pick(&["1", "7", "8", "9", "0"]).to_string();
    s.push_str(&rng.digits(len - 2));
    let d = check::luhn_check_digit(&s).unwrap();
    s.push(d);
    s
}
