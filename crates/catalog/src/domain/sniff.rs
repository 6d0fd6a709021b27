//! What an uploaded file really is, decided from its first bytes (at most
//! [`SNIFF_LEN`]) and never from its name alone: a `.csv` full of binary
//! garbage is not CSV, and an HTML or SVG page must be recognised whatever it
//! is called, so that the platform never serves it inline from its own origin.
//!
//! The magic numbers are checked by hand rather than with a crate such as
//! `infer`: the platform cares about a dozen formats, the checks are a few
//! lines each, and the hard part (text encodings, delimiters, JSON, HTML) is
//! not something such crates do.

use serde::de::IgnoredAny;
use serde::Serialize;

/// How many bytes [`sniff`] looks at; give it at least this many when the file
/// is longer.
pub const SNIFF_LEN: usize = 8 * 1024;

/// The formats the platform recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    Csv,
    Tsv,
    Xlsx,
    Xls,
    Ods,
    Json,
    GeoJson,
    /// Newline-delimited JSON: one value per line.
    Ndjson,
    Xml,
    Kml,
    Pdf,
    Zip,
    Gzip,
    Docx,
    Odt,
    Doc,
    Png,
    Jpeg,
    Gif,
    Webp,
    Html,
    Svg,
    Txt,
    Parquet,
    /// A Microsoft compound file (CFB/OLE2) we could not place: an old Office
    /// document of another kind, or an encrypted OOXML file.
    OleStorage,
    /// Anything else, including text with binary bytes in it.
    Binary,
}

impl Format {
    /// The media type to store and to send in `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Tsv => "text/tab-separated-values",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Xls => "application/vnd.ms-excel",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Json => "application/json",
            Format::GeoJson => "application/geo+json",
            Format::Ndjson => "application/x-ndjson",
            Format::Xml => "application/xml",
            Format::Kml => "application/vnd.google-earth.kml+xml",
            Format::Pdf => "application/pdf",
            Format::Zip => "application/zip",
            Format::Gzip => "application/gzip",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Doc => "application/msword",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Html => "text/html",
            Format::Svg => "image/svg+xml",
            Format::Txt => "text/plain",
            Format::Parquet => "application/vnd.apache.parquet",
            Format::OleStorage => "application/x-ole-storage",
            Format::Binary => "application/octet-stream",
        }
    }

    /// The short name people know the format by.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
            Format::Json => "JSON",
            Format::GeoJson => "GeoJSON",
            Format::Ndjson => "NDJSON",
            Format::Xml => "XML",
            Format::Kml => "KML",
            Format::Pdf => "PDF",
            Format::Zip => "ZIP",
            Format::Gzip => "GZIP",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Doc => "DOC",
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Gif => "GIF",
            Format::Webp => "WebP",
            Format::Html => "HTML",
            Format::Svg => "SVG",
            Format::Txt => "TXT",
            Format::Parquet => "Parquet",
            Format::OleStorage => "OLE",
            Format::Binary => "BIN",
        }
    }

    /// Whether it holds a table the platform can preview, validate and convert.
    pub fn is_tabular(self) -> bool {
        matches!(
            self,
            Format::Csv | Format::Tsv | Format::Xlsx | Format::Xls | Format::Ods | Format::Parquet
        )
    }

    /// Whether a browser that renders it could run script in it (HTML, SVG,
    /// and XML, which may carry XHTML): such files are only ever served as
    /// attachments or from another origin.
    pub fn may_run_script(self) -> bool {
        matches!(self, Format::Html | Format::Svg | Format::Xml | Format::Kml)
    }

    /// The code in the EU "file-type" authority table, which DCAT-AP requires
    /// for `dct:format`
    /// (`http://publications.europa.eu/resource/authority/file-type/{code}`).
    /// `None` where the table has no entry (NDJSON, Parquet, OLE).
    pub fn eu_file_type(self) -> Option<&'static str> {
        Some(match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
            Format::Json => "JSON",
            Format::GeoJson => "GEOJSON",
            Format::Xml => "XML",
            Format::Kml => "KML",
            Format::Pdf => "PDF",
            Format::Zip => "ZIP",
            Format::Gzip => "GZIP",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Doc => "DOC",
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Gif => "GIF",
            Format::Webp => "WEBP",
            Format::Html => "HTML",
            Format::Svg => "SVG",
            Format::Txt => "TXT",
            Format::Binary => "OCTET",
            Format::Ndjson | Format::Parquet | Format::OleStorage => return None,
        })
    }
}

/// The character encoding of a text file, as guessed from the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark. Also chosen for text that is
    /// UTF-8 with a few broken bytes (decode it replacing them), because
    /// reading it as Windows-1252 would garble every accent.
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Windows-1252, which includes ISO-8859-1 (Latin-1) for every printable
    /// character: what Excel and most Mexican government systems write.
    Windows1252,
}

impl TextEncoding {
    /// The WHATWG name, which decoders and `charset=` understand.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// What [`sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Detected {
    pub format: Format,
    /// For text formats, the encoding to decode it with.
    pub encoding: Option<TextEncoding>,
    /// For CSV and TSV, the field separator (`,` `;` `|` or tab).
    pub delimiter: Option<u8>,
}

