//! Dataset and resource descriptions are written in Markdown by the staff of
//! public bodies and shown on our pages: this turns them into HTML that is safe
//! to embed (CommonMark, then sanitised with an allow-list), and into plain
//! text for summaries and meta descriptions.
//!
//! Choices:
//! - **No images.** `![alt](url)` becomes a link to the image with the alt
//!   text. Our Content-Security-Policy only loads images from our own origin
//!   (`img-src 'self' data:`), so a remote image would show broken anyway, and
//!   allowing it would let a third party see who reads which dataset (a
//!   tracking pixel on the pages of a data-protection authority).
//! - **Headings start at `<h3>`.** The page has its `<h1>` (the dataset's
//!   title) and `<h2>` sections; the description's top heading level becomes
//!   `<h3>` and deeper ones follow (capped at `<h6>`), so heading order stays
//!   correct for screen readers. Raw `<h1>`/`<h2>` are stripped.
//! - **No table alignment.** pulldown-cmark writes it as `style` attributes,
//!   which the sanitiser removes and the CSP (no inline style) would block.
//! - Raw HTML is parsed and sanitised, not escaped, so the harmless subset
//!   (`<br>`, `<abbr>`, `<sup>`, …) keeps working.
//! - **Nesting is bounded.** The HTML parser under the sanitiser takes time
//!   quadratic in the depth of open elements (50 000 nested list items: half a
//!   minute), so Markdown structure deeper than [`MAX_DEPTH`] is flattened
//!   (its text kept) and raw HTML that would open more than [`MAX_RAW_DEPTH`]
//!   elements is shown as text from there on.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The `rel` every link gets: no access to our window, no referrer, and no
/// endorsement for search engines.
pub const LINK_REL: &str = "noopener noreferrer nofollow";

/// How deep Markdown elements may nest; deeper ones keep only their text.
pub const MAX_DEPTH: usize = 32;

/// How many elements raw HTML may leave open at once (by a rough count: void
/// elements and those whose end tag is optional are not counted, attributes
/// are not parsed); past it, raw HTML is shown as text.
pub const MAX_RAW_DEPTH: usize = 64;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Markdown to safe HTML, for embedding in a page.
pub fn render(markdown: &str) -> String {
    let top = Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
            _ => None,
        })
        .min();
    // Added to every heading level so that the top one becomes 3.
    let shift = top.map_or(0, |top| 3 - top as isize);
    let mut guard = DepthGuard::default();
    let events = Parser::new_ext(markdown, options()).filter_map(move |event| guard.pass(event));
    let events = events.map(|event| match event {
        Event::Start(Tag::Heading { level, .. }) => Event::Start(Tag::Heading {
            level: shifted(level, shift),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, shift))),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::Start(Tag::Table(alignments)) => {
            Event::Start(Tag::Table(vec![Alignment::None; alignments.len()]))
        }
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SANITISER.clean(&html).to_string()
}

/// Bounds the nesting the HTML parser will see (see the module's notes).
#[derive(Default)]
struct DepthGuard {
    /// For every open Markdown element, whether its start was passed on.
    open: Vec<bool>,
    depth: usize,
    raw_depth: usize,
    raw_as_text: bool,
}

impl DepthGuard {
    fn pass<'a>(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(tag) => {
                let keep = self.depth < MAX_DEPTH;
                self.open.push(keep);
                if keep {
                    self.depth += 1;
                }
                keep.then_some(Event::Start(tag))
            }
            Event::End(tag) => {
                let keep = self.open.pop().unwrap_or(false);
                if keep {
                    self.depth -= 1;
                }
                keep.then_some(Event::End(tag))
            }
            Event::Html(raw) | Event::InlineHtml(raw) if self.raw_as_text => Some(Event::Text(raw)),
            Event::Html(ref raw) | Event::InlineHtml(ref raw) => {
                self.raw_depth = raw_html_depth(raw, self.raw_depth);
                if self.raw_depth > MAX_RAW_DEPTH {
                    self.raw_as_text = true;
                    let (Event::Html(raw) | Event::InlineHtml(raw)) = event else {
                        return Some(event);
                    };
                    return Some(Event::Text(raw));
                }
                Some(event)
            }
            other => Some(other),
        }
    }
}

