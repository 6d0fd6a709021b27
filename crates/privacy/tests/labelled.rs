//! Precision and recall of every detector on the labelled set in
//! `tests/data/`: `labelled.tsv`, written by the generator below (valid
//! identifiers and near misses in Spanish sentences and table cells; run
//! with `PRIVACY_REGENERATE=1` after changing it), and `handwritten.tsv`,
//! real-looking text labelled by hand. Each line: the kinds expected (codes,
//! comma-separated, or `-`), where it is (`texto`, or `celda:` and the
//! column's name) and the text.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::*;
use privacy::{check, Kind, Scanner};

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

/// One labelled example.
struct Example {
    expected: BTreeSet<Kind>,
    column: Option<String>,
    text: String,
}

fn parse(tsv: &str) -> Vec<Example> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let (exp, place, text) = (
                parts.next().unwrap(),
                parts.next().unwrap_or_else(|| panic!("no place in «{l}»")),
                parts.next().unwrap_or_else(|| panic!("no text in «{l}»")),
            );
            let expected = if exp == "-" {
                BTreeSet::new()
            } else {
                exp.split(',')
                    .map(|c| Kind::from_code(c).unwrap_or_else(|| panic!("kind «{c}»")))
                    .collect()
            };
            let column = place.strip_prefix("celda:").map(str::to_string);
            assert!(column.is_some() || place == "texto", "place «{place}»");
            Example {
                expected,
                column,
                text: text.to_string(),
            }
        })
        .collect()
}

fn found(e: &Example) -> BTreeSet<Kind> {
    match &e.column {
        None => privacy::scan_text(&e.text)
            .into_iter()
            .map(|f| f.kind)
            .collect(),
        Some(col) => Scanner::new(&[col.as_str()])
            .scan_row(2, &[e.text.as_str()])
            .into_iter()
            .map(|f| f.finding.kind)
            .collect(),
    }
}

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    positives: u32,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        }
    }
}

