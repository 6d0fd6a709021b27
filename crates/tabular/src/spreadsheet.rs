//! XLSX and XLS through calamine: a zip-bomb guard before anything is
//! inflated for calamine, the choice of sheet, and the cells turned into text
//! records so that the rest of the engine treats a sheet like a CSV.

use std::fmt::Write as _;
use std::io::{Read, Seek, SeekFrom};

use calamine::{Data, Range, Reader, SheetVisible, Xls, Xlsx};

use crate::encoding::TextRecord;
use crate::{Error, Format, Limits};

/// Entries bigger than this must not expand more than `MAX_RATIO` times.
const RATIO_FLOOR: u64 = 64 * 1024 * 1024;
const MAX_RATIO: u64 = 250;

/// Refuses an XLSX whose entries declare (or, once inflated, reach) more than
/// `limits.max_uncompressed_bytes` in total, or expand absurdly. Inflates each
/// entry into a counter and stops at the first byte over the limit, so a bomb
/// costs at most the limit in time and nothing in memory.
pub(crate) fn check_zip<R: Read + Seek>(input: &mut R, limits: &Limits) -> Result<(), Error> {
    input.seek(SeekFrom::Start(0))?;
    let mut archive = zip::ZipArchive::new(&mut *input)
        .map_err(|e| Error::Spreadsheet(format!("el archivo XLSX está dañado ({e})")))?;
    let max = limits.max_uncompressed_bytes;
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| Error::Spreadsheet(format!("el archivo XLSX está dañado ({e})")))?;
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        declared_total = declared_total.saturating_add(size);
        if declared_total > max {
            return Err(Error::ZipBomb {
                entry: entry.name().map(|n| n.into_owned()).unwrap_or_default(),
                detail: format!("declara más de {} MiB en total", max / (1024 * 1024)),
            });
        }
        if size > RATIO_FLOOR && size / compressed > MAX_RATIO {
            return Err(Error::ZipBomb {
                entry: entry.name().map(|n| n.into_owned()).unwrap_or_default(),
                detail: format!("{} veces su tamaño comprimido", size / compressed),
            });
        }
    }
    let mut actual_total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| Error::Spreadsheet(format!("el archivo XLSX está dañado ({e})")))?;
        let declared = entry.size();
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut actual: u64 = 0;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::Spreadsheet(format!(
                        "no se pudo descomprimir «{name}» ({e})"
                    )))
                }
            };
            if n == 0 {
                break;
            }
            actual += n as u64;
            actual_total += n as u64;
            if actual > declared || actual_total > max {
                return Err(Error::ZipBomb {
                    entry: name,
                    detail: if actual > declared {
                        format!("declara {declared} bytes pero se expande a más")
                    } else {
                        format!("pasa de {} MiB en total", max / (1024 * 1024))
                    },
                });
            }
        }
    }
    input.seek(SeekFrom::Start(0))?;
    Ok(())
}

/// The chosen sheet.
pub(crate) struct Sheet {
    pub name: String,
    pub names: Vec<String>,
    pub range: Range<Data>,
}

/// Opens the workbook and picks the sheet: the one named, or the first
/// visible sheet with data.
pub(crate) fn open_sheet<R: Read + Seek>(
    input: R,
    format: Format,
    wanted: Option<&str>,
) -> Result<Sheet, Error> {
    match format {
        Format::Xls => {
            let mut wb: Xls<R> = Xls::new(input)
                .map_err(|e| Error::Spreadsheet(format!("no es un archivo XLS válido ({e})")))?;
            pick(&mut wb, wanted)
        }
        _ => {
            let mut wb: Xlsx<R> = Xlsx::new(input)
                .map_err(|e| Error::Spreadsheet(format!("no es un archivo XLSX válido ({e})")))?;
            pick(&mut wb, wanted)
        }
    }
}

fn pick<R, W>(wb: &mut W, wanted: Option<&str>) -> Result<Sheet, Error>
where
    R: Read + Seek,
    W: Reader<R>,
    W::Error: std::fmt::Display,
{
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let names: Vec<String> = meta.iter().map(|(n, _)| n.clone()).collect();
    let load = |wb: &mut W, name: &str| {
        wb.worksheet_range(name)
            .map_err(|e| Error::Spreadsheet(format!("no se pudo leer la hoja «{name}» ({e})")))
    };
    if let Some(wanted) = wanted {
        let name = names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.to_lowercase() == wanted.to_lowercase())
            })
            .cloned()
            .ok_or_else(|| {
                Error::Spreadsheet(format!(
                    "no existe la hoja «{wanted}»; las hojas son: {}",
                    names.join(", ")
                ))
            })?;
        let range = load(wb, &name)?;
        return Ok(Sheet { name, names, range });
    }
    for pass in [true, false] {
        for (name, visible) in &meta {
            if pass && !visible {
                continue;
            }
            let range = load(wb, name)?;
            if range.used_cells().any(|(_, _, d)| !is_empty(d)) {
                return Ok(Sheet {
                    name: name.clone(),
                    names,
                    range,
                });
            }
        }
    }
    Err(Error::Empty)
}

