//! What the words around a number say it is: a phone ("tel.", "celular"), a
//! card, an account, or a folio, file or ISBN (which are not personal data);
//! and what a column's name says its cells hold.

use crate::Kind;

/// What the nearest telling word before a candidate says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A word for this kind of personal data.
    Is(Kind),
    /// A word for a public number (folio, expediente, oficio, ISBN…).
    Not,
}

/// How far back (in bytes) the words before a candidate are read.
const WINDOW: usize = 48;

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'Á' | 'À' | 'Ä' => 'a',
        'é' | 'è' | 'ë' | 'É' | 'È' | 'Ë' => 'e',
        'í' | 'ì' | 'ï' | 'Í' | 'Ì' | 'Ï' => 'i',
        'ó' | 'ò' | 'ö' | 'Ó' | 'Ò' | 'Ö' => 'o',
        'ú' | 'ù' | 'ü' | 'Ú' | 'Ù' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        c => c.to_ascii_lowercase(),
    }
}

/// The words of `text`, lower case and without accents.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(fold).collect())
        .collect()
}

fn cue_of(word: &str) -> Option<Cue> {
    Some(match word {
        "tel" | "tels" | "telf" | "telefono" | "telefonos" | "telefonico" | "telefonica"
        | "cel" | "cels" | "celular" | "celulares" | "movil" | "moviles" | "whatsapp" | "whats"
        | "fax" | "lada" | "llamar" | "llame" | "llamada" | "llamadas" | "marcar" | "marque"
        | "contacto" | "phone" | "mobile" => Cue::Is(Kind::Phone),
        "tarjeta" | "tarjetas" | "card" | "visa" | "mastercard" | "amex" | "credito" | "debito"
        | "tdc" | "tdd" | "plastico" => Cue::Is(Kind::Card),
        "clabe" | "interbancaria" | "spei" | "cuenta" | "transferencia" | "deposito"
        | "depositar" | "banco" | "bancaria" => Cue::Is(Kind::Clabe),
        "folio" | "folios" | "expediente" | "exp" | "oficio" | "isbn" | "issn" | "acuse"
        | "solicitud" | "factura" | "uuid" | "serie" | "catastral" | "predial" | "contrato"
        | "partida" | "importe" | "monto" | "total" | "pesos" | "mxn" | "recurso" => Cue::Not,
        _ => return None,
    })
}

/// The cue nearest before `start` in `text`, within a short window and the
/// same clause: a comma, semicolon or full stop between the word and the
/// number ends its reach (the stop of an abbreviation, `Tel.`, does not).
pub(crate) fn before(text: &str, start: usize) -> Option<Cue> {
    let mut from = start.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..start];
    // A word cut by the window's start is not read.
    let cut = text[..from]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let mut end = window.len();
    for (at, word) in window
        .match_indices(|c: char| c.is_alphanumeric())
        .fold(Vec::<(usize, usize)>::new(), |mut spans, (at, m)| {
            match spans.last_mut() {
                Some(last) if last.1 == at => last.1 = at + m.len(),
                _ => spans.push((at, at + m.len())),
            }
            spans
        })
        .into_iter()
        .rev()
        .map(|(a, b)| (a, &window[a..b]))
    {
        let after = &window[at + word.len()..end];
        // The stop after a short word is an abbreviation's (`Tel.`, `Exp.`).
        let after = match after.strip_prefix('.') {
            Some(rest) if word.chars().count() <= 4 => rest,
            _ => after,
        };
        if after.contains([',', ';', '.', '!', '?', '\n', '|']) {
            return None;
        }
        if at == 0 && cut {
            return None;
        }
        let folded: String = word.chars().map(fold).collect();
        if let Some(cue) = cue_of(&folded) {
            return Some(cue);
        }
        end = at;
    }
    None
}

/// What a column's name says its cells hold: a kind of personal data, a
/// public number, or nothing.
pub(crate) fn column_hint(name: &str) -> Option<Cue> {
    let words = words(name);
    let joined = words.join(" ");
    let has = |w: &str| words.iter().any(|x| x == w);
    let starts = |p: &str| words.iter().any(|x| x.starts_with(p));
    Some(if starts("curp") {
        Cue::Is(Kind::Curp)
    } else if starts("rfc") {
        Cue::Is(Kind::RfcPersona)
    } else if starts("correo") || starts("email") || has("mail") || has("e") && has("mail") {
        Cue::Is(Kind::Email)
    } else if joined.contains("clave de elector")
        || joined.contains("clave elector")
        || starts("elector")
        || has("ine")
    {
        Cue::Is(Kind::IneKey)
    } else if starts("clabe") {
        Cue::Is(Kind::Clabe)
    } else if starts("tarjeta") || has("card") {
        Cue::Is(Kind::Card)
    } else if starts("tel") || starts("cel") || starts("movil") || has("whatsapp") || has("fax") {
        Cue::Is(Kind::Phone)
    } else {
        words.iter().rev().find_map(|w| cue_of(w))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_word_wins() {
        let t = "Folio 123 del expediente; tel. 5512345678";
        assert_eq!(before(t, t.len() - 10), Some(Cue::Is(Kind::Phone)));
        let t = "Teléfono de la oficina, folio 5512345678";
        assert_eq!(before(t, t.len() - 10), Some(Cue::Not));
        assert_eq!(before("5512345678", 0), None);
        // A comma ends a word's reach; an abbreviation's stop does not.
        let t = "Del expediente del solicitante, beneficiario: 072288154975371104";
        assert_eq!(before(t, t.len() - 18), None);
        let t = "Tel.: 5512345678";
        assert_eq!(before(t, t.len() - 10), Some(Cue::Is(Kind::Phone)));
    }

    #[test]
    fn column_names() {
        assert_eq!(column_hint("CURP_beneficiario"), Some(Cue::Is(Kind::Curp)));
        assert_eq!(column_hint("Teléfono"), Some(Cue::Is(Kind::Phone)));
        assert_eq!(
            column_hint("correo electrónico"),
            Some(Cue::Is(Kind::Email))
        );
        assert_eq!(column_hint("Clave de elector"), Some(Cue::Is(Kind::IneKey)));
        assert_eq!(column_hint("Número de folio"), Some(Cue::Not));
        assert_eq!(column_hint("Nombre"), None);
    }
}
