//! Spanish text analysis shared by both backends.
//!
//! The chain is the same everywhere: split on anything that is not a letter or
//! a digit → lower-case → fold accents to ASCII → Snowball Spanish stem.
//! Tantivy runs it as a tokenizer chain (`SimpleTokenizer → LowerCaser →
//! AsciiFoldingFilter → Stemmer(Spanish)`); PostgreSQL runs the equivalent text
//! search configuration `apertura_es` (`unaccent` before a Snowball Spanish
//! dictionary). Folding comes *before* stemming so that "gestion" and
//! "gestión", "informacion publica" and "Información Pública" meet.
//!
//! Choice about ñ: it is folded to n like every other diacritic ("año" and
//! "ano" are the same word to the engine). People type "ano" for "año" on
//! keyboards without ñ far more often than they mean "ano"; PostgreSQL's
//! `unaccent` does the same, so both backends agree.
//!
//! Stop words are indexed (the index keeps every word) and dropped from
//! queries only, unless the query has nothing else ("de la" still searches).

use std::collections::HashSet;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// Name of the stemmed tokenizer registered in tantivy.
pub(crate) const STEM_TOKENIZER: &str = "apertura_es_stem";
/// Name of the folded, unstemmed tokenizer registered in tantivy.
pub(crate) const FOLD_TOKENIZER: &str = "apertura_es_fold";
/// Tokens of this many bytes or more are not indexed (nor searched).
pub(crate) const MAX_TOKEN_BYTES: usize = 64;
/// Characters of a query looked at; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Distinct words of a query searched at most; the rest are ignored.
pub const MAX_QUERY_TERMS: usize = 32;
/// A last word this long or longer is also matched as a prefix.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;
/// Words of a query that spelling correction looks at, at most.
pub(crate) const MAX_CORRECTED_WORDS: usize = 8;

/// The stemmed chain: what the `title`, `keywords`, `description` and `body`
/// fields of tantivy are indexed with.
pub(crate) fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Spanish))
        .build()
}

/// The folded, unstemmed chain: exact, prefix and typo matching.
pub(crate) fn fold_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Spanish stop words: PostgreSQL's `spanish.stop` as it matches after
/// `unaccent` (the entries without diacritics), minus the nouns a
/// transparency portal needs ("estado", "estados", "sentido"…).
const STOP_WORDS: &[&str] = &[
    "a",
    "al",
    "algo",
    "algunas",
    "algunos",
    "ante",
    "antes",
    "como",
    "con",
    "contra",
    "cual",
    "cuando",
    "de",
    "del",
    "desde",
    "donde",
    "durante",
    "e",
    "el",
    "ella",
    "ellas",
    "ellos",
    "en",
    "entre",
    "era",
    "erais",
    "eran",
    "eras",
    "eres",
    "es",
    "esa",
    "esas",
    "ese",
    "eso",
    "esos",
    "esta",
    "estaba",
    "estabais",
    "estaban",
    "estabas",
    "estad",
    "estamos",
    "estando",
    "estar",
    "estaremos",
    "estas",
    "este",
    "estemos",
    "esto",
    "estos",
    "estoy",
    "estuve",
    "estuviera",
    "estuvierais",
    "estuvieran",
    "estuvieras",
    "estuvieron",
    "estuviese",
    "estuvieseis",
    "estuviesen",
    "estuvieses",
    "estuvimos",
    "estuviste",
    "estuvisteis",
    "estuvo",
    "fue",
    "fuera",
    "fuerais",
    "fueran",
    "fueras",
    "fueron",
    "fuese",
    "fueseis",
    "fuesen",
    "fueses",
    "fui",
    "fuimos",
    "fuiste",
    "fuisteis",
    "ha",
    "habiendo",
    "habremos",
    "han",
    "has",
    "hasta",
    "hay",
    "haya",
    "hayamos",
    "hayan",
    "hayas",
    "he",
    "hemos",
    "hube",
    "hubiera",
    "hubierais",
    "hubieran",
    "hubieras",
    "hubieron",
    "hubiese",
    "hubieseis",
    "hubiesen",
    "hubieses",
    "hubimos",
    "hubiste",
    "hubisteis",
    "hubo",
    "la",
    "las",
    "le",
    "les",
    "lo",
    "los",
    "me",
    "mi",
    "mis",
    "mucho",
    "muchos",
    "muy",
    "nada",
    "ni",
    "no",
    "nos",
    "nosotras",
    "nosotros",
    "nuestra",
    "nuestras",
    "nuestro",
    "nuestros",
    "o",
    "os",
    "otra",
    "otras",
    "otro",
    "otros",
    "para",
    "pero",
    "poco",
    "por",
    "porque",
    "que",
    "quien",
    "quienes",
    "se",
    "sea",
    "seamos",
    "sean",
    "seas",
    "seremos",
    "sin",
    "sobre",
    "sois",
    "somos",
    "son",
    "soy",
    "su",
    "sus",
    "suya",
    "suyas",
    "suyo",
    "suyos",
    "tanto",
    "te",
    "tendremos",
    "tened",
    "tenemos",
    "tenga",
    "tengamos",
    "tengan",
    "tengas",
    "tengo",
    "tenida",
    "tenidas",
    "tenido",
    "tenidos",
    "teniendo",
    "ti",
    "tiene",
    "tienen",
    "tienes",
    "todo",
    "todos",
    "tu",
    "tus",
    "tuve",
    "tuviera",
    "tuvierais",
    "tuvieran",
    "tuvieras",
    "tuvieron",
    "tuviese",
    "tuvieseis",
    "tuviesen",
    "tuvieses",
    "tuvimos",
    "tuviste",
    "tuvisteis",
    "tuvo",
    "tuya",
    "tuyas",
    "tuyo",
    "tuyos",
    "un",
    "una",
    "uno",
    "unos",
    "vosotras",
    "vosotros",
    "vuestra",
    "vuestras",
    "vuestro",
    "vuestros",
    "y",
    "ya",
    "yo",
];

static STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Is this (folded) word a Spanish stop word?
pub(crate) fn is_stop_word(folded: &str) -> bool {
    STOP_SET.contains(folded)
}

/// Largest edit distance tolerated for a (folded) word: none under 5 letters,
/// 1 from 5, 2 from 9.
pub(crate) fn allowed_distance(folded: &str) -> u8 {
    match folded.chars().count() {
        n if n >= 9 => 2,
        n if n >= 5 => 1,
        _ => 0,
    }
}

/// Can this word be spell-corrected? Letters only (numbers and codes are
/// never "corrected"), long enough, not a stop word.
pub(crate) fn is_correctable(folded: &str) -> bool {
    allowed_distance(folded) > 0 && folded.chars().all(char::is_alphabetic) && !is_stop_word(folded)
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions, each costing 1), the metric of tantivy's fuzzy automaton
/// with `transposition_cost_one`. Stops early past `max`.
pub(crate) fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A word of some text, with where it sits (byte offsets of the original run
/// of letters and digits) and its analysed forms.
#[derive(Debug, Clone)]
pub(crate) struct TextWord {
    pub start: usize,
    pub end: usize,
    /// Lower-cased, accents kept: how the word is shown ("pública").
    pub surface: String,
    /// Lower-cased and folded: how the word is matched ("publica").
    pub folded: String,
}

/// Per-thread analysers (building one allocates; text is analysed often).
pub(crate) struct Analyzer {
    fold: TextAnalyzer,
    stem: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub(crate) fn new() -> Self {
        Analyzer {
            fold: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::Spanish))
                .build(),
        }
    }

    /// Lower-case and fold one word.
    pub(crate) fn fold(&mut self, word: &str) -> String {
        let mut out = String::new();
        let mut stream = self.fold.token_stream(word);
        while let Some(token) = stream.next() {
            out.push_str(&token.text);
        }
        out
    }

    /// Stem one folded word.
    pub(crate) fn stem(&mut self, folded: &str) -> String {
        let mut out = String::new();
        let mut stream = self.stem.token_stream(folded);
        while let Some(token) = stream.next() {
            out.push_str(&token.text);
        }
        out
    }

    /// The words of `text`: runs of letters and digits (as tantivy's
    /// `SimpleTokenizer` cuts them), lower-cased and folded. A fold that
    /// yields punctuation ("½" → "1/2") is split again, so a folded word is
    /// always letters and digits only: safe to put in a `tsquery`.
    pub(crate) fn words(&mut self, text: &str) -> Vec<TextWord> {
        let mut out = Vec::new();
        for (start, end) in runs(text) {
            let run = &text[start..end];
            let folded = self.fold(run);
            if folded.chars().all(char::is_alphanumeric) {
                if folded.is_empty() || folded.len() >= MAX_TOKEN_BYTES {
                    continue;
                }
                out.push(TextWord {
                    start,
                    end,
                    surface: run.to_lowercase(),
                    folded,
                });
            } else {
                for part in folded.split(|c: char| !c.is_alphanumeric()) {
                    if part.is_empty() || part.len() >= MAX_TOKEN_BYTES {
                        continue;
                    }
                    out.push(TextWord {
                        start,
                        end,
                        surface: part.to_string(),
                        folded: part.to_string(),
                    });
                }
            }
        }
        out
    }
}

