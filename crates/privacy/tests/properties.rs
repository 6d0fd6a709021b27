//! Properties: every valid identifier the generator makes is found, alone or
//! in a sentence, and masked; one with its check digit changed is not; no
//! input makes the scanner panic or misplace a finding; huge inputs take
//! bounded time.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use privacy::{Kind, Scanner};
use proptest::prelude::*;

fn kinds(text: &str) -> Vec<Kind> {
    privacy::scan_text(text)
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

/// Findings are in order, do not overlap, sit on character boundaries, and
/// never show the whole value.
fn well_formed(text: &str) {
    let found = privacy::scan_text(text);
    let mut reached = 0;
    for f in &found {
        assert!(f.start >= reached && f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        let value = &text[f.start..f.end];
        assert_ne!(f.masked, value);
        assert!(f.masked.contains('*'));
        reached = f.end;
    }
}

const FILLER: [&str; 6] = [
    "Se informa que",
    "el dato",
    "corresponde al expediente del solicitante,",
    "según consta en el oficio.",
    "Beneficiario:",
    "(véase anexo)",
];

fn sentence(seed: u64, value: &str) -> String {
    let mut rng = Synth::new(seed);
    format!(
        "{} {} {value} {}",
        rng.pick(&FILLER),
        rng.pick(&FILLER),
        rng.pick(&FILLER)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn valid_identifiers_are_found(seed in any::<u64>(), ctx in any::<u64>()) {
        let mut rng = Synth::new(seed);
        let cases = [
            (Kind::Curp, curp(&mut rng)),
            (Kind::RfcPersona, rfc_persona(&mut rng)),
            (Kind::Clabe, clabe(&mut rng)),
            (Kind::Card, card(&mut rng)),
            (Kind::IneKey, ine_key(&mut rng)),
            (Kind::Email, email(&mut rng)),
            (Kind::Phone, formatted_phone(&mut rng)),
        ];
        for (kind, value) in cases {
            prop_assert_eq!(kinds(&value), vec![kind], "alone: {}", value);
            let text = sentence(ctx, &value);
            let found = privacy::scan_text(&text);
            prop_assert_eq!(found.len(), 1, "in «{}»", text);
            prop_assert_eq!(found[0].kind, kind);
            prop_assert_eq!(&text[found[0].start..found[0].end], value.as_str());
            prop_assert_eq!(&found[0].masked, &privacy::mask(kind, &value));
            let in_cell = Scanner::new(&["dato"]).scan_row(2, &[value.as_str()]);
            prop_assert_eq!(in_cell.len(), 1);
        }
        let c = card(&mut rng);
        let grouped = grouped_card(&mut rng, &c);
        prop_assert_eq!(kinds(&grouped), vec![Kind::Card], "{}", grouped);
    }

    #[test]
    fn a_changed_check_digit_is_not_found(seed in any::<u64>()) {
        let mut rng = Synth::new(seed);
        let c = curp(&mut rng);
        let bad = wrong_last(&mut rng, &c, "0123456789");
        prop_assert!(kinds(&bad).is_empty(), "{}", bad);
        let r = rfc_persona(&mut rng);
        let bad = wrong_last(&mut rng, &r, "0123456789A");
        prop_assert!(kinds(&bad).is_empty(), "{}", bad);
        let bad = clabe_wrong(&mut rng);
        prop_assert!(kinds(&bad).is_empty(), "{}", bad);
        let bad = card_wrong(&mut rng);
        prop_assert!(kinds(&bad).is_empty(), "{}", bad);
        // A company's RFC, valid or not, never is.
        let m = rfc_moral(&mut rng);
        prop_assert!(kinds(&m).is_empty(), "{}", m);
        let text = format!("RFC {m}");
        prop_assert!(kinds(&text).is_empty());
    }

    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        well_formed(&text);
        let _ = privacy::scan_cell(&text);
    }

    #[test]
    fn never_panics_on_number_like_text(text in "[0-9 ()+.,@/$:A-Za-zÑñ&\u{a0}-]{0,300}") {
        well_formed(&text);
        let _ = Scanner::new(&["teléfono", "curp", "folio"]).scan_row(1, &[&text, &text, &text]);
    }
}

#[test]
fn huge_inputs_take_bounded_time() {
    let mut rng = Synth::new(7);
    // A megabyte of digits, separators and identifiers.
    let mut text = String::new();
    while text.len() < 1 << 20 {
        match rng.below(6) {
            0 => {
                let n = rng.range(1, 30) as usize;
                text.push_str(&rng.digits(n));
            }
            1 => text.push_str(rng.pick(&[" ", "-", ".", "(", ")", " - ", "+"])),
            2 => text.push_str(&curp(&mut rng)),
            3 => text.push_str(&formatted_phone(&mut rng)),
            4 => text.push_str("a@b"),
            _ => text.push_str(" tel. "),
        }
    }
    let started = std::time::Instant::now();
    let found = privacy::scan_text(&text);
    let took = started.elapsed();
    println!("1 MiB: {} hallazgos en {took:?}", found.len());
    assert!(!found.is_empty());
    assert!(took.as_secs() < 20, "took {took:?}");
    // One endless run of digit groups.
    let run = "12 ".repeat(400_000);
    let started = std::time::Instant::now();
    privacy::scan_text(&run);
    assert!(started.elapsed().as_secs() < 20);
    // A cell is read only up to its cap.
    let cell = "5".repeat(10 << 20);
    let started = std::time::Instant::now();
    let s = Scanner::new(&["dato"]);
    assert!(s.scan_row(1, &[cell.as_str()]).is_empty());
    assert!(started.elapsed().as_millis() < 2000);
}
