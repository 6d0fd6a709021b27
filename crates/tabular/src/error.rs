//! The one error type of the engine: each variant is a reason to stop reading a
//! file, and its `Display` is one Spanish sentence a publisher can act on.

/// Why a file could not be read to the end. Findings that do not stop the
/// reading (a wrong cell, a short row) are not errors: they go to the `Report`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("La lectura del archivo se canceló.")]
    Cancelled,
    #[error("No se pudo leer el archivo: {0}")]
    Io(#[from] std::io::Error),
    #[error("El archivo no parece una tabla de datos: {0}")]
    NotTabular(String),
    #[error("La fila {row} tiene más de {limit} columnas; no parece una tabla válida.")]
    TooManyColumns { row: u64, limit: usize },
    #[error(
        "Una celda de la fila {row} pasa de {limit} bytes; el archivo no se puede procesar así."
    )]
    CellTooLarge { row: u64, limit: usize },
    #[error("La fila {row} pasa de {limit} bytes; el archivo no se puede procesar así.")]
    RowTooLarge { row: u64, limit: usize },
    #[error("El archivo tiene más de {limit} filas, el máximo permitido.")]
    TooManyRows { limit: u64 },
    #[error("El archivo comprimido «{entry}» se expande a un tamaño desproporcionado ({detail}); no se abrirá.")]
    ZipBomb { entry: String, detail: String },
    #[error("No se pudo leer la hoja de cálculo: {0}")]
    Spreadsheet(String),
    #[error("El esquema no es válido: {0}")]
    Schema(String),
    #[error("La codificación «{0}» no se reconoce.")]
    UnknownEncoding(String),
    #[error("El archivo está vacío: no tiene ninguna fila.")]
    Empty,
}
