//! Highlighted, HTML-escaped titles and snippets, computed the same way for
//! both backends from the query plan: a word of the text is marked when its
//! folded form is one of the searched forms, its stem is one of their stems,
//! or it starts with the prefix word.

use std::collections::HashSet;

use crate::analysis::{runs, truncate_chars, Analyzer};
use crate::plan::Plan;

/// Characters of text kept before the first match in a snippet.
const LEAD_BYTES: usize = 60;
/// Length of a snippet, roughly (in bytes of the original text).
const SNIPPET_BYTES: usize = 240;

/// Escape text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) struct Highlighter {
    analyzer: Analyzer,
    exact: HashSet<String>,
    stems: HashSet<String>,
    prefixes: Vec<String>,
    enabled: bool,
}

impl Highlighter {
    pub(crate) fn new(plan: &Plan, enabled: bool) -> Self {
        let mut analyzer = Analyzer::new();
        let mut exact = HashSet::new();
        let mut stems = HashSet::new();
        let mut prefixes = Vec::new();
        for t in &plan.terms {
            for form in t.forms() {
                exact.insert(form.to_string());
                stems.insert(analyzer.stem(form));
            }
            for e in &t.expansions {
                exact.insert(e.clone());
            }
            if t.prefix {
                prefixes.push(t.folded.clone());
            }
        }
        Highlighter {
            analyzer,
            exact,
            stems,
            prefixes,
            enabled: enabled && !plan.is_empty(),
        }
    }

    fn is_match(&mut self, run: &str) -> bool {
        let folded = self.analyzer.fold(run);
        if folded.is_empty() {
            return false;
        }
        if self.exact.contains(&folded) || self.prefixes.iter().any(|p| folded.starts_with(p)) {
            return true;
        }
        let stem = self.analyzer.stem(&folded);
        self.stems.contains(&stem)
    }

    /// Byte ranges of the runs of `text` that match.
    fn matches(&mut self, text: &str) -> Vec<(usize, usize)> {
        if !self.enabled {
            return Vec::new();
        }
        runs(text)
            .into_iter()
            .filter(|(s, e)| self.is_match(&text[*s..*e]))
            .collect()
    }

    /// The whole text, escaped, matches marked.
    pub(crate) fn highlight(&mut self, text: &str) -> String {
        let marks = self.matches(text);
        render(text, 0, text.len(), &marks)
    }

    /// A fragment of `description` around its first match (its beginning when
    /// nothing matches), escaped and marked; the highlighted title when the
    /// description is empty.
    pub(crate) fn snippet(&mut self, title: &str, description: &str) -> String {
        let description = description.trim();
        if description.is_empty() {
            return self.highlight(title);
        }
        let marks = self.matches(description);
        let first = marks.first().map_or(0, |m| m.0);
        let words = runs(description);
        // Start at a word boundary at most LEAD_BYTES before the first match.
        let start = if first <= LEAD_BYTES {
            0
        } else {
            words
                .iter()
                .map(|w| w.0)
                .find(|s| *s + LEAD_BYTES >= first)
                .unwrap_or(first)
        };
        // End at a word boundary about SNIPPET_BYTES later.
        let limit = start + SNIPPET_BYTES;
        let end = if description.len() <= limit {
            description.len()
        } else {
            words
                .iter()
                .map(|w| w.1)
                .take_while(|e| *e <= limit)
                .last()
                .filter(|e| *e > start)
                .unwrap_or_else(|| {
                    // One giant word: cut it on a character boundary.
                    start + truncate_chars(&description[start..], SNIPPET_BYTES / 2).len()
                })
        };
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.push_str(&render(description, start, end, &marks));
        if end < description.len() {
            out.push('…');
        }
        out
    }
}

/// `text[start..end]` escaped, with the `marks` inside it wrapped in `<mark>`.
fn render(text: &str, start: usize, end: usize, marks: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut pos = start;
    for &(s, e) in marks {
        if s < start || e > end {
            continue;
        }
        out.push_str(&escape_html(&text[pos..s]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[s..e]));
        out.push_str("</mark>");
        pos = e;
    }
    out.push_str(&escape_html(&text[pos..end]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(q: &str) -> Highlighter {
        Highlighter::new(&Plan::parse(&mut Analyzer::new(), q), true)
    }

    #[test]
    fn marks_folded_stemmed_and_prefix() {
        let mut h = hl("gestion presupuestos obra pub");
        assert_eq!(
            h.highlight("Gestión del presupuesto: <obra> pública"),
            "<mark>Gestión</mark> del <mark>presupuesto</mark>: &lt;<mark>obra</mark>&gt; <mark>pública</mark>"
        );
    }

    #[test]
    fn escapes_without_query() {
        let mut h = hl("");
        assert_eq!(
            h.highlight("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn snippet_windows_long_text() {
        let mut h = hl("residuos");
        let text = format!(
            "{} residuos sólidos {}",
            "palabra ".repeat(50),
            "otra ".repeat(80)
        );
        let s = h.snippet("t", &text);
        assert!(s.starts_with('…'));
        assert!(s.ends_with('…'));
        assert!(s.contains("<mark>residuos</mark>"));
        assert!(s.len() < 400);
        let giant = "x".repeat(5_000);
        let s = h.snippet("t", &giant);
        assert!(s.len() < 400);
    }

    #[test]
    fn snippet_of_empty_description_is_title() {
        let mut h = hl("toluca");
        assert_eq!(
            h.snippet("Ayuntamiento de Toluca", " "),
            "Ayuntamiento de <mark>Toluca</mark>"
        );
    }
}
