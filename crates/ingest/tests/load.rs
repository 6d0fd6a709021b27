//! `load_path` on both backends: a file whose first rows tell the truth is
//! read once; one whose types change late, or whose dictionary retypes a
//! column, is loaded with what the whole file (and the dictionary) say.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;

use common::datastore;
use ingest::datastore::Datastore;
use ingest::job::{load_path, Loaded, Watch};
use ingest::query::{Query, RecordsFormat};
use serde_json::json;

fn csv(text: &str) -> tempfile::TempPath {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f.into_temp_path()
}

async fn load(ds: &Datastore, version: i64, text: &str, dictionary: &[(&str, &str)]) -> Loaded {
    let path = csv(text);
    let dictionary: Vec<(String, String)> = dictionary
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let options = tabular::Options::default();
    load_path(ds, version, &path, &options, &dictionary, &Watch::default())
        .await
        .unwrap()
}

async fn last(ds: &Datastore, loaded: &Loaded, version: i64) -> serde_json::Value {
    let columns = ingest::job::columns_of(&loaded.analysis.schema);
    let query = Query {
        filters: vec![],
        q: None,
        fields: vec![],
        sort: vec![],
        limit: 1,
        offset: loaded.rows.saturating_sub(1),
        include_total: true,
        format: RecordsFormat::Objects,
        after_id: None,
    };
    let found = ds.search(version, &columns, &query).await.unwrap();
    assert_eq!(found.total, Some(loaded.rows as i64));
    // Records are lists: `_id`, then the columns in order.
    let record = &found.records[0];
    let mut row = serde_json::Map::new();
    for (i, c) in columns.iter().enumerate() {
        row.insert(c.name.clone(), record[i + 1].clone());
    }
    serde_json::Value::Object(row)
}

#[tokio::test]
async fn a_file_its_first_rows_describe_is_read_once() {
    let (_t, ds) = datastore().await;
    let mut text = String::from("clave,municipio,monto\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "{:05},Tultitlán {i},\"1,{:03}.25\"\n",
            i,
            i % 1000
        ));
    }
    let loaded = load(&ds, 1, &text, &[]).await;
    assert_eq!(loaded.reads, 1);
    assert_eq!(loaded.rows, 5000);
    let row = last(&ds, &loaded, 1).await;
    assert_eq!(row["clave"], json!("04999"));
    assert_eq!(row["municipio"], json!("Tultitlán 4999"));
    assert_eq!(row["monto"], json!(1999.25));
}

#[tokio::test]
async fn a_type_that_changes_late_is_loaded_as_the_whole_file_says() {
    let (_t, ds) = datastore().await;
    let mut text = String::from("id,valor\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("5000,12.75\n");
    let loaded = load(&ds, 2, &text, &[]).await;
    assert_eq!(loaded.reads, 2, "the guess (integers) was overturned");
    assert_eq!(loaded.rows, 5001);
    assert_eq!(last(&ds, &loaded, 2).await["valor"], json!(12.75));
}

#[tokio::test]
async fn the_dictionary_retypes_a_column_without_a_third_read() {
    let (_t, ds) = datastore().await;
    let mut text = String::from("clave,nombre\n");
    for i in 0..3000 {
        text.push_str(&format!("{},Municipio {i}\n", i + 15001));
    }
    // The publisher says the key is text: loaded as text, read twice at most.
    let loaded = load(&ds, 3, &text, &[("clave", "string")]).await;
    assert!(loaded.reads <= 2, "{} reads", loaded.reads);
    assert_eq!(last(&ds, &loaded, 3).await["clave"], json!("18000"));
    assert!(loaded.analysis.report.valid);
}