impl Detected {
    fn of(format: Format) -> Detected {
        Detected {
            format,
            encoding: None,
            delimiter: None,
        }
    }
    fn text(format: Format, encoding: TextEncoding) -> Detected {
        Detected {
            format,
            encoding: Some(encoding),
            delimiter: None,
        }
    }
    pub fn media_type(&self) -> &'static str {
        self.format.media_type()
    }
    /// The short name for people (`CSV`, `XLSX`, …).
    pub fn name(&self) -> &'static str {
        self.format.name()
    }
    pub fn is_tabular(&self) -> bool {
        self.format.is_tabular()
    }
}

/// Decides what a file is from its first bytes (only the first [`SNIFF_LEN`]
/// are looked at) and its name. The name only settles what the bytes leave
/// open: an old Office compound file called `.xls`, an OOXML package whose
/// first entries do not say which kind it is, or text that is not clearly
/// delimited but is called `.csv` (a single column, ragged rows). It never
/// turns binary bytes into text, nor markup into anything else.
pub fn sniff(first_bytes: &[u8], filename: &str) -> Detected {
    let truncated = first_bytes.len() >= SNIFF_LEN;
    let bytes = &first_bytes[..first_bytes.len().min(SNIFF_LEN)];
    let ext = extension(filename);
    if let Some(format) = magic(bytes, &ext) {
        return Detected::of(format);
    }
    match decode_text(bytes) {
        Some((text, encoding)) => classify_text(&text, encoding, &ext, truncated),
        None => Detected::of(Format::Binary),
    }
}

/// The lower-case extension of the last path component (`""` if none).
fn extension(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Binary formats, by their magic numbers
// ---------------------------------------------------------------------------

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn magic(bytes: &[u8], ext: &str) -> Option<Format> {
    if bytes.starts_with(b"%PDF-") {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(bytes, ext));
    }
    // An empty archive is just an end-of-central-directory record.
    if bytes.starts_with(b"PK\x05\x06") {
        return Some(Format::Zip);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Some(compound_file_kind(bytes, ext));
    }
    if bytes.starts_with(PNG_MAGIC) {
        return Some(Format::Png);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some(Format::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if bytes.starts_with(b"\x1F\x8B") {
        return Some(Format::Gzip);
    }
    // "PAR1" could begin a text file; Parquet's next bytes are binary.
    if bytes.starts_with(b"PAR1") && bytes[4..].contains(&0) {
        return Some(Format::Parquet);
    }
    None
}

/// The names of the ZIP entries whose local headers are in the sample (the
/// last one possibly cut). Every header is found by its signature, so entries
/// written with a data descriptor (sizes after the data) are found too.
fn zip_entry_names(bytes: &[u8]) -> Vec<&[u8]> {
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"PK\x03\x04") {
        let at = from + pos;
        if let Some(len) = bytes.get(at + 26..at + 28) {
            let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            let start = at + 30;
            let end = (start + len).min(bytes.len());
            if start < end {
                names.push(&bytes[start..end]);
            }
        }
        from = at + 4;
    }
    names
}

fn zip_kind(bytes: &[u8], ext: &str) -> Format {
    let names = zip_entry_names(bytes);
    // OpenDocument: an uncompressed first entry `mimetype` holding the type.
    if names.iter().any(|n| *n == b"mimetype") {
        if find(bytes, b"application/vnd.oasis.opendocument.spreadsheet").is_some() {
            return Format::Ods;
        }
        if find(bytes, b"application/vnd.oasis.opendocument.text").is_some() {
            return Format::Odt;
        }
        return Format::Zip;
    }
    // Office Open XML: the parts live under `xl/` or `word/`. Excel writes
    // `[Content_Types].xml` first; other writers start straight with a sheet.
    if names.iter().any(|n| n.starts_with(b"xl/")) {
        return Format::Xlsx;
    }
    if names.iter().any(|n| n.starts_with(b"word/")) {
        return Format::Docx;
    }
    if names.iter().any(|n| *n == b"[Content_Types].xml") {
        match ext {
            "xlsx" => return Format::Xlsx,
            "docx" => return Format::Docx,
            _ => {}
        }
    }
    Format::Zip
}

/// Old Office files are compound files whose directory is often far beyond
/// the sample, so the stream names cannot be read. The first stream usually
/// starts at the second 512-byte sector, and a workbook opens with a BIFF8
/// BOF record, a Word document with its FIB magic; otherwise the name says.
fn compound_file_kind(bytes: &[u8], ext: &str) -> Format {
    let sector_starts = || bytes.chunks(512).skip(1);
    let is_biff8_bof = |s: &[u8]| {
        s.len() >= 8
            && s[0..2] == [0x09, 0x08]
            && s[4..6] == [0x00, 0x06]
            && s[6..8] == [0x05, 0x00]
    };
    let is_word_fib = |s: &[u8]| s.starts_with(&[0xEC, 0xA5]) && s.get(3) == Some(&0x00);
    if ext == "xls" || sector_starts().any(is_biff8_bof) {
        return Format::Xls;
    }
    if ext == "doc" || sector_starts().any(is_word_fib) {
        return Format::Doc;
    }
    Format::OleStorage
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Text: encodings
// ---------------------------------------------------------------------------

/// The sample as text, or `None` if it is not text. A multi-byte character or
/// surrogate pair cut by the end of the sample is forgiven.
fn decode_text(bytes: &[u8]) -> Option<(String, TextEncoding)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = utf8_prefix(rest)
            .map_or_else(|| String::from_utf8_lossy(rest).into_owned(), str::to_owned);
        return is_text(&text, false).then_some((text, TextEncoding::Utf8));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        // FF FE 00 00 is the UTF-32 mark, which nobody should upload.
        if !rest.starts_with(b"\x00\x00") {
            return decode_utf16(rest, true).map(|t| (t, TextEncoding::Utf16Le));
        }
        return None;
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, false).map(|t| (t, TextEncoding::Utf16Be));
    }
    if let Some(text) = utf8_prefix(bytes) {
        return is_text(text, false).then(|| (text.to_owned(), TextEncoding::Utf8));
    }
    if mostly_utf8(bytes) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return is_text(&text, false).then_some((text, TextEncoding::Utf8));
    }
    let text = decode_windows_1252(bytes);
    is_text(&text, true).then_some((text, TextEncoding::Windows1252))
}

