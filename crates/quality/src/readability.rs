//! How easy a Spanish text is to read: syllables counted by the rules of
//! Spanish orthography, and the Szigriszt-Pazos perspicuity read on the
//! INFLESZ scale (Barrio-Cantalejo et al., 2008), the scale Spanish-speaking
//! public administrations and health services use; Fernández-Huerta's index
//! (in Law's 2011 correction) is given beside it.
//!
//! Written by hand: no maintained crate counts Spanish syllables (the
//! hyphenation dictionaries split words for line breaks, which is not the
//! same thing: they never break "a-é-re-o" at its hiatus), and the rules fit in
//! a page.

use serde::{Deserialize, Serialize};

/// Fewer words than this say too little to be measured.
pub const MIN_WORDS: usize = 15;

/// The INFLESZ bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// Below 40: scientific or legal prose.
    VeryHard,
    /// 40–55: specialised outreach.
    SomewhatHard,
    /// 55–65: most newspapers.
    Normal,
    /// 65–80: popular press.
    FairlyEasy,
    /// 80 and over: comics, primary school.
    VeryEasy,
}

impl Band {
    pub fn of(perspicuity: f64) -> Band {
        match perspicuity {
            p if p < 40.0 => Band::VeryHard,
            p if p < 55.0 => Band::SomewhatHard,
            p if p < 65.0 => Band::Normal,
            p if p < 80.0 => Band::FairlyEasy,
            _ => Band::VeryEasy,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::VeryHard => "very-hard",
            Band::SomewhatHard => "somewhat-hard",
            Band::Normal => "normal",
            Band::FairlyEasy => "fairly-easy",
            Band::VeryEasy => "very-easy",
        }
    }
}

/// What was measured of a text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    /// Szigriszt-Pazos perspicuity, read on the INFLESZ scale.
    pub inflesz: f64,
    pub fernandez_huerta: f64,
    pub band: Band,
}

impl Readability {
    pub fn words_per_sentence(&self) -> f64 {
        self.words as f64 / self.sentences.max(1) as f64
    }
    pub fn syllables_per_word(&self) -> f64 {
        self.syllables as f64 / self.words.max(1) as f64
    }
}

/// Measures a text (Markdown is fine: links, numbers and symbols are not
/// words). `None` when it has fewer than [`MIN_WORDS`] words.
pub fn measure(text: &str) -> Option<Readability> {
    let mut words = 0usize;
    let mut syllables = 0usize;
    let mut sentences = 0usize;
    let mut words_in_sentence = 0usize;
    for line in text.lines() {
        for token in line.split_whitespace() {
            // Addresses are not prose.
            if token.contains("://") || token.starts_with("www.") || token.contains('@') {
                continue;
            }
            let word: String = token
                .chars()
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_lowercase)
                .collect();
            if !word.is_empty() {
                words += 1;
                words_in_sentence += 1;
                syllables += syllables_of(&word);
            }
            if token.ends_with(['.', '!', '?', '…']) && words_in_sentence > 0 {
                sentences += 1;
                words_in_sentence = 0;
            }
        }
        // A line of its own (a list item, a heading) ends its sentence.
        if words_in_sentence > 0 {
            sentences += 1;
            words_in_sentence = 0;
        }
    }
    if words < MIN_WORDS {
        return None;
    }
    let (w, s, f) = (words as f64, syllables as f64, sentences.max(1) as f64);
    let inflesz = 206.835 - 62.3 * (s / w) - (w / f);
    let fernandez_huerta = 206.84 - 60.0 * (s / w) - 1.02 * (w / f);
    Some(Readability {
        words,
        sentences: sentences.max(1),
        syllables,
        inflesz,
        fernandez_huerta,
        band: Band::of(inflesz),
    })
}

/// Vowel classes of Spanish: strong (a, e, o and the accented í, ú, which
/// break a diphthong) and weak (i, u, ü, and y where it sounds as a vowel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vowel {
    Strong,
    Weak,
}

