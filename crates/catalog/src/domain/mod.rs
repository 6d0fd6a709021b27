//! Pure rules of the catalog: vocabularies (themes, licences, frequencies),
//! file-type detection from the bytes, Markdown rendering with sanitising, and
//! dataset metadata validation.

pub mod dataset;
pub mod dictionary;
pub mod markdown;
pub mod sniff;
pub mod table_schema;
pub mod vocab;
pub mod workflow;
