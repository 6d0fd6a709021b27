//! Deciding the text encoding from the whole file (not a sample), and decoding
//! each record's cells to UTF-8 with as little copying as possible.
//!
//! The decision: a BOM wins (UTF-8, UTF-16); a file that is valid UTF-8 from
//! the first byte to the last is UTF-8; a file with invalid sequences and no
//! valid multi-byte ones is Windows-1252 (the Latin-1 superset every Mexican
//! office's Excel writes); a file with more valid multi-byte sequences than runs
//! of invalid bytes is UTF-8 with damaged rows, which are reported as
//! `encoding-error` and read as Windows-1252 (instead of the mojibake a
//! single-byte guess would give the whole file).

use std::borrow::Cow;
use std::io::{ErrorKind, Read};

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use crate::parser::RawRecord;
use crate::Error;

/// What the scan of the whole file found.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scan {
    pub bytes: u64,
    pub bom: Option<&'static Encoding>,
    /// Valid multi-byte UTF-8 sequences.
    pub multibyte: u64,
    /// Runs of bytes that are not UTF-8.
    pub invalid_runs: u64,
    /// Offset of the first invalid byte.
    pub first_invalid: Option<u64>,
    /// UTF-16 without a BOM, guessed from the zero bytes of ASCII text.
    pub utf16_guess: Option<&'static Encoding>,
}

const HEAD: usize = 64 * 1024;

/// Counts line lengths while scanning: a line longer than the row limit can
/// only be part of a row over the limit, so the scan stops there instead of
/// reading gigabytes first.
struct Lines {
    max: u64,
    current: u64,
    number: u64,
}

impl Lines {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let mut last = 0usize;
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            self.current += (at - last) as u64;
            if self.current > self.max {
                break;
            }
            self.current = 0;
            self.number += u64::from(bytes[at] == b'\n');
            last = at + 1;
        }
        if self.current <= self.max {
            self.current += (bytes.len() - last) as u64;
        }
        if self.current > self.max {
            return Err(Error::RowTooLarge {
                row: self.number + 1,
                limit: self.max as usize,
            });
        }
        Ok(())
    }
}

/// Reads the whole input once; refuses binary files (NUL bytes, control bytes,
/// known binary signatures) with `Error::NotTabular`, and a line longer than
/// `max_line` bytes with `Error::RowTooLarge`.
pub(crate) fn scan<R: Read>(mut input: R, max_line: usize) -> Result<Scan, Error> {
    let mut lines = Lines {
        max: max_line as u64,
        current: 0,
        number: 0,
    };
    let mut scan = Scan::default();
    let mut buf = vec![0u8; 256 * 1024];
    let mut carry = 0usize; // bytes of an incomplete sequence kept at the start of `buf`
    let mut first = true;
    let mut last_invalid_end: Option<u64> = None;
    loop {
        let n = match input.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Io(e)),
        };
        let eof = n == 0;
        let filled = carry + n;
        if first {
            // Fill the head so that the binary checks see enough bytes.
            let mut filled = filled;
            while filled < HEAD.min(buf.len()) {
                match input.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(k) => filled += k,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::Io(e)),
                }
            }
            first = false;
            let head = &buf[..filled.min(HEAD)];
            if let Some(bom) = bom_of(head) {
                scan.bom = Some(bom);
                if bom != UTF_8 {
                    scan.bytes = filled as u64 + count_rest(&mut input)?;
                    return Ok(scan);
                }
            } else {
                check_binary(head, &mut scan)?;
                if scan.utf16_guess.is_some() {
                    scan.bytes = filled as u64 + count_rest(&mut input)?;
                    return Ok(scan);
                }
            }
            lines.feed(&buf[..filled])?;
            let consumed = scan_utf8(
                &buf[..filled],
                filled == 0,
                &mut scan,
                &mut last_invalid_end,
            );
            buf.copy_within(consumed..filled, 0);
            carry = filled - consumed;
            scan.bytes = filled as u64 - carry as u64;
            if filled == 0 {
                break;
            }
            continue;
        }
        lines.feed(&buf[carry..filled])?;
        let base = scan.bytes;
        let consumed = scan_utf8_at(&buf[..filled], eof, &mut scan, &mut last_invalid_end, base);
        scan.bytes += consumed as u64;
        buf.copy_within(consumed..filled, 0);
        carry = filled - consumed;
        if eof {
            break;
        }
    }
    Ok(scan)
}

