//! The one error type of the search engines. `Display` is a Spanish sentence
//! (it ends up in logs and, for the query errors, in API answers).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The directory holds no index (or does not exist): create one and reindex.
    #[error("No hay índice de búsqueda en {}.", path.display())]
    Missing { path: PathBuf },
    /// The index exists but cannot be used (damaged files, other schema
    /// version): wipe it with `TantivyEngine::create` and reindex.
    #[error("El índice de búsqueda en {} está dañado o es de otra versión: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    /// Another process holds the index writer lock.
    #[error("El índice de búsqueda en {} está en uso por otro proceso.", path.display())]
    Locked { path: PathBuf },
    /// Refused to wipe a directory that does not look like a search index.
    #[error("{} no parece un índice de búsqueda; no se borrará.", path.display())]
    NotAnIndex { path: PathBuf },
    #[error("Error de lectura o escritura del índice de búsqueda: {0}")]
    Io(#[from] std::io::Error),
    #[error("Error del índice de búsqueda: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("Error de la base de datos de búsqueda: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Error interno del motor de búsqueda: {0}")]
    Internal(String),
}

impl SearchError {
    /// True when the index must be wiped and rebuilt from the database.
    pub fn needs_rebuild(&self) -> bool {
        matches!(
            self,
            SearchError::Missing { .. } | SearchError::Corrupt { .. }
        )
    }
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
