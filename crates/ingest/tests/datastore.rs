//! The datastore on SQLite (a file beside the database) and on PostgreSQL
//! (when `APERTURA_TEST_DATABASE_URL` is set): the same rows in, the same
//! answers out — types, filters, free text, sorting, totals, `_id` paging —
//! and a load that is dropped half-way leaves no table.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::datastore;
use ingest::datastore::{Bind, Column, Kind};
use ingest::query::{Filter, Query, RecordsFormat};
use serde_json::json;
use tabular::Value;

fn columns() -> Vec<Column> {
    vec![
        Column {
            name: "municipio".into(),
            kind: Kind::Text,
        },
        Column {
            name: "población".into(),
            kind: Kind::Integer,
        },
        Column {
            name: "monto".into(),
            kind: Kind::Number,
        },
        Column {
            name: "alojado".into(),
            kind: Kind::Boolean,
        },
        Column {
            name: "fecha".into(),
            kind: Kind::Date,
        },
    ]
}

fn query() -> Query {
    Query {
        filters: vec![],
        q: None,
        fields: vec![],
        sort: vec![],
        limit: 100,
        offset: 0,
        include_total: true,
        format: RecordsFormat::Objects,
        after_id: None,
    }
}

fn row(i: i64) -> Vec<Value> {
    vec![
        Value::Text(if i % 3 == 0 {
            format!("Ñuñoa {i}")
        } else {
            format!("Toluca {i}")
        }),
        Value::Integer(i * 10),
        if i % 7 == 0 {
            Value::Null
        } else {
            Value::Number(i as f64 + 0.5)
        },
        Value::Boolean(i % 2 == 0),
        Value::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(i % 365)),
    ]
}

#[tokio::test]
async fn the_same_answers_on_both_backends() {
    let (_t, ds) = datastore().await;
    let cols = columns();
    let mut loader = ds.begin_load(7, &cols).await.unwrap();
    let rows: Vec<Vec<Value>> = (1..=12_000).map(row).collect();
    for chunk in rows.chunks(4_096) {
        loader.write(chunk.to_vec()).await.unwrap();
    }
    assert_eq!(loader.finish().await.unwrap(), 12_000);

    // Everything, in _id order, with the right JSON types.
    let found = ds.search(7, &cols, &query()).await.unwrap();
    assert_eq!(found.total, Some(12_000));
    assert_eq!(found.records.len(), 100);
    assert_eq!(
        found.records[0],
        vec![
            json!(1),
            json!("Toluca 1"),
            json!(10),
            json!(1.5),
            json!(false),
            json!("2024-01-02")
        ]
    );
    assert_eq!(found.records[6][3], json!(null), "row 7 has no amount");

    // Filters: equality with alternatives, null, booleans; free text with accents.
    let mut q = query();
    q.filters = vec![
        Filter {
            column: 1,
            values: vec![Some(Bind::Int(30)), Some(Bind::Int(60))],
        },
        Filter {
            column: 3,
            values: vec![Some(Bind::Bool(true))],
        },
    ];
    let found = ds.search(7, &cols, &q).await.unwrap();
    assert_eq!(found.total, Some(1));
    assert_eq!(found.records[0][1], json!("Ñuñoa 6"));
    let mut q = query();
    q.filters = vec![Filter {
        column: 2,
        values: vec![None],
    }];
    assert_eq!(
        ds.search(7, &cols, &q).await.unwrap().total,
        Some(12_000 / 7)
    );
    let mut q = query();
    // Every word somewhere in the row, whatever the case and accents.
    let expected = (1..=12_000)
        .filter(|i| i % 3 == 0 && i.to_string().contains("11"))
        .count() as i64;
    for text in ["Ñuñoa 11", "ÑUÑOA 11", "nunoa 11", "11 NUÑOA"] {
        q.q = Some(text.into());
        assert_eq!(
            ds.search(7, &cols, &q).await.unwrap().total,
            Some(expected),
            "{text}: words in any order, case and accents folded"
        );
    }
    q.q = Some("TOLUCA 1199".into());
    let expected = (1..=12_000)
        .filter(|i| i % 3 != 0 && i.to_string().contains("1199"))
        .count() as i64;
    assert_eq!(
        ds.search(7, &cols, &q).await.unwrap().total,
        Some(expected),
        "letters match in any case"
    );
    q.q = Some("Tolúca [1199] *".into());
    assert_eq!(
        ds.search(7, &cols, &q).await.unwrap().total,
        Some(0),
        "brackets and stars are literal"
    );
    q.q = Some("100%".into());
    assert_eq!(
        ds.search(7, &cols, &q).await.unwrap().total,
        Some(0),
        "% is literal"
    );

    // Sorting with nulls first ascending, last descending; selected fields.
    let mut q = query();
    q.sort = vec![(2, true)];
    q.fields = vec![2];
    q.limit = 2;
    let found = ds.search(7, &cols, &q).await.unwrap();
    assert_eq!(found.records[0], vec![json!(12000), json!(12000.5)]);
    let mut q = query();
    q.sort = vec![(2, false)];
    q.limit = 1;
    assert_eq!(
        ds.search(7, &cols, &q).await.unwrap().records[0][3],
        json!(null)
    );

    // Walking the table by _id, as exports do, visits every row once.
    let mut q = query();
    q.limit = 5_000;
    q.include_total = false;
    let mut seen = 0;
    loop {
        let found = ds.search(7, &cols, &q).await.unwrap();
        seen += found.records.len();
        if found.records.len() < 5_000 {
            break;
        }
        q.after_id = found.records.last().unwrap()[0].as_i64();
    }
    assert_eq!(seen, 12_000);
    ds.drop_table(7).await.unwrap();
}

#[tokio::test]
async fn a_load_dropped_half_way_leaves_no_table() {
    let (_t, ds) = datastore().await;
    let cols = columns();
    {
        let mut loader = ds.begin_load(9, &cols).await.unwrap();
        loader
            .write((1..=100).map(row).collect::<Vec<_>>())
            .await
            .unwrap();
        // Dropped without `finish`: the transaction rolls back.
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        ds.search(9, &cols, &query()).await.is_err(),
        "no table ds_v9"
    );
    // A new load of the same version starts clean.
    let mut loader = ds.begin_load(9, &cols).await.unwrap();
    loader
        .write((1..=3).map(row).collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(loader.finish().await.unwrap(), 3);
    assert_eq!(ds.search(9, &cols, &query()).await.unwrap().total, Some(3));
}