fn count_rest<R: Read>(input: &mut R) -> Result<u64, Error> {
    Ok(std::io::copy(input, &mut std::io::sink())?)
}

fn scan_utf8(data: &[u8], eof: bool, scan: &mut Scan, last: &mut Option<u64>) -> usize {
    scan_utf8_at(data, eof, scan, last, 0)
}

/// Scans `data` (which starts at offset `base`); returns how many bytes were
/// consumed (an incomplete sequence at the end is left unless `eof`).
fn scan_utf8_at(
    data: &[u8],
    eof: bool,
    scan: &mut Scan,
    last_invalid_end: &mut Option<u64>,
    base: u64,
) -> usize {
    let mut at = 0usize;
    loop {
        let rest = &data[at..];
        match std::str::from_utf8(rest) {
            Ok(s) => {
                scan.multibyte += count_leads(s.as_bytes());
                return data.len();
            }
            Err(e) => {
                let valid = e.valid_up_to();
                scan.multibyte += count_leads(&rest[..valid]);
                let bad_at = base + (at + valid) as u64;
                let bad_len = match e.error_len() {
                    Some(len) => len,
                    None if eof => rest.len() - valid,
                    None => return at + valid,
                };
                if *last_invalid_end != Some(bad_at) {
                    scan.invalid_runs += 1;
                }
                scan.first_invalid.get_or_insert(bad_at);
                *last_invalid_end = Some(bad_at + bad_len as u64);
                at += valid + bad_len;
            }
        }
    }
}

fn count_leads(valid: &[u8]) -> u64 {
    if valid.is_ascii() {
        return 0;
    }
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

fn bom_of(head: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(head).map(|(enc, _)| enc)
}

/// Binary garbage named `.csv`: NUL or other control bytes in the first 64 KiB,
/// or the signature of a known binary format.
fn check_binary(head: &[u8], scan: &mut Scan) -> Result<(), Error> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF", "es un documento PDF"),
        (b"PK\x03\x04", "es un archivo comprimido (ZIP o XLSX)"),
        (
            b"\xD0\xCF\x11\xE0",
            "es un archivo de Office antiguo (XLS o DOC)",
        ),
        (b"\x1F\x8B", "es un archivo comprimido con gzip"),
        (b"\x89PNG", "es una imagen PNG"),
        (b"\xFF\xD8\xFF", "es una imagen JPEG"),
        (b"GIF8", "es una imagen GIF"),
        (b"Rar!", "es un archivo comprimido RAR"),
        (b"7z\xBC\xAF", "es un archivo comprimido 7z"),
    ];
    for (magic, what) in SIGNATURES {
        if head.starts_with(magic) {
            return Err(Error::NotTabular(format!(
                "por su contenido {what}, no un texto separado por comas."
            )));
        }
    }
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls > 0 {
        // ASCII text in UTF-16 without a BOM: one zero byte in every pair.
        let pairs = head.len() / 2;
        let even_zero = head
            .chunks_exact(2)
            .filter(|p| p[0] == 0 && p[1] != 0)
            .count();
        let odd_zero = head
            .chunks_exact(2)
            .filter(|p| p[1] == 0 && p[0] != 0)
            .count();
        if pairs >= 4 && odd_zero * 10 >= pairs * 9 {
            scan.utf16_guess = Some(UTF_16LE);
            return Ok(());
        }
        if pairs >= 4 && even_zero * 10 >= pairs * 9 {
            scan.utf16_guess = Some(UTF_16BE);
            return Ok(());
        }
        return Err(Error::NotTabular(
            "contiene bytes nulos, como un archivo binario (imagen, ejecutable, documento comprimido), no un texto separado por comas.".into(),
        ));
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls * 100 > head.len() {
        return Err(Error::NotTabular(
            "contiene demasiados caracteres de control, como un archivo binario, no un texto separado por comas.".into(),
        ));
    }
    Ok(())
}

/// How the bytes of a record become text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Decoding {
    /// UTF-8; rows with invalid bytes are `encoding-error`s. When the encoding
    /// was detected (not forced) those cells are read as Windows-1252.
    Utf8 { forced: bool },
    /// An ASCII-compatible single-byte encoding (Windows-1252, ISO-8859-x…).
    SingleByte(&'static Encoding),
    /// Transcoded to UTF-8 before splitting (UTF-16 and other non-ASCII-compatible).
    Transcoded(&'static Encoding),
}

/// The decision, with what the dialect reports.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    pub decoding: Decoding,
    /// WHATWG name: `UTF-8`, `windows-1252`, `UTF-16LE`.
    pub label: String,
    pub bom_len: usize,
    pub notice: Option<String>,
}