/// Elements that never stay open (void) or that the parser closes by itself
/// when the next one starts.
const NOT_NESTING: [&str; 29] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
    "optgroup", "colgroup", "caption", "rt",
];

/// The number of elements left open after `raw`, starting from `depth`:
/// `<name` opens, `</name` closes, comments and declarations are skipped.
fn raw_html_depth(raw: &str, mut depth: usize) -> usize {
    let mut rest = raw;
    while let Some(pos) = rest.find('<') {
        rest = &rest[pos + 1..];
        let closing = rest.starts_with('/');
        let name_start = if closing { &rest[1..] } else { rest };
        let name: String = name_start
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || NOT_NESTING.contains(&name.as_str())
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
        }
    }
    depth
}

fn shifted(level: HeadingLevel, shift: isize) -> HeadingLevel {
    match (level as isize + shift).clamp(3, 6) {
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// What survives in rendered descriptions: text structure, emphasis, lists,
/// tables, quotes, code and links to web pages, e-mail and phone numbers.
static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
    .into();
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title"].into()),
        ("abbr", ["title"].into()),
        ("ol", ["start"].into()),
    ]
    .into();
    let mut builder = Builder::default();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(["lang"].into())
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .clean_content_tags(["script", "style"].into());
    builder
});

/// Only the text: for summaries in listings and `<meta name="description">`.
static TEXT_ONLY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tag_attributes(HashMap::new())
        .generic_attributes(HashSet::new())
        .strip_comments(true)
        .clean_content_tags(["script", "style"].into());
    builder
});

/// The text of the Markdown, without tags, entities decoded, whitespace
/// collapsed, and cut at a word boundary with "…" to at most `max_chars`
/// characters (the "…" included).
pub fn plain_text(markdown: &str, max_chars: usize) -> String {
    // Every block ends with a space so that words of neighbouring blocks
    // (table cells, list items) never run together; images keep their alt text.
    let mut guard = DepthGuard::default();
    let events = Parser::new_ext(markdown, options()).filter_map(move |event| guard.pass(event));
    let events = events.flat_map(|event| {
        let space = matches!(
            event,
            Event::End(
                TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::TableHead
                    | TagEnd::TableRow
                    | TagEnd::BlockQuote(_)
                    | TagEnd::CodeBlock
                    | TagEnd::HtmlBlock
            ) | Event::Rule
                | Event::SoftBreak
                | Event::HardBreak
        );
        let event = match event {
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        };
        event
            .into_iter()
            .chain(space.then(|| Event::Text(" ".into())))
    });
    let mut html = String::with_capacity(markdown.len());
    pulldown_cmark::html::push_html(&mut html, events);
    let text = decode_serialised_entities(&TEXT_ONLY.clean(&html).to_string());
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_at_word(&collapsed, max_chars)
}