fn is_empty(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => crate::types::trim_ws(s).is_empty(),
        _ => false,
    }
}

/// Writes a cell as the text a CSV export would hold: whole floats without
/// `.0`, dates in ISO 8601.
pub(crate) fn write_cell(out: &mut String, d: &Data) {
    let _ = match d {
        Data::Empty => Ok(()),
        Data::String(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Int(i) => write!(out, "{i}"),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                write!(out, "{}", *f as i64)
            } else {
                write!(out, "{f}")
            }
        }
        Data::Bool(b) => write!(out, "{b}"),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            match dt.as_datetime() {
                Some(v) if dt.is_datetime() && (0.0..1.0).contains(&serial) => {
                    write!(out, "{}", v.time())
                }
                Some(v) if v.time() == chrono::NaiveTime::MIN => write!(out, "{}", v.date()),
                Some(v) => write!(out, "{v}"),
                None => write!(out, "{serial}"),
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Error(e) => write!(out, "{e}"),
    };
}

/// Rows of a sheet as text records, numbered as Excel numbers them.
pub(crate) struct SheetRows {
    range: Range<Data>,
    start_row: u32,
    next: u32,
    end: u32,
    /// Columns (relative to the range) to keep; `None` keeps all.
    pub keep: Option<Vec<usize>>,
    scratch: String,
}

impl SheetRows {
    pub fn new(range: Range<Data>) -> SheetRows {
        let (start_row, end) = match (range.start(), range.end()) {
            (Some(s), Some(e)) => (s.0, e.0 + 1),
            _ => (0, 0),
        };
        SheetRows {
            range,
            start_row,
            next: 0,
            end,
            keep: None,
            scratch: String::new(),
        }
    }

    pub fn rows(&self) -> u64 {
        u64::from(self.end)
    }

    pub fn restart(&mut self) {
        self.next = 0;
    }

    /// Columns (relative to the range) with a non-empty cell at or below
    /// `from_row` (1-based, physical).
    pub fn used_columns(&self, from_row: u64) -> Vec<usize> {
        let mut used = vec![false; self.range.width()];
        for (r, c, d) in self.range.used_cells() {
            if u64::from(self.start_row) + r as u64 + 1 >= from_row && !is_empty(d) {
                used[c] = true;
            }
        }
        used.iter()
            .enumerate()
            .filter(|(_, &u)| u)
            .map(|(i, _)| i)
            .collect()
    }

    /// The next row (its 1-based number), `None` after the last.
    pub fn next_row(&mut self, out: &mut TextRecord) -> Option<u64> {
        if self.next >= self.end {
            return None;
        }
        out.clear();
        let abs = self.next;
        self.next += 1;
        if abs < self.start_row {
            out.push("");
            return Some(u64::from(abs) + 1);
        }
        let r = (abs - self.start_row) as usize;
        let width = self.range.width();
        let columns: Box<dyn Iterator<Item = usize> + '_> = match &self.keep {
            Some(keep) => Box::new(keep.iter().copied()),
            None => Box::new(0..width),
        };
        let mut any = false;
        for c in columns {
            self.scratch.clear();
            if let Some(d) = self.range.get((r, c)) {
                write_cell(&mut self.scratch, d);
            }
            out.push(&self.scratch);
            any = true;
        }
        if !any {
            out.push("");
        }
        Some(u64::from(abs) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_text() {
        let mut s = String::new();
        write_cell(&mut s, &Data::Float(2016.0));
        assert_eq!(s, "2016");
        s.clear();
        write_cell(&mut s, &Data::Float(4589603.83915));
        assert_eq!(s, "4589603.83915");
        s.clear();
        write_cell(&mut s, &Data::Bool(true));
        assert_eq!(s, "true");
    }

    #[test]
    fn rows_before_the_range_are_blank() {
        let mut range = Range::new((2, 1), (3, 2));
        range.set_value((2, 1), Data::String("a".into()));
        range.set_value((3, 2), Data::Int(5));
        let mut rows = SheetRows::new(range);
        let mut rec = TextRecord::default();
        assert_eq!(rows.next_row(&mut rec), Some(1));
        assert_eq!(rec.cell(0), "");
        rows.next_row(&mut rec);
        assert_eq!(rows.next_row(&mut rec), Some(3));
        assert_eq!((rec.cell(0), rec.cell(1)), ("a", ""));
        assert_eq!(rows.next_row(&mut rec), Some(4));
        assert_eq!(rec.cell(1), "5");
        assert_eq!(rows.next_row(&mut rec), None);
        assert_eq!(rows.used_columns(4), vec![1]);
    }
}