/// The bytes as UTF-8, allowing only a character cut at the very end.
fn utf8_prefix(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// UTF-8 with a few broken bytes: more well-formed multi-byte characters than
/// broken sequences. Latin-1 Spanish almost never forms a valid multi-byte
/// sequence (`AÑO` is `41 D1 4F`), so its accents all count as broken.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut broken) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| c.len_utf8() > 1).count();
        if !chunk.invalid().is_empty() {
            broken += 1;
        }
    }
    multibyte > 0 && multibyte >= broken
}

fn decode_utf16(bytes: &[u8], little_endian: bool) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut broken = 0usize;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                broken += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    // One lone surrogate may be a pair cut by the end of the sample; binary
    // bytes read as UTF-16 give lone surrogates in about 3 % of the units.
    let units = bytes.len() / 2;
    (broken <= 1 + units / 200 && is_text(&text, false)).then_some(text)
}

/// Windows-1252's characters for the bytes 0x80–0x9F. The five bytes it
/// leaves undefined are mapped to the C1 controls (as WHATWG does), which
/// [`is_text`] then refuses.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Whether decoded text is really text: never a NUL, and no other control
/// characters than tab, line ends and form feed (a final DOS end-of-file
/// Ctrl-Z is forgiven). For a single-byte guess (`strict`) not even one;
/// otherwise at most one in a thousand characters.
fn is_text(text: &str, strict: bool) -> bool {
    let body = text.strip_suffix('\u{1A}').unwrap_or(text);
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in body.chars() {
        chars += 1;
        if c == '\0' {
            return false;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            controls += 1;
        }
    }
    if strict {
        controls == 0
    } else {
        controls * 1000 <= chars
    }
}

// ---------------------------------------------------------------------------
// Text: what kind
// ---------------------------------------------------------------------------

fn classify_text(text: &str, encoding: TextEncoding, ext: &str, truncated: bool) -> Detected {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    match start.chars().next() {
        Some('{') | Some('[') => {
            if let Some(format) = json_kind(start) {
                return Detected::text(format, encoding);
            }
        }
        Some('<') => {
            if let Some(format) = markup_kind(start) {
                return Detected::text(format, encoding);
            }
        }
        _ => {}
    }
    if let Some(delimiter) = delimiter(text, truncated, ext) {
        let format = if delimiter == b'\t' {
            Format::Tsv
        } else {
            Format::Csv
        };
        return Detected {
            format,
            encoding: Some(encoding),
            delimiter: Some(delimiter),
        };
    }
    if mentions_html(start) {
        return Detected::text(Format::Html, encoding);
    }
    Detected::text(Format::Txt, encoding)
}

/// JSON (whole, or cut by the end of the sample), GeoJSON or NDJSON.
fn json_kind(text: &str) -> Option<Format> {
    let json = match serde_json::from_str::<IgnoredAny>(text) {
        Ok(_) => true,
        Err(e) => e.is_eof(),
    };
    if json {
        return Some(if is_geojson(text) {
            Format::GeoJson
        } else {
            Format::Json
        });
    }
    // Several values one after another: NDJSON if each is an object or array
    // on its own line (the last one may be cut).
    let mut values = 0;
    for value in serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>() {
        match value {
            Ok(_) => values += 1,
            Err(e) if e.is_eof() => break,
            Err(_) => return None,
        }
    }
    let one_per_line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .all(|l| l.starts_with('{') || l.starts_with('['));
    (values >= 2 && one_per_line).then_some(Format::Ndjson)
}

/// A `"type"` member whose value is `"FeatureCollection"` or `"Feature"`.
fn is_geojson(text: &str) -> bool {
    let mut rest = text;
    while let Some(pos) = rest.find("\"type\"") {
        rest = &rest[pos + 6..];
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        if value.starts_with("\"FeatureCollection\"") || value.starts_with("\"Feature\"") {
            return true;
        }
    }
    false
}

/// Tags that make a browser treat a document as HTML (the WHATWG MIME
/// sniffing list, plus a few more that no XML vocabulary we serve starts with).
const HTML_ROOTS: [&str; 26] = [
    "html", "head", "body", "script", "iframe", "h1", "h2", "h3", "div", "font", "table", "a",
    "style", "title", "b", "br", "p", "meta", "link", "span", "img", "form", "frameset", "object",
    "embed", "section",
];