pub(crate) fn decide(scan: &Scan, forced: Option<&str>) -> Result<Decision, Error> {
    if let Some(label) = forced {
        let enc = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| Error::UnknownEncoding(label.to_string()))?;
        let bom_len = match scan.bom {
            Some(b) if b == enc => bom_length(b),
            _ => 0,
        };
        let decoding = if enc == UTF_8 {
            Decoding::Utf8 { forced: true }
        } else if enc.is_ascii_compatible() {
            Decoding::SingleByte(enc)
        } else {
            Decoding::Transcoded(enc)
        };
        return Ok(Decision {
            decoding,
            label: enc.name().to_string(),
            bom_len,
            notice: None,
        });
    }
    if let Some(bom) = scan.bom {
        let decoding = if bom == UTF_8 {
            Decoding::Utf8 { forced: false }
        } else {
            Decoding::Transcoded(bom)
        };
        let notice =
            (bom != UTF_8).then(|| format!("Codificación {} detectada (con BOM)", bom.name()));
        return Ok(Decision {
            decoding,
            label: bom.name().to_string(),
            bom_len: bom_length(bom),
            notice,
        });
    }
    if let Some(enc) = scan.utf16_guess {
        return Ok(Decision {
            decoding: Decoding::Transcoded(enc),
            label: enc.name().to_string(),
            bom_len: 0,
            notice: Some(format!("Codificación {} detectada (sin BOM)", enc.name())),
        });
    }
    if scan.invalid_runs == 0 {
        return Ok(Decision {
            decoding: Decoding::Utf8 { forced: false },
            label: "UTF-8".into(),
            bom_len: 0,
            notice: None,
        });
    }
    if scan.multibyte > scan.invalid_runs {
        return Ok(Decision {
            decoding: Decoding::Utf8 { forced: false },
            label: "UTF-8".into(),
            bom_len: 0,
            notice: Some(
                "El archivo está en UTF-8 pero algunas filas tienen bytes inválidos; esas filas se leyeron como Windows-1252 y se marcaron con error de codificación".into(),
            ),
        });
    }
    Ok(Decision {
        decoding: Decoding::SingleByte(WINDOWS_1252),
        label: WINDOWS_1252.name().to_string(),
        bom_len: 0,
        notice: Some("Codificación Windows-1252 (Latin-1) detectada".into()),
    })
}

fn bom_length(enc: &'static Encoding) -> usize {
    if enc == UTF_8 {
        3
    } else {
        2
    }
}

/// A record decoded to UTF-8: the cells one after another.
#[derive(Debug, Default, Clone)]
pub(crate) struct TextRecord {
    pub text: String,
    pub ends: Vec<usize>,
}

impl TextRecord {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn cell(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }
}

/// Decodes `raw` into `out`. Returns the offset (in the raw byte stream) of the
/// first byte that does not fit the encoding, if any.
pub(crate) fn decode_record(
    decoding: Decoding,
    raw: &RawRecord,
    out: &mut TextRecord,
) -> Option<u64> {
    out.clear();
    let ascii_compatible = match decoding {
        Decoding::Utf8 { .. } | Decoding::Transcoded(_) => true,
        Decoding::SingleByte(_) => raw.bytes.is_ascii(),
    };
    if ascii_compatible {
        if let Ok(text) = std::str::from_utf8(&raw.bytes) {
            out.text.push_str(text);
            out.ends.extend_from_slice(&raw.ends);
            return None;
        }
    }
    let mut bad = None;
    for i in 0..raw.len() {
        let cell = raw.cell(i);
        let text: Cow<'_, str> = match decoding {
            Decoding::SingleByte(enc) => enc.decode_without_bom_handling(cell).0,
            Decoding::Utf8 { .. } | Decoding::Transcoded(_) => match std::str::from_utf8(cell) {
                Ok(s) => Cow::Borrowed(s),
                Err(e) => {
                    let start = if i == 0 { 0 } else { raw.ends[i - 1] };
                    bad.get_or_insert(raw.start + (start + e.valid_up_to()) as u64);
                    if matches!(decoding, Decoding::Utf8 { forced: true }) {
                        String::from_utf8_lossy(cell)
                    } else {
                        WINDOWS_1252.decode_without_bom_handling(cell).0
                    }
                }
            },
        };
        out.push(&text);
    }
    bad
}

