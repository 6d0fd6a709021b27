//! `datastore_search_sql`: a publisher's or developer's own SELECT over
//! resource tables, checked before it runs. The statement is parsed (the
//! `sqlparser` crate), must be exactly one query, may read only resource
//! tables named by their id (`SELECT … FROM "12"`) and call only functions of
//! an allowlist; then each resource's name is bound, in a `WITH` placed in
//! front, to its serving table with the publisher's column names. Anything
//! else is refused with a Spanish sentence saying what.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{visit_expressions, visit_relations, Expr, ObjectName, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::datastore::Column;

/// Longest statement accepted, in bytes.
pub const MAX_SQL: usize = 20_000;
/// Most resource tables one statement may read.
pub const MAX_TABLES: usize = 10;

/// Functions a query may call (lower case): aggregates, text, numbers,
/// dates, null handling — nothing that reads files, loads code or sleeps.
const ALLOWED_FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "total",
    "string_agg",
    "group_concat",
    "lower",
    "upper",
    "length",
    "char_length",
    "substr",
    "substring",
    "trim",
    "ltrim",
    "rtrim",
    "replace",
    "concat",
    "round",
    "abs",
    "ceil",
    "ceiling",
    "floor",
    "coalesce",
    "nullif",
    "ifnull",
    "date",
    "strftime",
    "date_part",
    "date_trunc",
    "extract",
    "instr",
    "position",
    "stddev",
    "variance",
];

/// Why a statement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    #[error("la consulta es demasiado larga (más de {MAX_SQL} caracteres)")]
    TooLong,
    #[error("la consulta no se entiende: {0}")]
    Syntax(String),
    #[error("se admite una sola consulta SELECT")]
    NotOneSelect,
    #[error("la tabla «{0}» no es un recurso; nombre los recursos por su identificador, entre comillas: FROM \"12\"")]
    NotAResource(String),
    #[error("una consulta puede leer como máximo {MAX_TABLES} recursos")]
    TooManyTables,
    #[error("la función «{0}» no está permitida en las consultas")]
    Function(String),
}