#[test]
fn precision_and_recall_are_at_least_95_percent() {
    let generated = std::fs::read_to_string(data("labelled.tsv")).unwrap();
    let hand = std::fs::read_to_string(data("handwritten.tsv")).unwrap();
    let mut examples = parse(&generated);
    examples.extend(parse(&hand));
    let mut per: BTreeMap<Kind, Counts> = BTreeMap::new();
    let mut mistakes = vec![];
    let (mut positive_lines, mut negative_lines) = (0, 0);
    for e in &examples {
        if e.expected.is_empty() {
            negative_lines += 1;
        } else {
            positive_lines += 1;
        }
        let got = found(e);
        for k in Kind::ALL {
            let c = per.entry(k).or_default();
            let (want, have) = (e.expected.contains(&k), got.contains(&k));
            c.positives += u32::from(want);
            match (want, have) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        if got != e.expected {
            mistakes.push(format!(
                "  esperado {:?}, encontrado {:?}: {:?} «{}»",
                e.expected, got, e.column, e.text
            ));
        }
    }
    let mut total = Counts::default();
    println!(
        "{} ejemplos: {positive_lines} con datos personales, {negative_lines} sin ellos",
        examples.len()
    );
    println!(
        "{:<14} {:>9} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "tipo", "positivos", "VP", "FP", "FN", "precisión", "recall"
    );
    for (k, c) in &per {
        println!(
            "{:<14} {:>9} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
            k.code(),
            c.positives,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
        total.positives += c.positives;
    }
    println!(
        "{:<14} {:>9} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
        "total",
        total.positives,
        total.tp,
        total.fp,
        total.fn_,
        total.precision(),
        total.recall()
    );
    println!("errores ({}):\n{}", mistakes.len(), mistakes.join("\n"));
    assert!(positive_lines >= 400 && negative_lines >= 400);
    for (k, c) in per
        .iter()
        .map(|(k, c)| (k.code(), *c))
        .chain([("total", total)])
    {
        assert!(c.positives >= 40 || k == "total", "{k}: too few positives");
        assert!(c.precision() >= 0.95, "{k}: precision {:.3}", c.precision());
        assert!(c.recall() >= 0.95, "{k}: recall {:.3}", c.recall());
    }
}

/// Bare numbers with nothing around them that says what they are: how often
/// random ones are reported (printed; ten digits never are).
#[test]
fn bare_numbers_without_context() {
    let mut rng = Synth::new(99);
    for (len, label) in [(10, "10 dígitos"), (16, "16 dígitos"), (18, "18 dígitos")] {
        let n = 20_000;
        let reported = (0..n)
            .filter(|_| {
                let mut s = rng.digits(len);
                if len == 10 {
                    s.replace_range(..1, &rng.range(2, 9).to_string());
                }
                !privacy::scan_cell(&s).is_empty()
            })
            .count();
        println!(
            "{label} al azar, sin contexto: {reported} de {n} reportados ({:.2} %)",
            100.0 * reported as f64 / f64::from(n)
        );
        if len == 10 {
            assert_eq!(reported, 0);
        }
    }
}

#[test]
fn the_labelled_set_is_what_the_generator_writes() {
    let tsv = generate();
    let path = data("labelled.tsv");
    if std::env::var_os("PRIVACY_REGENERATE").is_some() {
        std::fs::write(&path, &tsv).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == tsv,
        "{} differs from the generator: run PRIVACY_REGENERATE=1 cargo test -p privacy --test labelled",
        path.display()
    );
}

/// The lines of `labelled.tsv`.
fn generate() -> String {
    let mut rng = Synth::new(2024);
    let mut out = vec!["esperado\tlugar\ttexto".to_string()];
    let mut line = |expected: &str, place: &str, text: String| {
        assert!(!text.contains('\t') && !text.contains('\n'));
        out.push(format!("{expected}\t{place}\t{text}"));
    };
    let t = "texto";
    let name = |rng: &mut Synth| {
        format!(
            "{} {} {}",
            rng.pick(&[
                "ROSA",
                "JUAN",
                "MARÍA GUADALUPE",
                "JOSÉ LUIS",
                "ANA",
                "PEDRO"
            ]),
            rng.pick(&["HERNÁNDEZ", "GARCÍA", "MARTÍNEZ", "LÓPEZ", "GONZÁLEZ"]),
            rng.pick(&["PÉREZ", "SÁNCHEZ", "RAMÍREZ", "CRUZ", "FLORES"])
        )
    };

    // CURP.
    let curp_texts = [
        "La CURP del solicitante es {}.",
        "Se registró al beneficiario con CURP {} en el padrón del programa.",
        "{}",
        "CURP: {}",
        "Beneficiario {name}, CURP {}, domicilio conocido, San Felipe del Progreso.",
        "Con fundamento en el artículo 3, la persona con clave {} presentó su solicitud.",
    ];
    for i in 0..90 {
        let c = curp(&mut rng);
        let c = if i % 15 == 0 { c.to_lowercase() } else { c };
        match i % 3 {
            0 => line(
                "curp",
                &format!(
                    "celda:{}",
                    rng.pick(&["curp_beneficiario", "CURP", "clave", "observaciones"])
                ),
                c,
            ),
            _ => {
                let tpl = rng.pick(&curp_texts);
                let n = name(&mut rng);
                line("curp", t, tpl.replace("{name}", &n).replace("{}", &c));
            }
        }
    }
    // RFC of a person.
    let rfc_texts = [
        "RFC: {}",
        "El proveedor persona física con RFC {} facturó $12,500.00 por servicios de limpieza.",
        "{}",
        "Registro Federal de Contribuyentes {} (régimen de honorarios).",
        "Prestador de servicios: {name}, R.F.C. {}",
    ];
    for i in 0..90 {
        let r = rfc_persona(&mut rng);
        let shown = match i % 5 {
            0 => {
                let c: Vec<char> = r.chars().collect();
                let sep = rng.pick(&["-", " "]);
                format!(
                    "{}{sep}{}{sep}{}",
                    c[..4].iter().collect::<String>(),
                    c[4..10].iter().collect::<String>(),
                    c[10..].iter().collect::<String>()
                )
            }
            _ => r,
        };
        if i % 3 == 0 {
            let col = rng.pick(&["rfc", "RFC del proveedor", "dato", "Observaciones"]);
            line("rfc", &format!("celda:{col}"), shown);
        } else {
            let tpl = rng.pick(&rfc_texts);
            let n = name(&mut rng);
            line("rfc", t, tpl.replace("{name}", &n).replace("{}", &shown));
        }
    }
    // E-mail.
    let email_texts = [
        "Contacto: {}",
        "Envíe su solicitud al correo {} antes del viernes.",
        "Para dudas escribir a {}; horario de 9 a 18 h.",
        "{}",
        "Correo electrónico del enlace: <{}>",
        "mailto:{}",
    ];
    for i in 0..70 {
        let e = email(&mut rng);
        if i % 3 == 0 {
            let col = rng.pick(&["correo", "Correo electrónico", "email", "contacto"]);
            line("email", &format!("celda:{col}"), e);
        } else {
            line("email", t, rng.pick(&email_texts).replace("{}", &e));
        }
    }
    // Phones.
    let phone_texts = [
        "Para cualquier aclaración comuníquese al {}.",
        "Tel. {}",
        "Informes al teléfono {} de lunes a viernes.",
        "Celular {} (sólo mensajes)",
        "{}",
        "Atención ciudadana: {}, ext. 1234",
    ];
    for i in 0..100 {
        match i % 4 {
            // Written as a phone.
            0 | 1 => {
                let p = formatted_phone(&mut rng);
                line("telefono", t, rng.pick(&phone_texts).replace("{}", &p));
            }
            // Ten digits in a row, with words that say it is a phone.
            2 => {
                let (n, _) = national_phone(&mut rng);
                let tpl = rng.pick(&[
                    "Tel. {}",
                    "Teléfono: {}",
                    "Cel {}",
                    "WhatsApp {}",
                    "Celular del responsable: {}",
                    "Tel/Fax {}",
                ]);
                line("telefono", t, tpl.replace("{}", &n));
            }
            // In a table.
            _ => {
                let (n, _) = national_phone(&mut rng);
                let col = rng.pick(&["telefono", "Teléfono", "Tel. particular", "celular"]);
                let v = if rng.chance(50) {
                    n
                } else {
                    formatted_phone(&mut rng)
                };
                line("telefono", &format!("celda:{col}"), v);
            }
        }
    }
    // Voter keys.
    for i in 0..60 {
        let k = ine_key(&mut rng);
        if i % 3 == 0 {
            let col = rng.pick(&["clave_elector", "Clave de elector", "INE"]);
            line("clave_elector", &format!("celda:{col}"), k);
        } else {
            let tpl = rng.pick(&[
                "Clave de elector: {}",
                "Se identificó con credencial para votar, clave {}.",
                "{}",
            ]);
            line("clave_elector", t, tpl.replace("{}", &k));
        }
    }
    // CLABE.
    for i in 0..70 {
        let c = clabe(&mut rng);
        let shown = if i % 4 == 0 {
            format!("{} {} {} {}", &c[..3], &c[3..6], &c[6..17], &c[17..])
        } else {
            c
        };
        if i % 3 == 0 {
            let col = rng.pick(&["clabe", "CLABE interbancaria", "cuenta", "dato"]);
            line("clabe", &format!("celda:{col}"), shown);
        } else {
            let tpl = rng.pick(&[
                "Depositar a la cuenta CLABE {} a nombre del beneficiario.",
                "Transferencia SPEI a {}",
                "{}",
                "Cuenta para el pago de la beca: {}",
            ]);
            line("clabe", t, tpl.replace("{}", &shown));
        }
    }
    // Cards.
    for i in 0..70 {
        let c = card(&mut rng);
        let shown = if i % 2 == 0 {
            grouped_card(&mut rng, &c)
        } else {
            c
        };
        if i % 3 == 0 {
            let col = rng.pick(&["tarjeta", "Número de tarjeta", "dato"]);
            line("tarjeta", &format!("celda:{col}"), shown);
        } else {
            let tpl = rng.pick(&[
                "Pago con tarjeta {}",
                "Tarjeta de débito {} del programa de apoyo.",
                "{}",
                "Se cargó a la tarjeta de crédito {} el importe de la multa.",
            ]);
            line("tarjeta", t, tpl.replace("{}", &shown));
        }
    }
    // Several kinds in one text.
    for _ in 0..30 {
        let (c, p, e) = (curp(&mut rng), formatted_phone(&mut rng), email(&mut rng));
        let n = name(&mut rng);
        line(
            "curp,email,telefono",
            t,
            format!("Nombre: {n}; CURP {c}; tel. {p}; correo {e}."),
        );
    }
    // Hints from the column: a typo'd CURP or RFC in a column named so is
    // still someone's.
    for _ in 0..10 {
        let c = curp(&mut rng);
        line("curp", "celda:CURP", wrong_last(&mut rng, &c, "0123456789"));
        let r = rfc_persona(&mut rng);
        line("rfc", "celda:RFC", wrong_last(&mut rng, &r, "0123456789A"));
    }

    // Near misses and what is not personal data.
    for i in 0..40 {
        let c = curp(&mut rng);
        let miss = match i % 4 {
            0 | 1 => wrong_last(&mut rng, &c, "0123456789"),
            2 => c[..17].to_string(),
            _ => format!("{c}{}", rng.below(10)),
        };
        let place = if i % 2 == 0 { "texto" } else { "celda:clave" };
        line("-", place, format!("Clave {miss}"));
    }
    for _ in 0..20 {
        line("-", t, format!("CURP {}", curp_bad_date(&mut rng)));
    }
    for _ in 0..10 {
        let c = curp(&mut rng);
        let mut s = format!("{}ZZ{}", &c[..11], &c[13..17]);
        let d = check::curp_check_digit(&s).unwrap();
        s.push(d);
        line("-", t, format!("Clave {s}"));
    }
    for i in 0..40 {
        let r = rfc_persona(&mut rng);
        let miss = match i % 4 {
            0 | 1 => wrong_last(&mut rng, &r, "0123456789A"),
            2 => r.chars().take(12).collect::<String>() + "XY",
            _ => rfc_bad_date(&mut rng),
        };
        line("-", t, format!("RFC {miss}"));
    }
    // Companies' RFCs are public: never reported, in text or in cells.
    for i in 0..70 {
        let r = rfc_moral(&mut rng);
        match i % 4 {
            0 => line("-", "celda:RFC", r),
            1 => line(
                "-",
                t,
                format!("El contrato se adjudicó a la empresa con RFC {r}, S.A. de C.V."),
            ),
            2 => {
                let c: Vec<char> = r.chars().collect();
                line(
                    "-",
                    t,
                    format!(
                        "R.F.C. {}-{}-{}",
                        c[..3].iter().collect::<String>(),
                        c[3..9].iter().collect::<String>(),
                        c[9..].iter().collect::<String>()
                    ),
                )
            }
            _ => line("-", "celda:rfc_proveedor", r),
        }
    }
    for g in check::GENERIC_RFCS {
        line("-", t, format!("Factura al público en general, RFC {g}"));
        line("-", "celda:RFC", g.to_string());
    }
    for _ in 0..20 {
        let k = ine_key(&mut rng);
        let state = rng.pick(&["00", "33", "45", "99"]);
        line("-", t, format!("Clave {}{state}{}", &k[..12], &k[14..]));
    }
    for i in 0..35 {
        let miss = match i % 3 {
            0 | 1 => clabe_wrong(&mut rng),
            _ => clabe(&mut rng)[..17].to_string(),
        };
        line("-", t, format!("Cuenta {miss}"));
    }
    for i in 0..45 {
        let miss = match i % 3 {
            0 | 1 => card_wrong(&mut rng),
            _ => luhn_no_network(&mut rng, 16),
        };
        let place = if i % 2 == 0 { "texto" } else { "celda:dato" };
        line("-", place, miss);
    }
    // Amounts, dates, keys, folios, postal codes, ISBN.
    for _ in 0..30 {
        let amount = format!(
            "{},{:03},{:03}.{:02}",
            rng.range(1, 999),
            rng.below(1000),
            rng.below(1000),
            rng.below(100)
        );
        let tpl = rng.pick(&[
            "El monto total asciende a ${} pesos.",
            "Importe: {} MXN",
            "{}",
            "Presupuesto autorizado 2023: $ {}",
        ]);
        line("-", t, tpl.replace("{}", &amount));
    }
    for _ in 0..25 {
        let (d, m, y) = (rng.range(1, 28), rng.range(1, 12), rng.range(1990, 2024));
        let date = match rng.below(5) {
            0 => format!("{d:02}/{m:02}/{y}"),
            1 => format!("{y}-{m:02}-{d:02}"),
            2 => format!("{y}{m:02}{d:02}"),
            3 => format!(
                "{d:02}-{m:02}-{y} {:02}:{:02}:{:02}",
                rng.below(24),
                rng.below(60),
                rng.below(60)
            ),
            _ => format!("{y}-{m:02}-{d:02}T10:30:00Z"),
        };
        line("-", t, format!("Fecha de publicación: {date}"));
    }
    for _ in 0..25 {
        let mun = rng.range(1, 125);
        let key = match rng.below(4) {
            0 => format!("15{mun:03}"),
            1 => format!("15{mun:03}{:04}", rng.range(1, 300)),
            2 => format!(
                "15{mun:03}0001{:03}{}",
                rng.below(999),
                rng.pick(&["A", "5", "9"])
            ),
            _ => format!("15{mun:03}0001{:04}{:03}", rng.below(9999), rng.below(999)),
        };
        line(
            "-",
            if rng.chance(50) {
                "texto"
            } else {
                "celda:cve_geo"
            },
            key,
        );
    }
    for _ in 0..40 {
        let folio = match rng.below(6) {
            0 => format!("Folio de la solicitud: {}", rng.digits(14)),
            1 => format!("folio {}", rng.digits(10)),
            2 => format!("Expediente {}", rng.digits(10)),
            3 => format!(
                "Oficio núm. {}-{}-{}",
                rng.digits(3),
                rng.digits(2),
                rng.digits(4)
            ),
            4 => format!(
                "Folio SAIMEX {}/INFOEM/IP/RR/{}",
                rng.digits(5),
                rng.range(2015, 2024)
            ),
            _ => format!("Número de acuse {}", rng.digits(16)),
        };
        line("-", t, folio);
    }
    for _ in 0..20 {
        let len = rng.pick(&[10, 15, 16, 18]);
        line("-", "celda:folio", rng.digits(len));
    }
    for _ in 0..20 {
        let cp = format!(
            "{}{:03}",
            rng.pick(&["50", "51", "52", "53", "54", "55", "56", "57"]),
            rng.below(1000)
        );
        line(
            "-",
            t,
            format!("Domicilio: Av. Independencia 102, C.P. {cp}, Toluca, México."),
        );
    }
    for _ in 0..15 {
        let isbn = format!(
            "978-607-{}-{}-{}",
            rng.digits(2),
            rng.digits(4),
            rng.digits(1)
        );
        line("-", t, format!("ISBN {isbn}"));
        line("-", t, format!("ISBN: {}", isbn.replace('-', "")));
    }
    // Ten digits with nothing that says they are a phone.
    for _ in 0..25 {
        let tpl = rng.pick(&[
            "Número de control {}",
            "{}",
            "Clave presupuestaria {}",
            "Registro {}",
            "Se recibieron {} piezas",
        ]);
        line(
            "-",
            t,
            tpl.replace("{}", &format!("{}{}", rng.range(2, 9), rng.digits(9))),
        );
    }
    for _ in 0..10 {
        line(
            "-",
            t,
            format!("@{}", rng.pick(&["infoem", "edomex", "toluca_gob"])),
        );
        line(
            "-",
            t,
            "Consulte www.infoem.org.mx/transparencia".to_string(),
        );
    }
    out.join("\n") + "\n"
}
