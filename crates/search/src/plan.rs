//! From what the person typed to what the backends search: the words, which
//! one is a prefix, its completions, the spelling corrections. Built once,
//! executed by either backend, so both interpret a query the same way.

use crate::analysis::{
    is_correctable, is_stop_word, truncate_chars, Analyzer, MAX_QUERY_CHARS, MAX_QUERY_TERMS,
    MIN_PREFIX_CHARS,
};

/// A word of the vocabulary (the folded words of the indexed documents).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VocabTerm {
    /// Folded form, as indexed.
    pub term: String,
    /// How to show it (lower case, accents kept when known).
    pub display: String,
    /// Documents that have it (approximate: deletions may lag).
    pub docs: u64,
}

/// A word of the query as typed (stop words included), for rendering a
/// corrected query.
#[derive(Debug, Clone)]
pub(crate) struct TypedWord {
    /// As typed (case and accents kept).
    pub typed: String,
    pub folded: String,
}

/// One searched word. A document matches it when one of its fields has the
/// word (stemmed or exact), a correction of it, or, for the prefix word, one
/// of its completions.
#[derive(Debug, Clone)]
pub(crate) struct PlanTerm {
    /// Folded, letters and digits only.
    pub folded: String,
    /// Last word of the query: also matched as a prefix.
    pub prefix: bool,
    /// Vocabulary words that start with `folded` (only when `prefix`).
    pub expansions: Vec<String>,
    /// Spelling corrections from the vocabulary (second pass only).
    pub corrections: Vec<String>,
}

impl PlanTerm {
    /// Forms matched through stemming and exact match: the word and its corrections.
    pub(crate) fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.folded.as_str()).chain(self.corrections.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub typed: Vec<TypedWord>,
    pub terms: Vec<PlanTerm>,
}

impl Plan {
    /// Cut the query into words. Stop words are dropped unless the query has
    /// nothing else; duplicates are dropped; at most `MAX_QUERY_TERMS` words.
    /// Never fails: anything that is not a letter or a digit is a separator.
    pub(crate) fn parse(analyzer: &mut Analyzer, q: &str) -> Plan {
        let q = truncate_chars(q, MAX_QUERY_CHARS);
        let words = analyzer.words(q);
        let typed: Vec<TypedWord> = words
            .iter()
            .map(|w| TypedWord {
                typed: q[w.start..w.end].to_string(),
                folded: w.folded.clone(),
            })
            .collect();
        let all_stop = words.iter().all(|w| is_stop_word(&w.folded));
        let last = words.last().map(|w| w.folded.clone());
        let mut terms: Vec<PlanTerm> = Vec::new();
        for w in &words {
            if !all_stop && is_stop_word(&w.folded) {
                continue;
            }
            if terms.iter().any(|t| t.folded == w.folded) {
                continue;
            }
            if terms.len() == MAX_QUERY_TERMS {
                break;
            }
            terms.push(PlanTerm {
                folded: w.folded.clone(),
                prefix: false,
                expansions: Vec::new(),
                corrections: Vec::new(),
            });
        }
        if let Some(last) = last {
            if last.chars().count() >= MIN_PREFIX_CHARS {
                if let Some(t) = terms.iter_mut().find(|t| t.folded == last) {
                    t.prefix = true;
                }
            }
        }
        Plan { typed, terms }
    }

    /// Nothing to search: match everything.
    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub(crate) fn prefix_term_mut(&mut self) -> Option<&mut PlanTerm> {
        self.terms.iter_mut().find(|t| t.prefix)
    }

    /// Indexes of the terms spelling correction may look at: letters only,
    /// long enough, and not a prefix that already completes to something.
    pub(crate) fn correctable(&self) -> Vec<usize> {
        self.terms
            .iter()
            .enumerate()
            .filter(|(_, t)| is_correctable(&t.folded) && t.expansions.is_empty())
            .map(|(i, _)| i)
            .take(crate::analysis::MAX_CORRECTED_WORDS)
            .collect()
    }