/// HTML, SVG, KML or other XML, for text that starts with `<`.
fn markup_kind(text: &str) -> Option<Format> {
    let head: String = text
        .chars()
        .take(SNIFF_LEN)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut rest = head.as_str();
    let mut xml_declaration = false;
    let mut html_doctype = false;
    // Skip the prolog: declaration, processing instructions, comments, doctype.
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            xml_declaration |= after.starts_with("xml");
            match after.find("?>") {
                Some(end) => rest = &after[end + 2..],
                None => break,
            }
        } else if let Some(after) = rest.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) => rest = &after[end + 3..],
                // Nothing but a comment in the sample: browsers sniff HTML.
                None => {
                    return Some(if xml_declaration {
                        Format::Xml
                    } else {
                        Format::Html
                    })
                }
            }
        } else if let Some(after) = rest.strip_prefix("<!doctype") {
            let end = after.find('>').unwrap_or(after.len());
            let doctype = after[..end].trim_start();
            html_doctype |= doctype.starts_with("html");
            if doctype.starts_with("svg") {
                return Some(Format::Svg);
            }
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
    }
    if html_doctype {
        return Some(Format::Html);
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return xml_declaration.then_some(Format::Xml);
    };
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        .collect();
    // `<svg:svg>` and `<x:html>` are the same elements with a prefix.
    let local = name.rsplit(':').next().unwrap_or(&name);
    let closes = tag[name.len()..]
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || c == '>' || c == '/');
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !closes {
        return None;
    }
    if local == "svg" {
        return Some(Format::Svg);
    }
    if HTML_ROOTS.contains(&local) {
        return Some(Format::Html);
    }
    if local == "kml" {
        return Some(Format::Kml);
    }
    // Some other element: XML, or (without a declaration) at least markup
    // that closes what it opens. An SVG or HTML document further down still
    // counts as such.
    if xml_declaration || head.contains("</") || head.contains("/>") {
        if head.contains("<svg") {
            return Some(Format::Svg);
        }
        if head.contains("<html") || head.contains("<script") {
            return Some(Format::Html);
        }
        return Some(Format::Xml);
    }
    None
}

/// Text that is not a table but carries the elements that make a page run
/// script or show another page; treated as HTML so it is never served inline.
fn mentions_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "<html", "<script", "<iframe", "<svg", "<body", "<object", "<embed",
    ]
    .iter()
    .any(|tag| lower.contains(tag))
}

// ---------------------------------------------------------------------------
// Text: delimited?
// ---------------------------------------------------------------------------

/// The separators tried, rarest in ordinary text first: on a tie the rarer
/// one wins (a `;` file with decimal commas is `;`-separated).
const DELIMITERS: [char; 4] = ['\t', ';', '|', ','];

/// The field separator if the text is a table: the same number (≥ 2) of
/// fields on at least 60 % of the records, and at most 20 % of the records
/// without a separator (title lines above a table), quotes respected (a quoted field
/// may hold separators and line breaks), blank lines ignored, and a record cut
/// by the end of the sample left out. A name ending in `.csv`/`.tsv` is
/// enough for text whose rows are ragged or have a single column.
fn delimiter(text: &str, truncated: bool, ext: &str) -> Option<u8> {
    struct Candidate {
        delimiter: char,
        matching: usize,
        records: usize,
        with_delimiter: usize,
    }
    let mut best: Option<Candidate> = None;
    for delimiter in DELIMITERS {
        let counts = fields_per_record(text, delimiter, truncated);
        let records = counts.len();
        let with_delimiter = counts.iter().filter(|&&n| n >= 2).count();
        // The most frequent field count (≥ 2); on a tie, the larger.
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for &n in counts.iter().filter(|&&n| n >= 2) {
            match tally.iter_mut().find(|(fields, _)| *fields == n) {
                Some((_, seen)) => *seen += 1,
                None => tally.push((n, 1)),
            }
        }
        let matching = tally
            .iter()
            .max_by_key(|(fields, seen)| (*seen, *fields))
            .map_or(0, |(_, seen)| *seen);
        let candidate = Candidate {
            delimiter,
            matching,
            records,
            with_delimiter,
        };
        let better = match &best {
            None => true,
            // matching / records, compared without division.
            Some(b) => {
                candidate.matching * b.records.max(1) > b.matching * candidate.records.max(1)
            }
        };
        if better && candidate.matching > 0 {
            best = Some(candidate);
        }
    }
    let named = matches!(ext, "csv" | "tsv");
    let default = if ext == "tsv" { b'\t' } else { b',' };
    match best {
        // Prose has lines without any separator; a table has few (titles).
        Some(b)
            if b.matching >= 2
                && b.matching * 10 >= b.records * 6
                && (b.records - b.with_delimiter) * 5 <= b.records =>
        {
            Some(b.delimiter as u8)
        }
        // Ragged rows, or a header alone, in a file that says it is a table.
        Some(b) if named && b.with_delimiter * 10 >= b.records * 8 => Some(b.delimiter as u8),
        // A single column: no separator anywhere.
        _ if named && !text.trim().is_empty() => Some(default),
        _ => None,
    }
}