fn vowel(c: char, next: Option<char>) -> Option<Vowel> {
    match c {
        'a' | 'e' | 'o' | 'á' | 'é' | 'ó' | 'í' | 'ú' | 'à' | 'è' | 'ò' => {
            Some(Vowel::Strong)
        }
        'i' | 'u' | 'ü' | 'ï' => Some(Vowel::Weak),
        // "y" is a vowel at the end of a word or before a consonant ("hoy",
        // "muy", "y"), a consonant before a vowel ("reyes", "ayer").
        'y' => match next {
            Some(n) if vowel(n, None).is_some() => None,
            _ => Some(Vowel::Weak),
        },
        _ => None,
    }
}

/// The syllables of one lower-case word: one per vowel nucleus, where two
/// strong vowels side by side are two nuclei (hiatus: "le-er", "a-é-re-o")
/// and a weak vowel beside another vowel shares its nucleus (diphthongs and
/// triphthongs: "ciu-dad", "guay"). At least one, so that abbreviations
/// without vowels ("km") still count as a word.
pub fn syllables_of(word: &str) -> usize {
    let chars: Vec<char> = word.chars().collect();
    let mut count = 0usize;
    let mut previous: Option<Vowel> = None;
    for (i, &c) in chars.iter().enumerate() {
        match vowel(c, chars.get(i + 1).copied()) {
            Some(v) => {
                let new_nucleus = match previous {
                    None => true,
                    Some(Vowel::Strong) => v == Vowel::Strong,
                    Some(Vowel::Weak) => false,
                };
                if new_nucleus {
                    count += 1;
                }
                previous = Some(v);
            }
            None => previous = None,
        }
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_follow_spanish_rules() {
        for (word, n) in [
            ("transparencia", 4),
            ("información", 4),
            ("día", 2),
            ("país", 2),
            ("aéreo", 4),
            ("ciudad", 2),
            ("guitarra", 3),
            ("huevo", 2),
            ("hoy", 1),
            ("y", 1),
            ("muy", 1),
            ("uruguay", 3),
            ("leer", 2),
            ("poesía", 4),
            ("averigüéis", 4),
            ("reyes", 2),
            ("buey", 1),
            ("municipio", 4),
            ("km", 1),
            ("ahora", 3),
            ("prohibir", 3),
        ] {
            assert_eq!(syllables_of(word), n, "{word}");
        }
    }

    #[test]
    fn plain_text_reads_easier_than_bureaucratic_text() {
        let plain = "Aquí están las obras que hizo el municipio este año. Cada fila es una obra. \
                     Dice dónde está, cuánto costó y quién la hizo. Puede bajar la tabla y usarla.";
        let dense = "El presente conjunto de datos contiene la información correspondiente a la \
                     totalidad de las intervenciones de infraestructura pública municipal \
                     ejecutadas durante el ejercicio fiscal correspondiente, incluyendo la \
                     georreferenciación, los montos contratados y las características \
                     administrativas de los procedimientos de adjudicación respectivos.";
        let p = measure(plain).expect("long enough");
        let d = measure(dense).expect("long enough");
        assert!(p.inflesz > 65.0, "{p:?}");
        assert!(d.inflesz < 40.0, "{d:?}");
        assert!(matches!(p.band, Band::FairlyEasy | Band::VeryEasy), "{p:?}");
        assert_eq!(d.band, Band::VeryHard);
        assert!(p.fernandez_huerta > d.fernandez_huerta);
        assert_eq!(p.sentences, 4);
        assert_eq!(d.sentences, 1);
    }

    #[test]
    fn links_numbers_and_markdown_are_not_words() {
        let text = "# Obras 2024\n\n- Consulte https://datos.example/obras o escriba a transparencia@example.mx\n\
                    - Las cifras están en pesos de 2024 y se actualizan cada mes por la tesorería municipal.";
        let r = measure(text).expect("long enough");
        assert_eq!(r.words, 20);
        assert_eq!(r.sentences, 3);
    }

    #[test]
    fn short_texts_are_not_measured() {
        assert!(measure("").is_none());
        assert!(measure("Datos de obras públicas del municipio.").is_none());
    }

    #[test]
    fn bands() {
        assert_eq!(Band::of(10.0), Band::VeryHard);
        assert_eq!(Band::of(40.0), Band::SomewhatHard);
        assert_eq!(Band::of(60.0), Band::Normal);
        assert_eq!(Band::of(70.0), Band::FairlyEasy);
        assert_eq!(Band::of(95.0), Band::VeryEasy);
    }
}