    /// The query as typed, with corrected words replaced by their display form.
    pub(crate) fn render_corrected(&self, corrected: &[(String, String)]) -> String {
        let words: Vec<&str> = self
            .typed
            .iter()
            .map(|w| {
                corrected
                    .iter()
                    .find(|(from, _)| *from == w.folded)
                    .map_or(w.typed.as_str(), |(_, to)| to.as_str())
            })
            .collect();
        words.join(" ")
    }

    /// `plan` as a PostgreSQL `to_tsquery` text: AND of words, OR of each
    /// word's forms; the prefix word also as `word:*`. Every operand is
    /// letters and digits only (see `Analyzer::words`), so nothing typed can
    /// reach the tsquery syntax. `weight` ("A") restricts matches to titles.
    pub(crate) fn to_tsquery(&self, weight: &str) -> String {
        let groups: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                let mut alts: Vec<String> = Vec::new();
                let mut push = |s: &str, suffix: &str| {
                    if is_tsquery_safe(s) {
                        let alt = format!("{s}{suffix}");
                        if !alts.contains(&alt) {
                            alts.push(alt);
                        }
                    }
                };
                for form in t.forms() {
                    push(form, &colon(weight, false));
                }
                if t.prefix {
                    push(&t.folded, &colon(weight, true));
                }
                for e in &t.expansions {
                    push(e, &colon(weight, false));
                }
                format!("({})", alts.join(" | "))
            })
            .filter(|g| g != "()")
            .collect();
        groups.join(" & ")
    }
}

fn colon(weight: &str, prefix: bool) -> String {
    match (weight.is_empty(), prefix) {
        (true, false) => String::new(),
        (true, true) => ":*".to_string(),
        (false, false) => format!(":{weight}"),
        (false, true) => format!(":*{weight}"),
    }
}

/// Letters and digits only: cannot carry tsquery operators or quotes.
pub(crate) fn is_tsquery_safe(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(q: &str) -> Plan {
        Plan::parse(&mut Analyzer::new(), q)
    }

    #[test]
    fn drops_stop_words_and_marks_prefix() {
        let p = plan("Presupuesto de egresos");
        let t: Vec<&str> = p.terms.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(t, ["presupuesto", "egresos"]);
        assert!(p.terms[1].prefix);
        assert!(!p.terms[0].prefix);
    }

    #[test]
    fn keeps_stop_words_when_alone() {
        let p = plan("de la");
        assert_eq!(p.terms.len(), 2);
    }

    #[test]
    fn last_stop_word_is_no_prefix() {
        let p = plan("secretaría de");
        assert_eq!(p.terms.len(), 1);
        assert!(!p.terms[0].prefix);
    }

    #[test]
    fn hostile_input_gives_safe_words() {
        let p = plan("AND OR ( ) : \" * ~ ^ [ ] { } \\ / - '; DROP TABLE x; -- 🎉 ⑴ ½");
        for t in &p.terms {
            assert!(is_tsquery_safe(&t.folded), "{t:?}");
        }
        let ts = p.to_tsquery("");
        assert!(!ts.contains('\''));
        assert!(!ts.contains(';'));
    }

    #[test]
    fn caps_terms() {
        let q: String = (0..100).map(|i| format!("palabra{i} ")).collect();
        assert_eq!(plan(&q).terms.len(), MAX_QUERY_TERMS);
        let long = "a".repeat(10_000);
        assert!(plan(&long).terms.is_empty());
    }

    #[test]
    fn tsquery_text() {
        let mut p = plan("obra pub");
        if let Some(t) = p.prefix_term_mut() {
            t.expansions = vec!["publica".into(), "publicas".into()];
        }
        assert_eq!(
            p.to_tsquery(""),
            "(obra) & (pub | pub:* | publica | publicas)"
        );
        assert_eq!(
            p.to_tsquery("A"),
            "(obra:A) & (pub:A | pub:*A | publica:A | publicas:A)"
        );
    }

    #[test]
    fn renders_correction() {
        let p = plan("Presupesto de egresos");
        let s = p.render_corrected(&[("presupesto".into(), "presupuesto".into())]);
        assert_eq!(s, "presupuesto de egresos");
    }
}