/// A `Read` that turns a non-ASCII-compatible encoding (UTF-16) into UTF-8, so
/// that the splitter can work on bytes. encoding_rs gives the decoder; the small
/// buffering around it is all this adds.
pub(crate) struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    finished: bool,
}

impl<R: Read> Transcoder<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Transcoder<R> {
        Transcoder {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 32 * 1024],
            in_pos: 0,
            in_len: 0,
            eof: false,
            output: vec![0; 64 * 1024 + 16],
            out_pos: 0,
            out_len: 0,
            finished: false,
        }
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos == self.out_len {
            if self.finished {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                self.in_pos = 0;
                self.in_len = self.inner.read(&mut self.input)?;
                self.eof = self.in_len == 0;
            }
            let (_, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_pos..self.in_len],
                &mut self.output,
                self.eof,
            );
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && self.in_pos == self.in_len && written == 0 {
                self.finished = true;
            }
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_bytes(bytes: &[u8]) -> Decision {
        decide(&scan(bytes, 1 << 20).unwrap(), None).unwrap()
    }

    #[test]
    fn valid_utf8_latin1_and_mixed_files() {
        assert_eq!(decide_bytes(b"id,name\n1,Zoe\n").label, "UTF-8");
        assert_eq!(decide_bytes("a\nÑandú\n".as_bytes()).label, "UTF-8");
        assert_eq!(decide_bytes(b"A\xd1O\nDA\xd1O\n").label, "windows-1252");
        let mixed = decide_bytes(b"id,name\n1,M\xc3\xbcnchen\n2,K\xc3\xb8benhavn\n3,Bad \xff\xfe byte\n4,Z\xc3\xbcrich\n");
        assert!(matches!(mixed.decoding, Decoding::Utf8 { forced: false }));
        assert!(mixed.notice.is_some());
    }

    #[test]
    fn boms_win() {
        assert_eq!(decide_bytes(b"\xef\xbb\xbfid\n").bom_len, 3);
        assert_eq!(decide_bytes(b"\xff\xfei\x00d\x00").label, "UTF-16LE");
        assert_eq!(
            decide_bytes(b"i\x00d\x00,\x00n\x00\n\x001\x00,\x00a\x00").label,
            "UTF-16LE"
        );
    }

    #[test]
    fn a_sequence_split_across_reads_is_still_valid() {
        // One byte at a time: the scanner must carry incomplete sequences.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let text = "x".repeat(70_000) + "ñandú€\n";
        let s = scan(Trickle(text.as_bytes()), 1 << 20).unwrap();
        assert_eq!(s.invalid_runs, 0);
        assert_eq!(s.multibyte, 3);
        assert_eq!(s.bytes, text.len() as u64);
    }

    #[test]
    fn binary_is_not_tabular() {
        assert!(matches!(
            scan(&b"\x00\x01\x02garbage\x00"[..], 1 << 20),
            Err(Error::NotTabular(_))
        ));
        assert!(matches!(
            scan(&b"%PDF-1.4 ..."[..], 1 << 20),
            Err(Error::NotTabular(_))
        ));
    }

    #[test]
    fn a_line_over_the_row_limit_stops_the_scan() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100));
        assert!(matches!(
            scan(&text[..], 50),
            Err(Error::RowTooLarge { row: 2, .. })
        ));
        assert!(scan(&b"a\r\nbb\r\n"[..], 2).is_ok());
    }

    #[test]
    fn forced_encodings() {
        let s = scan(&b"a\n\xa9\n"[..], 1 << 20).unwrap();
        assert!(matches!(
            decide(&s, Some("utf-8")).unwrap().decoding,
            Decoding::Utf8 { forced: true }
        ));
        assert_eq!(decide(&s, Some("latin1")).unwrap().label, "windows-1252");
        assert!(matches!(
            decide(&s, Some("klingon")),
            Err(Error::UnknownEncoding(_))
        ));
    }

    #[test]
    fn transcodes_utf16() {
        let bytes = b"\xff\xfei\x00d\x00\n\x00\xfc\x00";
        let mut out = String::new();
        Transcoder::new(&bytes[..], UTF_16LE)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "id\nü");
    }
}