/// The resource ids a statement reads (to check who may read them), or why
/// it is refused. CTE names defined by the statement itself are not resources.
pub fn resources(sql: &str) -> Result<Vec<i64>, SqlError> {
    let statement = parse(sql)?;
    let own_ctes = cte_names(&statement);
    let mut ids = BTreeSet::new();
    let mut bad: Option<SqlError> = None;
    let _ = visit_relations(&statement, |name: &ObjectName| {
        let parts: Vec<String> = name.0.iter().map(|p| p.to_string()).collect();
        let plain: Vec<String> = parts
            .iter()
            .map(|p| p.trim_matches('"').to_string())
            .collect();
        if plain.len() == 1 && own_ctes.contains(&plain[0]) {
            return ControlFlow::Continue(());
        }
        match (
            plain.len(),
            plain.first().and_then(|p| p.parse::<i64>().ok()),
        ) {
            (1, Some(id)) if id > 0 => {
                ids.insert(id);
                ControlFlow::Continue(())
            }
            _ => {
                bad = Some(SqlError::NotAResource(parts.join(".")));
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = bad {
        return Err(e);
    }
    let _ = visit_expressions(&statement, |expr: &Expr| {
        if let Expr::Function(f) = expr {
            let name = f.name.to_string().trim_matches('"').to_lowercase();
            if !ALLOWED_FUNCTIONS.contains(&name.as_str()) {
                bad = Some(SqlError::Function(name));
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = bad {
        return Err(e);
    }
    if ids.len() > MAX_TABLES {
        return Err(SqlError::TooManyTables);
    }
    if ids.is_empty() {
        return Err(SqlError::NotAResource(String::new()));
    }
    Ok(ids.into_iter().collect())
}

fn parse(sql: &str) -> Result<Statement, SqlError> {
    if sql.len() > MAX_SQL {
        return Err(SqlError::TooLong);
    }
    let mut statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
        .map_err(|e| SqlError::Syntax(e.to_string()))?;
    if statements.len() != 1 {
        return Err(SqlError::NotOneSelect);
    }
    let statement = statements.remove(0);
    match &statement {
        Statement::Query(q) if read_only(q) => Ok(statement),
        _ => Err(SqlError::NotOneSelect),
    }
}

/// A query that only reads: no `FOR UPDATE`, no `SELECT … INTO`, no
/// data-modifying `WITH`, anywhere in the tree.
fn read_only(q: &sqlparser::ast::Query) -> bool {
    use sqlparser::ast::SetExpr;
    fn body(e: &SetExpr) -> bool {
        match e {
            SetExpr::Select(s) => s.into.is_none(),
            SetExpr::Query(q) => read_only(q),
            SetExpr::SetOperation { left, right, .. } => body(left) && body(right),
            SetExpr::Values(_) | SetExpr::Table(_) => true,
            _ => false,
        }
    }
    q.locks.is_empty()
        && q.with
            .as_ref()
            .is_none_or(|w| w.cte_tables.iter().all(|c| read_only(&c.query)))
        && body(&q.body)
}

fn cte_names(statement: &Statement) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // Nested queries may define their own; collect every WITH in the tree.
    fn walk(q: &sqlparser::ast::Query, names: &mut BTreeSet<String>) {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                names.insert(cte.alias.name.value.clone());
                walk(&cte.query, names);
            }
        }
    }
    if let Statement::Query(q) = statement {
        walk(q, &mut names);
    }
    names
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The statement, with each resource's name bound to its table: `tables`
/// gives, per resource id, the physical table and the columns.
pub fn rewrite(sql: &str, tables: &[(i64, String, Vec<Column>)]) -> Result<String, SqlError> {
    let mut statement = parse(sql)?;
    let ctes: Vec<String> = tables
        .iter()
        .map(|(id, table, columns)| {
            let mut select = vec!["_id".to_string()];
            for (i, c) in columns.iter().enumerate() {
                select.push(format!("c{} AS {}", i + 1, quote(&c.name)));
            }
            format!(
                "{} AS (SELECT {} FROM {table})",
                quote(&id.to_string()),
                select.join(", ")
            )
        })
        .collect();
    let prefix = format!("WITH {} SELECT 1", ctes.join(", "));
    let Statement::Query(ours) = parse(&prefix)? else {
        return Err(SqlError::NotOneSelect);
    };
    let Some(our_with) = ours.with.clone() else {
        return Err(SqlError::NotOneSelect);
    };
    if let Statement::Query(q) = &mut statement {
        match &mut q.with {
            Some(with) => {
                let mut all = our_with.cte_tables.clone();
                all.append(&mut with.cte_tables);
                with.cte_tables = all;
            }
            None => q.with = Some(our_with),
        }
    }
    Ok(statement.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datastore::Kind;

    #[test]
    fn one_select_over_resources_by_id() {
        assert_eq!(resources("SELECT * FROM \"12\"").unwrap(), vec![12]);
        assert_eq!(
            resources("SELECT a.x, count(*) FROM \"3\" a JOIN \"4\" b ON a._id = b._id GROUP BY 1")
                .unwrap(),
            vec![3, 4]
        );
        assert_eq!(
            resources("WITH t AS (SELECT * FROM \"5\") SELECT max(\"población\") FROM t").unwrap(),
            vec![5]
        );
    }

    #[test]
    fn everything_else_is_refused_in_spanish() {
        let e = |s: &str| resources(s).unwrap_err();
        assert_eq!(e("DELETE FROM \"12\""), SqlError::NotOneSelect);
        assert_eq!(e("SELECT 1; DROP TABLE users"), SqlError::NotOneSelect);
        assert_eq!(
            e("SELECT * FROM users"),
            SqlError::NotAResource("users".into())
        );
        assert_eq!(
            e("SELECT * FROM public.\"12\""),
            SqlError::NotAResource("public.\"12\"".into())
        );
        assert_eq!(
            e("SELECT * FROM ds_v7"),
            SqlError::NotAResource("ds_v7".into())
        );
        assert_eq!(e("SELECT * FROM \"12\" FOR UPDATE"), SqlError::NotOneSelect);
        assert_eq!(e("SELECT * INTO copia FROM \"12\""), SqlError::NotOneSelect);
        assert_eq!(
            e("WITH x AS (DELETE FROM \"12\" RETURNING *) SELECT * FROM x"),
            SqlError::NotOneSelect
        );
        assert_eq!(
            e("SELECT pg_read_file('/etc/passwd') FROM \"1\""),
            SqlError::Function("pg_read_file".into())
        );
        assert_eq!(
            e("SELECT load_extension('x') FROM \"1\""),
            SqlError::Function("load_extension".into())
        );
        assert_eq!(
            e("SELECT pg_sleep(100)"),
            SqlError::Function("pg_sleep".into())
        );
        assert!(matches!(e("SELEKT *"), SqlError::Syntax(_)));
        assert_eq!(
            e(&format!("SELECT '{}' FROM \"1\"", "x".repeat(MAX_SQL))),
            SqlError::TooLong
        );
        let many = (1..=11)
            .map(|i| format!("SELECT * FROM \"{i}\""))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        assert_eq!(e(&many), SqlError::TooManyTables);
        assert!(e("SELECT * FROM users").to_string().contains("FROM \"12\""));
    }

    #[test]
    fn resources_are_bound_to_their_tables_with_the_publishers_names() {
        let cols = vec![
            Column {
                name: "municipio".into(),
                kind: Kind::Text,
            },
            Column {
                name: "población \"2020\"".into(),
                kind: Kind::Integer,
            },
        ];
        let sql = rewrite(
            "SELECT municipio FROM \"12\" WHERE \"población \"\"2020\"\"\" > 10",
            &[(12, "ds_v40".into(), cols.clone())],
        )
        .unwrap();
        assert!(sql.starts_with(
            "WITH \"12\" AS (SELECT _id, c1 AS \"municipio\", c2 AS \"población \"\"2020\"\"\" FROM ds_v40) SELECT municipio FROM \"12\""
        ), "{sql}");
        let sql = rewrite(
            "WITH t AS (SELECT * FROM \"12\") SELECT count(*) FROM t",
            &[(12, "ds_v40".into(), cols)],
        )
        .unwrap();
        assert!(sql.starts_with("WITH \"12\" AS (SELECT"), "{sql}");
        assert!(sql.contains("), t AS (SELECT * FROM \"12\")"), "{sql}");
    }
}