/// The sanitiser serialises text escaping only these; everything else it
/// already decoded.
fn decode_serialised_entities(text: &str) -> String {
    text.replace("&nbsp;", "\u{A0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn truncate_at_word(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let budget = max_chars - 1; // room for "…"
    let end = text
        .char_indices()
        .nth(budget)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let at_boundary = text[end..].starts_with(' ');
    let head = match head.rfind(' ') {
        // Back to the last space, unless that throws away more than half.
        Some(space) if !at_boundary && head[..space].chars().count() * 2 >= budget => {
            &head[..space]
        }
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '-' | '–' | '—' | '(' | '¿' | '¡')
    });
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const ALLOWED_TAGS: [&str; 37] = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ];

    /// Reads every tag of the sanitised output (text `<` is always escaped,
    /// so each `<` starts a tag) and checks its name, its attributes and
    /// every URL against the allow-list.
    fn assert_safe(input: &str) {
        let html = render(input);
        fn fail_in(what: &str, html: &str, input: &str) -> ! {
            panic!("{what} in {html:?} (from {input:?})")
        }
        let mut rest = html.as_str();
        while let Some(pos) = rest.find('<') {
            rest = &rest[pos + 1..];
            // The tag runs to the first `>` outside a quoted value.
            let mut quoted = false;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    c == '>' && !quoted
                })
                .map(|(i, _)| i)
                .unwrap_or_else(|| fail_in("an unclosed tag", &html, input));
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            let tag = tag.strip_prefix('/').unwrap_or(tag);
            let name_end = tag.find(' ').unwrap_or(tag.len());
            let name = &tag[..name_end];
            if !ALLOWED_TAGS.contains(&name) {
                fail_in(&format!("tag {name:?}"), &html, input);
            }
            // Attributes: name="value" pairs, values without raw quotes.
            let mut attrs = tag[name_end..].trim();
            while !attrs.is_empty() {
                let Some((attr, value)) = attrs.split_once("=\"") else {
                    fail_in(&format!("attribute syntax {attrs:?}"), &html, input)
                };
                let Some((value, after)) = value.split_once('"') else {
                    fail_in("an unclosed attribute", &html, input)
                };
                attrs = after.trim_start();
                match attr {
                    "title" | "lang" => {}
                    "start" if name == "ol" => {}
                    "rel" if name == "a" => assert_eq!(value, LINK_REL),
                    "href" if name == "a" => {
                        // What a browser takes for the scheme: tabs and line
                        // breaks removed, leading spaces and controls trimmed,
                        // then letters, digits, `+-.` before the first `:`.
                        let url: String = value
                            .chars()
                            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                            .collect::<String>()
                            .trim_start_matches(|c: char| c <= ' ')
                            .to_ascii_lowercase();
                        let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
                            s.starts_with(|c: char| c.is_ascii_alphabetic())
                                && s.chars().all(|c| {
                                    c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
                                })
                        });
                        if let Some(scheme) = scheme {
                            if !["http", "https", "mailto", "tel"].contains(&scheme) {
                                fail_in(&format!("href {value:?}"), &html, input);
                            }
                        }
                    }
                    _ => fail_in(&format!("attribute {attr:?} on {name}"), &html, input),
                }
            }
        }
    }

    #[test]
    fn classic_xss_payloads_never_survive() {
        let payloads = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<IMG SRC=\"javascript:alert('XSS');\">",
            "[a](javascript:alert(1))",
            "[a](JaVaScRiPt:alert(1))",
            "[a](<javascript:alert(1)>)",
            "<javascript:alert(1)>",
            "[a][x]\n\n[x]: javascript:alert(1)",
            "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
            "<a href=\"javascript&colon;alert(1)\">x</a>",
            "[a](&#106;avascript:alert(1))",
            "[a](&#x6A;avascript&#x3A;alert(1))",
            "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<svg><script>alert(1)</script></svg>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<!-- <script>alert(1)</script> -->",
            "<!--><script>alert(1)</script>-->",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<style>body{display:none}</style>",
            "<p style=\"position:fixed\" onclick=\"alert(1)\">x</p>",
            "<a href=\"https://ok.example\" onmouseover=\"alert(1)\" target=\"_blank\" rel=\"opener\">x</a>",
            "<form action=\"https://evil.example\"><input name=p><button formaction=x>x</button></form>",
            "<details open ontoggle=alert(1)>",
            "<body onload=alert(1)>",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<base href=\"https://evil.example/\">",
            "<h1>Título que compite</h1>",
            "![x](javascript:alert(1))",
            "![x](https://tracker.example/pixel.gif)",
            "<div><p>anidado <b>sin cerrar",
            "`<script>alert(1)</script>`",
            "```html\n<script>alert(1)</script>\n```",
            "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        ];
        for payload in payloads {
            assert_safe(payload);
        }
    }

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
        }
    }

    #[test]
    fn random_markup_stays_safe() {
        let pieces = [
            "<",
            ">",
            "</",
            "/>",
            "a",
            "img",
            "svg",
            "script",
            "iframe",
            "style",
            " href=",
            " src=",
            " onerror=",
            " onload=",
            "\"",
            "'",
            "javascript:",
            "JaVa",
            "script:",
            "data:",
            "&#106;",
            "&#x3A;",
            "&colon;",
            "&amp;",
            "alert(1)",
            "[",
            "]",
            "(",
            ")",
            "](",
            "![",
            "*",
            "_",
            "`",
            "```",
            "~~",
            "\n",
            "\n\n",
            "> ",
            "- ",
            "1. ",
            "# ",
            "| a | b |\n|---|---|\n",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "https://x.example/",
            "mailto:a@b.c",
            " ",
            "\t",
            "\u{0}",
            "<math>",
            "<noscript>",
            "<template>",
            "<textarea>",
            "<title>",
            "<xmp>",
            "<plaintext>",
        ];
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        for _ in 0..2000 {
            let n = 1 + rng.below(40);
            let input: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
            assert_safe(&input);
            let text = plain_text(&input, 1 + rng.below(200));
            assert!(!text.contains('\u{0}'));
        }
    }

    #[test]
    fn links_get_rel_and_javascript_loses_its_href() {
        let html = render("[Infoem](https://www.infoem.org.mx/)");
        assert_eq!(
            html.trim(),
            "<p><a href=\"https://www.infoem.org.mx/\" rel=\"noopener noreferrer nofollow\">Infoem</a></p>"
        );
        let html = render("[a](javascript:alert(1))");
        assert_eq!(
            html.trim(),
            "<p><a rel=\"noopener noreferrer nofollow\">a</a></p>"
        );
        let html = render("<a href=\"https://ok.example\" target=\"_blank\" rel=\"opener\">x</a>");
        assert!(!html.contains("target"), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
        assert!(render("<unidad@infoem.org.mx>").contains("href=\"mailto:unidad@infoem.org.mx\""));
        // Code shows the markup, escaped.
        assert!(render("`<script>`").contains("<code>&lt;script&gt;</code>"));
    }

    #[test]
    fn images_become_links() {
        let html = render("![Logotipo del Infoem](https://example.org/logo.png \"Logo\")");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/logo.png\" title=\"Logo\" rel=\"noopener noreferrer nofollow\">Logotipo del Infoem</a>"),
            "{html}"
        );
    }

    #[test]
    fn spanish_markdown_renders_right() {
        let markdown = "\
# Incidencia delictiva en el Estado de México

Datos **abiertos** del *Secretariado Ejecutivo*, con acentos: áéíóú, ñ, ü, ¿cómo? ¡sí!
Fuente: [SESNSP](https://www.gob.mx/sesnsp \"Secretariado\").

## Columnas

- `AÑO`: año del registro
- `ENTIDAD`: nombre de la entidad
  1. anidada

3. tercero
4. cuarto

| Municipio | Población | Clave |
|:----------|----------:|:-----:|
| Toluca | 910 608 | 15106 |
| Ecatepec de Morelos | 1 645 352 | 15033 |

> Cita ~~tachada~~ & <abbr title=\"Instituto de Transparencia\">Infoem</abbr><br>línea

---
";
        let html = render(markdown);
        for expected in [
            "<h3>Incidencia delictiva en el Estado de México</h3>",
            "<h4>Columnas</h4>",
            "<strong>abiertos</strong>",
            "<em>Secretariado Ejecutivo</em>",
            "con acentos: áéíóú, ñ, ü, ¿cómo? ¡sí!",
            "<a href=\"https://www.gob.mx/sesnsp\" title=\"Secretariado\" rel=\"noopener noreferrer nofollow\">SESNSP</a>",
            "<li><code>AÑO</code>: año del registro</li>",
            "<ol start=\"3\">",
            "<th>Municipio</th>",
            "<th>Población</th>",
            "<td>Ecatepec de Morelos</td>",
            "<td>1 645 352</td>",
            "<blockquote>",
            "<del>tachada</del>",
            "&amp;",
            "<abbr title=\"Instituto de Transparencia\">Infoem</abbr><br>",
            "<hr>",
        ] {
            assert!(html.contains(expected), "{expected:?} not in {html}");
        }
        assert!(!html.contains("style="), "{html}");
        assert!(!html.contains("<h1") && !html.contains("<h2"), "{html}");
    }

    #[test]
    fn headings_start_at_h3() {
        let levels = |markdown: &str| -> Vec<String> {
            let html = render(markdown);
            html.match_indices("<h")
                .filter_map(|(i, _)| html.get(i + 1..i + 3))
                .filter(|t| t.as_bytes()[1].is_ascii_digit())
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(levels("# A\n## B\n### C"), ["h3", "h4", "h5"]);
        assert_eq!(levels("## A\n### B"), ["h3", "h4"]);
        assert_eq!(levels("#### Sólo\n##### Más"), ["h3", "h4"]);
        assert_eq!(levels("# A\n###### F"), ["h3", "h6"]);
        assert_eq!(levels("Título\n======\n\nSub\n---"), ["h3", "h4"]);
        assert!(levels("sin títulos").is_empty());
        // Raw HTML headings above h3 are dropped, their text kept.
        let html = render("<h1>Uno</h1>\n\n<h2>Dos</h2>");
        assert!(!html.contains("<h1") && !html.contains("<h2"), "{html}");
        assert!(html.contains("Uno") && html.contains("Dos"), "{html}");
    }

    #[test]
    fn plain_text_for_summaries() {
        let markdown = "# Presupuesto 2024\n\nMontos **aprobados** y *ejercidos* por [municipio](https://x.example) &amp; dependencia &eacute;tica.\n\n| A | B |\n|---|---|\n| uno | dos |\n\n- tres\n- cuatro\n\n<script>alert(1)</script>\n\n![gráfica de barras](g.png)\n\n<b>negrita</b> &lt;etiqueta&gt; `x < y`";
        assert_eq!(
            plain_text(markdown, 1000),
            "Presupuesto 2024 Montos aprobados y ejercidos por municipio & dependencia ética. A B uno dos tres cuatro gráfica de barras negrita <etiqueta> x < y"
        );
        assert_eq!(plain_text("", 10), "");
        assert_eq!(plain_text("  \n\n  ", 10), "");
        assert_eq!(
            plain_text("a&nbsp;b", 10),
            "a\u{A0}b".split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn plain_text_cuts_at_a_word() {
        let text =
            "Incidencia delictiva del fuero común, por entidad federativa y mes, de 1997 a 2017.";
        assert_eq!(plain_text(text, 200), text);
        assert_eq!(plain_text(text, text.chars().count()), text);
        let cut = plain_text(text, 40);
        assert_eq!(cut, "Incidencia delictiva del fuero común…");
        assert!(cut.chars().count() <= 40);
        // A boundary right after the budget keeps the whole last word.
        assert_eq!(plain_text("uno dos tres", 8), "uno dos…");
        // No space to go back to: a hard cut.
        assert_eq!(plain_text("Supercalifragilístico", 6), "Super…");
        assert_eq!(plain_text("abc def", 1), "…");
        assert_eq!(plain_text("abc def", 0), "");
        for max in 0..90 {
            let cut = plain_text(text, max);
            assert!(cut.chars().count() <= max, "{max}: {cut}");
        }
    }

    #[test]
    fn huge_input_renders_in_reasonable_time() {
        let block = "## Sección\n\nTexto con **negritas**, *cursivas*, `código` y un [enlace](https://example.org/a?b=c&d=e) en el Estado de México.\n\n- uno\n- dos\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> cita <b>html</b>\n\n";
        let big = block.repeat(1_000_000 / block.len() + 1);
        assert!(big.len() >= 1_000_000);
        let start = Instant::now();
        let html = render(&big);
        let summary = plain_text(&big, 160);
        let elapsed = start.elapsed();
        assert!(html.len() > big.len() / 2);
        assert!(summary.chars().count() <= 160);
        assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");

        // Pathological nesting and unclosed constructs.
        for evil in [
            "[".repeat(200_000),
            "*a ".repeat(100_000),
            "> ".repeat(50_000) + "x",
            "<div>".repeat(50_000),
            "- ".repeat(50_000) + "x",
            "`".repeat(100_000),
            "[a](".repeat(50_000),
        ] {
            let start = Instant::now();
            let _ = render(&evil);
            let _ = plain_text(&evil, 160);
            let elapsed = start.elapsed();
            assert!(
                elapsed < Duration::from_secs(30),
                "{:?}…: {elapsed:?}",
                &evil[..10]
            );
        }
    }
}