/// How many fields each non-blank record has, reading `"` quotes the CSV way
/// (a quote opens a field only at its start, after optional spaces; `""` is a
/// quote inside one). `\r`, `\n` and any mix of them end a record.
fn fields_per_record(text: &str, delimiter: char, truncated: bool) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut fields = 1;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut has_content = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '\n' | '\r' => {
                if has_content {
                    counts.push(fields);
                }
                fields = 1;
                at_field_start = true;
                has_content = false;
            }
            c if c == delimiter => {
                fields += 1;
                at_field_start = true;
                has_content = true;
            }
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
                has_content = true;
            }
            ' ' => {}
            _ => {
                at_field_start = false;
                has_content = true;
            }
        }
    }
    // The last record counts only if the sample is the whole file and the
    // record is complete.
    if has_content && !truncated && !in_quotes {
        counts.push(fields);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    // --- synthetic samples -------------------------------------------------

    fn format(bytes: &[u8], name: &str) -> Format {
        sniff(bytes, name).format
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(
            format(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "x.bin"),
            Format::Pdf
        );
        assert_eq!(
            format(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "x.csv"),
            Format::Png
        );
        assert_eq!(format(b"\xFF\xD8\xFF\xE0\0\x10JFIF", "foto"), Format::Jpeg);
        assert_eq!(format(b"GIF89a\x01\0\x01\0", "a.gif"), Format::Gif);
        assert_eq!(format(b"RIFF\x24\0\0\0WEBPVP8 ", "a"), Format::Webp);
        assert_eq!(
            format(b"\x1F\x8B\x08\0\0\0\0\0", "datos.csv.gz"),
            Format::Gzip
        );
        assert_eq!(format(b"PAR1\x15\x04\x15\0", "t.parquet"), Format::Parquet);
        assert_eq!(format(b"PAR1,foo\n1,2\n", "t.csv"), Format::Csv);
        assert_eq!(format(b"PK\x05\x06\0\0\0\0", "vacio.zip"), Format::Zip);
        let d = sniff(b"%PDF-1.4", "informe.pdf");
        assert_eq!(d.media_type(), "application/pdf");
        assert_eq!(d.name(), "PDF");
        assert!(!d.is_tabular());
        assert_eq!(d.encoding, None);
    }

    /// A minimal local file header for `name`, with `data` stored as is.
    fn zip_entry(name: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
        out.extend_from_slice(&[0; 4]); // crc
        let len = u32::try_from(data.len()).expect("small").to_le_bytes();
        out.extend_from_slice(&len);
        out.extend_from_slice(&len);
        let name_len = u16::try_from(name.len()).expect("short").to_le_bytes();
        out.extend_from_slice(&name_len);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn zip_packages() {
        let xlsx = [
            zip_entry("[Content_Types].xml", b"<x/>"),
            zip_entry("xl/workbook.xml", b"<w/>"),
        ]
        .concat();
        assert_eq!(format(&xlsx, "libro.zip"), Format::Xlsx);
        let sheet_first = zip_entry("xl/worksheets/sheet1.xml", b"<x/>");
        assert_eq!(format(&sheet_first, "a"), Format::Xlsx);
        let docx = [
            zip_entry("[Content_Types].xml", b"<x/>"),
            zip_entry("word/document.xml", b""),
        ]
        .concat();
        assert_eq!(format(&docx, "oficio.docx"), Format::Docx);
        // Only the content types in the sample: the name decides.
        let ooxml = zip_entry("[Content_Types].xml", &[0x55; 9000]);
        assert_eq!(format(&ooxml, "libro.xlsx"), Format::Xlsx);
        assert_eq!(format(&ooxml, "oficio.DOCX"), Format::Docx);
        assert_eq!(format(&ooxml, "paquete.zip"), Format::Zip);
        let ods = [
            zip_entry(
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            zip_entry("content.xml", b"<x/>"),
        ]
        .concat();
        assert_eq!(format(&ods, "hoja.ods"), Format::Ods);
        let odt = zip_entry("mimetype", b"application/vnd.oasis.opendocument.text");
        assert_eq!(format(&odt, "x"), Format::Odt);
        let shapefile = [
            zip_entry("municipios.shp", &[0; 100]),
            zip_entry("municipios.dbf", &[3; 10]),
        ]
        .concat();
        assert_eq!(format(&shapefile, "municipios.xlsx"), Format::Zip);
        // A cut header does not panic.
        assert_eq!(format(b"PK\x03\x04\x14\0", "a.xlsx"), Format::Zip);
    }

    #[test]
    fn compound_files() {
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.resize(1024, 0xFF);
        assert_eq!(format(&cfb, "Indice.XLS"), Format::Xls);
        assert_eq!(format(&cfb, "oficio.doc"), Format::Doc);
        let other = sniff(&cfb, "cifrado.xlsx");
        assert_eq!(other.format, Format::OleStorage);
        assert_eq!(other.media_type(), "application/x-ole-storage");
        // The BIFF8 BOF record at the start of the second sector.
        cfb[512..520].copy_from_slice(&[0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]);
        assert_eq!(format(&cfb, "sin-extension"), Format::Xls);
    }

    #[test]
    fn json_and_geojson() {
        assert_eq!(
            format(b"  {\"a\": [1, 2, {\"b\": null}]}\n", "x.txt"),
            Format::Json
        );
        assert_eq!(format(b"\xEF\xBB\xBF[1,2,3]", "x"), Format::Json);
        // Cut by the end of the sample, it still looks like JSON.
        assert_eq!(
            format(b"[{\"municipio\": \"Toluca\", \"pobla", "x"),
            Format::Json
        );
        let geo = br#"{"type": "FeatureCollection", "features": [{"type":"Feature","geometry":null,"properties":{}}]}"#;
        let d = sniff(geo, "capas.json");
        assert_eq!(d.format, Format::GeoJson);
        assert_eq!(d.media_type(), "application/geo+json");
        assert_eq!(
            format(
                br#"{"properties": {}, "type" : "Feature", "geometry": null}"#,
                "x"
            ),
            Format::GeoJson
        );
        // "Feature" as a value of something else is not GeoJSON.
        assert_eq!(
            format(br#"{"kind": "Feature", "type": "thing"}"#, "x"),
            Format::Json
        );
        assert_eq!(
            format(b"{\"a\":1}\n{\"a\":2}\n{\"a\":", "x.jsonl"),
            Format::Ndjson
        );
        // Brackets that are not JSON fall through to text.
        assert_eq!(format(b"[nota] esto no es JSON\n", "x"), Format::Txt);
        assert_eq!(format(b"{a},{b}\n{c},{d}\n", "x"), Format::Csv);
    }

    #[test]
    fn markup() {
        for html in [
            &b"<!DOCTYPE html><html><body>hola</body></html>"[..],
            b"  <HTML>\n<head><title>x</title></head>",
            b"<script>alert(1)</script>",
            b"<!-- comentario --><p>hola</p>",
            b"<!-- nunca se cierra",
            b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
            b"\xEF\xBB\xBF<div>hola</div>",
            b"<iframe src=\"https://example.org\"></iframe>",
            b"<a href=x>x</a>",
        ] {
            let d = sniff(html, "datos.csv");
            assert_eq!(d.format, Format::Html, "{}", String::from_utf8_lossy(html));
            assert_eq!(d.media_type(), "text/html");
            assert!(d.format.may_run_script());
        }
        for svg in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>"[..],
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: x -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg width=\"1\"/>",
            b"<?xml version=\"1.0\"?><svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>",
            b"<?xml version=\"1.0\"?><root><svg xmlns=\"http://www.w3.org/2000/svg\"/></root>",
        ] {
            let d = sniff(svg, "logo.png");
            assert_eq!(d.format, Format::Svg, "{}", String::from_utf8_lossy(svg));
            assert_eq!(d.media_type(), "image/svg+xml");
        }
        assert_eq!(
            format(
                b"<?xml version=\"1.0\"?>\n<catalogo><item/></catalogo>",
                "a.xml"
            ),
            Format::Xml
        );
        assert_eq!(
            format(b"<rss version=\"2.0\"><channel></channel></rss>", "a"),
            Format::Xml
        );
        assert_eq!(
            format(
                b"<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"></kml>",
                "a.kml"
            ),
            Format::Kml
        );
        // Text that merely starts with "<" is not markup.
        assert_eq!(format(b"<5 anos,10\n5-9 anos,20\n", "x"), Format::Csv);
        assert_eq!(format(b"< no es una etiqueta", "x"), Format::Txt);
        // Script in plain text is treated as HTML; in a table it stays a table.
        assert_eq!(
            format(b"hola\n<script>alert(1)</script>\n", "leeme.txt"),
            Format::Html
        );
        assert_eq!(
            format(b"id,nota\n1,<script>x</script>\n2,ok\n", "x.csv"),
            Format::Csv
        );
    }

    #[test]
    fn delimited_text() {
        let d = sniff(b"clave,municipio\n15001,Acambay\n15002,Acolman\n", "m");
        assert_eq!(
            (d.format, d.delimiter, d.encoding),
            (Format::Csv, Some(b','), Some(TextEncoding::Utf8))
        );
        assert!(d.is_tabular());
        assert_eq!(d.media_type(), "text/csv");
        let d = sniff(b"a\tb\tc\n1\t2\t3\n4\t5\t6\n", "x.txt");
        assert_eq!((d.format, d.delimiter), (Format::Tsv, Some(b'\t')));
        assert_eq!(d.media_type(), "text/tab-separated-values");
        assert_eq!(sniff(b"a|b\n1|2\n3|4\n", "x").delimiter, Some(b'|'));
        // Decimal commas inside a ;-separated file.
        assert_eq!(sniff(b"x;y\n1,5;2,5\n3,5;4,5\n", "x").delimiter, Some(b';'));
        // Commas inside quotes, and a quoted line break.
        let quoted = b"id,texto,n\n1,\"uno, dos\",3\n2,\"tres\ncuatro\",5\n3,\"\"\"x\"\", y\",6\n";
        assert_eq!(sniff(quoted, "x").delimiter, Some(b','));
        // Prose is not a table.
        let prose = "Hola, ¿cómo estás? Bien, gracias, ¿y tú?\nNada nuevo por aquí.\nEl informe, sin embargo, llegó tarde, como siempre.\n";
        assert_eq!(format(prose.as_bytes(), "carta.txt"), Format::Txt);
        // One column, or ragged rows: the name settles it, the bytes still must be text.
        assert_eq!(format(b"nombre\nAna\nLuis\n", "nombres.csv"), Format::Csv);
        assert_eq!(format(b"nombre\nAna\nLuis\n", "nombres.txt"), Format::Txt);
        assert_eq!(format(b"a,b,c\n1,2\n3,4,5,6\n", "x.csv"), Format::Csv);
        assert_eq!(format(b"", "vacio.csv"), Format::Txt);
        // A cut last record is left out.
        let mut long = b"a,b,c\n".repeat(2000);
        long.extend_from_slice(b"1,2");
        assert_eq!(sniff(&long[..SNIFF_LEN], "x").delimiter, Some(b','));
    }

    #[test]
    fn encodings() {
        let d = sniff("año,número\n2020,1\n".as_bytes(), "x");
        assert_eq!(d.encoding, Some(TextEncoding::Utf8));
        let d = sniff(b"\xEF\xBB\xBFa\xC3\xB1o,n\n1,2\n", "x");
        assert_eq!(
            (d.format, d.encoding),
            (Format::Csv, Some(TextEncoding::Utf8))
        );
        // Latin-1 and Windows-1252.
        let d = sniff(b"A\xD1O,DA\xD1O\n1997,\x93robo\x94\n", "x");
        assert_eq!(
            (d.format, d.encoding),
            (Format::Csv, Some(TextEncoding::Windows1252))
        );
        assert_eq!(TextEncoding::Windows1252.label(), "windows-1252");
        // UTF-16 with a byte-order mark, both ways.
        let le: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain(
                "id,nombre\r\n1,Zürich\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let d = sniff(&le, "x");
        assert_eq!(
            (d.format, d.encoding),
            (Format::Csv, Some(TextEncoding::Utf16Le))
        );
        let be: Vec<u8> = b"\xFE\xFF"
            .iter()
            .copied()
            .chain("{\"a\": \"ñ\"}".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(sniff(&be, "x").format, Format::Json);
        // A multi-byte character cut by the end of the sample.
        let mut cut = "municipio,año\n".repeat(700).into_bytes();
        cut.truncate(SNIFF_LEN);
        while std::str::from_utf8(&cut).is_ok() {
            cut.pop();
        }
        let d = sniff(&cut, "x");
        assert_eq!(
            (d.format, d.encoding),
            (Format::Csv, Some(TextEncoding::Utf8))
        );
    }

    #[test]
    fn binary_is_never_text() {
        let garbage = b"id,name\n1,\x00\x01\x02\x03\x04\n2,\x05\x06\x07\x08\n";
        let d = sniff(garbage, "datos.csv");
        assert_eq!(d.format, Format::Binary);
        assert_eq!(d.media_type(), "application/octet-stream");
        assert!(!d.is_tabular());
        // Control bytes without NULs, named .csv.
        assert_eq!(
            format(b"a,b\n\x01\x02,\x03\x04\n\x05,\x06\n", "x.csv"),
            Format::Binary
        );
        // Single-byte text may not have one control character.
        assert_eq!(format(b"a,b\n\xD1\x07,c\n1,2\n", "x.csv"), Format::Binary);
        // Binary after a UTF-16 mark is still binary.
        let mut noise = vec![0xFF, 0xFE];
        noise.extend((0u32..4000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert_eq!(format(&noise, "x.csv"), Format::Binary);
    }

    #[test]
    fn extension_of_names() {
        assert_eq!(extension("a/b.c/Datos.CSV"), "csv");
        assert_eq!(extension("C:\\x\\libro.xls"), "xls");
        assert_eq!(extension(".csv"), "");
        assert_eq!(extension("sin"), "");
        assert_eq!(extension(""), "");
    }

    #[test]
    fn eu_file_types_exist() {
        // Every code we emit is in the EU table, when the table is at hand.
        let Some(table) = shared_file("standards/dcat-ap-3/vocabularies/filetypes-skos.rdf") else {
            return;
        };
        let table = std::fs::read_to_string(table).expect("readable");
        for format in ALL_FORMATS {
            if let Some(code) = format.eu_file_type() {
                let uri = format!("file-type/{code}\"");
                assert!(table.contains(&uri), "{code} not in the EU table");
            }
        }
    }

    const ALL_FORMATS: [Format; 26] = [
        Format::Csv,
        Format::Tsv,
        Format::Xlsx,
        Format::Xls,
        Format::Ods,
        Format::Json,
        Format::GeoJson,
        Format::Ndjson,
        Format::Xml,
        Format::Kml,
        Format::Pdf,
        Format::Zip,
        Format::Gzip,
        Format::Docx,
        Format::Odt,
        Format::Doc,
        Format::Png,
        Format::Jpeg,
        Format::Gif,
        Format::Webp,
        Format::Html,
        Format::Svg,
        Format::Txt,
        Format::Parquet,
        Format::OleStorage,
        Format::Binary,
    ];

    #[test]
    fn names_and_media_types_are_distinct() {
        let names: std::collections::HashSet<_> = ALL_FORMATS.iter().map(|f| f.name()).collect();
        let types: std::collections::HashSet<_> =
            ALL_FORMATS.iter().map(|f| f.media_type()).collect();
        assert_eq!(names.len(), ALL_FORMATS.len());
        assert_eq!(types.len(), ALL_FORMATS.len());
    }

    // --- property-style: arbitrary bytes never panic -----------------------

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Prefixes that steer the sniffer into each of its branches.
        let prefixes: [&[u8]; 14] = [
            b"",
            b"PK\x03\x04",
            CFB_MAGIC,
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE\xFF",
            b"{",
            b"[",
            b"<",
            b"<?xml ",
            b"<!--",
            b"\"",
            b"PAR1",
            b"a,b\n",
        ];
        let alphabet = b",;|\t\"\n\r{}[]<>!?-/:=abc \x00\xC3\xA9\xFF";
        for round in 0..3000 {
            let len = rng.below(if round % 10 == 0 {
                SNIFF_LEN + 100
            } else {
                300
            });
            let mut bytes = prefixes[rng.below(prefixes.len())].to_vec();
            let textual = round % 2 == 0;
            bytes.extend((0..len).map(|_| {
                if textual {
                    alphabet[rng.below(alphabet.len())]
                } else {
                    rng.next() as u8
                }
            }));
            let names = ["x.csv", "x.xls", "x.xlsx", "x.docx", "x", ""];
            let d = sniff(&bytes, names[rng.below(names.len())]);
            assert!(!d.media_type().is_empty());
            if d.format == Format::Csv || d.format == Format::Tsv {
                assert!(d.delimiter.is_some());
                assert!(d.encoding.is_some());
            }
        }
    }

    #[test]
    fn random_binary_named_csv_is_never_a_table() {
        let mut rng = Rng(42);
        for _ in 0..500 {
            let bytes: Vec<u8> = (0..2048).map(|_| rng.next() as u8).collect();
            let d = sniff(&bytes, "datos.csv");
            assert!(!d.is_tabular(), "{:?}", d);
            assert!(d.encoding.is_none(), "{:?}", d);
        }
    }

    // --- real files from shared/ --------------------------------------------

    /// `shared/data/<rel>`: beside the repository (as CI clones it), or in
    /// the workplace's `/work/shared`.
    fn shared_file(rel: &str) -> Option<PathBuf> {
        let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data")
            .join(rel);
        let work = PathBuf::from("/work/shared/data").join(rel);
        let found = [beside, work].into_iter().find(|p| p.exists());
        if found.is_none() {
            println!("shared/data/{rel} is not here; skipping");
        }
        found
    }

    fn sniff_file(dir: &str, name: &str) -> Option<Detected> {
        let path = shared_file(&format!("{dir}/{name}"))?;
        let bytes = std::fs::read(&path).expect("readable");
        let n = bytes.len().min(SNIFF_LEN);
        Some(sniff(&bytes[..n], name))
    }

    #[test]
    fn real_government_files() {
        use Format::*;
        use TextEncoding::*;
        let cases: [(&str, Format, Option<TextEncoding>); 13] = [
            (
                "sesnsp_incidencia_fuero_comun_estatal_1997-2017.csv",
                Csv,
                Some(Windows1252),
            ),
            (
                "sat_listado_completo_69-B_2022-11-30.csv",
                Csv,
                Some(Windows1252),
            ),
            (
                "conapo_proyecciones_municipios_2010-2030_edomex.xlsx",
                Xlsx,
                None,
            ),
            ("conapo_indice_marginacion_municipal_2020.xls", Xls, None),
            ("coneval_anexo_estadistico_entidades_2022.xlsx", Xlsx, None),
            (
                "pnt_conacyt_art70_frVIII_remuneraciones_2019.xlsx",
                Xlsx,
                None,
            ),
            (
                "pnt_conacyt_art70_frII_estructura_organica_2019t1.csv",
                Csv,
                Some(Windows1252),
            ),
            ("cdmx_mapa_ingresos_parquimetros.csv", Csv, Some(Utf8)),
            ("cdmx_diagnostico_ciudad_en_el_mundo.csv", Csv, Some(Utf8)),
            ("cdmx_estaciones_ecobici.csv", Csv, Some(Utf8)),
            ("cdmx_ecobici_viajes_2012-09.csv", Csv, Some(Utf8)),
            (
                "inegi_consulta_accidentes_transito_1997-2021.csv",
                Csv,
                Some(Windows1252),
            ),
            ("cdmx_ssp_cuadrantes_2015.geojson", GeoJson, Some(Utf8)),
        ];
        for (name, format, encoding) in cases {
            let Some(d) = sniff_file("real", name) else {
                return;
            };
            assert_eq!((d.format, d.encoding), (format, encoding), "{name}");
            if format == Csv {
                assert_eq!(d.delimiter, Some(b','), "{name}");
            }
            // The bytes alone say it: the name plays no part.
            let path = shared_file(&format!("real/{name}")).expect("found above");
            let bytes = std::fs::read(path).expect("readable");
            let anonymous = sniff(&bytes[..bytes.len().min(SNIFF_LEN)], "subida");
            assert_eq!(anonymous, d, "{name} without its name");
        }
    }

    #[test]
    fn frictionless_fixtures() {
        use Format::*;
        use TextEncoding::*;
        let cases: [(&str, Format, TextEncoding, u8); 14] = [
            ("utf16le-bom.csv", Csv, Utf16Le, b','),
            ("latin1.csv", Csv, Windows1252, b','),
            ("windows-1252.csv", Csv, Windows1252, b','),
            ("semicolon-decimal-comma.csv", Csv, Utf8, b';'),
            ("table-with-accents.csv", Csv, Windows1252, b';'),
            ("delimiter.csv", Csv, Utf8, b';'),
            ("invalid-utf8.csv", Csv, Utf8, b','),
            ("bom.csv", Csv, Utf8, b','),
            ("quoted-newlines.csv", Csv, Utf8, b','),
            ("mixed-line-endings.csv", Csv, Utf8, b','),
            ("escaping.csv", Csv, Utf8, b','),
            ("issue-1066-smallcellsize.csv", Csv, Utf8, b','),
            ("table-infer-iso-8859-7.csv", Csv, Windows1252, b','),
            ("issue-1478/table.csv", Csv, Utf8, b'|'),
        ];
        for (name, format, encoding, delimiter) in cases {
            let Some(d) = sniff_file("frictionless", name) else {
                return;
            };
            assert_eq!(
                (d.format, d.encoding, d.delimiter),
                (format, Some(encoding), Some(delimiter)),
                "{name}"
            );
        }
        // Ragged on purpose: a table because the name says so.
        for name in [
            "defective-rows.csv",
            "invalid.csv",
            "structure-errors.csv",
            "blank-rows.csv",
        ] {
            let Some(d) = sniff_file("frictionless", name) else {
                return;
            };
            assert_eq!(d.format, Csv, "{name}");
        }
        // JSON beside the CSVs.
        let Some(d) = sniff_file("frictionless", "unique-field.json") else {
            return;
        };
        assert_eq!(d.format, Json);
    }
}