/// Byte ranges of the runs of alphanumeric characters of `text`.
pub(crate) fn runs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The runs of letters and digits of `text`, separated by single spaces:
/// what PostgreSQL's parser is given, so that it cuts words exactly like
/// tantivy's `SimpleTokenizer` (no XML tags, URLs, e-mails or hyphenated
/// compounds of its own).
pub(crate) fn words_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (start, end) in runs(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..end]);
    }
    out
}

/// The first `max` characters of `s`.
pub(crate) fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Remove what PostgreSQL's `text` cannot hold (NUL) and what the facet
/// encoding uses as separator (U+001F).
pub(crate) fn clean(s: &str) -> String {
    s.chars().filter(|c| *c != '\0' && *c != '\u{1f}').collect()
}

/// A facet key or value as stored: cleaned and trimmed.
pub(crate) fn clean_facet(s: &str) -> String {
    clean(s).trim().to_string()
}

/// Lower-cased, folded title: the `Sort::Title` key.
pub(crate) fn title_sort_key(analyzer: &mut Analyzer, title: &str) -> String {
    let words: Vec<String> = analyzer
        .words(title)
        .into_iter()
        .map(|w| w.folded)
        .collect();
    truncate_chars(&words.join(" "), 200).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_enie() {
        let mut a = Analyzer::new();
        assert_eq!(a.fold("Gestión"), "gestion");
        assert_eq!(a.fold("AÑO"), "ano");
        assert_eq!(a.fold("Pública"), "publica");
        assert_eq!(a.fold("pingüino"), "pinguino");
    }

    #[test]
    fn stems_spanish() {
        let mut a = Analyzer::new();
        assert_eq!(a.stem("presupuestos"), a.stem("presupuesto"));
        assert_eq!(a.stem("municipales"), a.stem("municipal"));
    }

    #[test]
    fn words_are_alphanumeric_only() {
        let mut a = Analyzer::new();
        let words = a.words("½ (x) ⑴ Obra-Pública, 2026! 🎉 東京");
        for w in &words {
            assert!(w.folded.chars().all(char::is_alphanumeric), "{w:?}");
        }
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        assert!(folded.contains(&"obra"));
        assert!(folded.contains(&"publica"));
        assert!(folded.contains(&"2026"));
        assert!(folded.contains(&"東京"));
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("presupesto", "presupuesto", 2), 1);
        assert_eq!(edit_distance("trasparencia", "transparencia", 2), 1);
        assert_eq!(edit_distance("gestoin", "gestion", 2), 1);
        assert_eq!(edit_distance("abc", "xyz", 1), 2);
        assert_eq!(allowed_distance("obra"), 0);
        assert_eq!(allowed_distance("obras"), 1);
        assert_eq!(allowed_distance("municipio"), 2);
    }

    #[test]
    fn stop_words_are_sorted_and_folded() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
        assert!(STOP_WORDS.iter().all(|w| w.is_ascii()));
        assert!(!is_stop_word("estado"));
        assert!(is_stop_word("de"));
    }
}
