//! The data dictionary of a resource: a form for the body's editors (rows of
//! field, type, description and unit; works without JavaScript) and the table
//! everyone sees on the resource page.

use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::authz::Subject;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::Serialize;

use crate::domain::dictionary::{self, RowErrors, TYPES};
use crate::domain::table_schema;
use crate::http::resources::UPLOAD;
use crate::store::{self, DictionaryField};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/datos/{slug}/recursos/{resource}/diccionario",
            &UPLOAD,
            form,
        )
        .post(
            "/datos/{slug}/recursos/{resource}/diccionario",
            &UPLOAD,
            save,
        )
        .post(
            "/datos/{slug}/recursos/{resource}/esquema",
            &UPLOAD,
            upload_schema,
        )
        .post(
            "/datos/{slug}/recursos/{resource}/esquema/quitar",
            &UPLOAD,
            remove_schema,
        )
}

/// Empty rows offered below the existing ones (no JavaScript needed).
const SPARE_ROWS: usize = 5;

#[derive(Serialize)]
struct Row {
    index: usize,
    field: DictionaryField,
    error: Option<String>,
}

async fn target(
    ctx: &Ctx,
    slug: &str,
    resource: &str,
) -> Result<(store::Dataset, store::Resource), Error> {
    let d = crate::http::datasets::visible(ctx, slug).await?;
    if d.deleted_at.is_some() {
        return Err(Error::not_found());
    }
    ctx.authorize(&UPLOAD, Subject::Body(d.body_id))?;
    let r = store::resource_by_slug(&ctx.state.db, d.id, resource)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok((d, r))
}

/// The dictionary form, and below it the uploaded Table Schema (if any) and
/// why the last upload was refused (if it was).
async fn render(
    ctx: &Ctx,
    d: &store::Dataset,
    r: &store::Resource,
    fields: Vec<DictionaryField>,
    errors: &RowErrors,
    schema_error: Option<String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let schema = store::table_schema_of(&ctx.state.db, r.id).await?.map(|t| {
        serde_json::from_str::<serde_json::Value>(&t)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or(t)
    });
    let count = fields.len();
    let mut rows: Vec<Row> = fields
        .into_iter()
        .enumerate()
        .map(|(index, field)| Row {
            index,
            error: errors.get(&index).map(|k| ctx.t(k)),
            field,
        })
        .collect();
    for index in count..count + SPARE_ROWS {
        rows.push(Row {
            index,
            field: DictionaryField {
                name: String::new(),
                field_type: "string".into(),
                description: String::new(),
                unit: String::new(),
            },
            error: None,
        });
    }
    let mut res = ctx.render(
        "catalog/dictionary.html",
        context! {
            d => d, r => r, rows => rows, types => TYPES, has_errors => !errors.is_empty(),
            schema => schema, schema_error => schema_error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn form(ctx: Ctx, Path((slug, resource)): Path<(String, String)>) -> Result<Response, Error> {
    let (d, r) = target(&ctx, &slug, &resource).await?;
    let fields = store::dictionary_of(&ctx.state.db, r.id).await?;
    render(
        &ctx,
        &d,
        &r,
        fields,
        &RowErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// A Table Schema, as a file (`schema_file`) or pasted (`schema_text`): it
/// becomes the dictionary and every new version is validated against it.
async fn upload_schema(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, Error> {
    let (d, r) = target(&ctx, &slug, &resource).await?;
    let mut text = String::new();
    let mut refused = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                refused = Some(ctx.t("catalog-schema-error-read"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "schema_file" && name != "schema_text" {
            continue;
        }
        let bytes = read_capped(field, table_schema::MAX_BYTES + 1).await;
        match bytes.map(String::from_utf8) {
            Ok(Ok(t)) if !t.trim().is_empty() => text = t,
            Ok(Ok(_)) => {}
            Ok(Err(_)) => refused = Some(ctx.t("catalog-schema-error-utf8")),
            Err(()) => refused = Some(ctx.t("catalog-schema-error-read")),
        }
    }
    let outcome = match refused {
        Some(e) => Err(e),
        None if text.trim().is_empty() => Err(ctx.t("catalog-schema-error-empty")),
        None => table_schema::read(&text),
    };
    match outcome {
        Ok((schema, json)) => {
            let fields = table_schema::dictionary(&schema);
            let mut tx = ctx.state.db.begin().await?;
            store::replace_dictionary(&mut tx, &ctx.actor, r.id, &fields).await?;
            store::set_table_schema(&mut tx, &ctx.actor, r.id, Some(&json)).await?;
            crate::search::changed(&mut tx, &ctx.state, r.dataset_id, Some(r.id)).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/datos/{slug}/recursos/{resource}/diccionario#esquema"
            ))
            .into_response())
        }
        Err(error) => {
            let fields = store::dictionary_of(&ctx.state.db, r.id).await?;
            render(
                &ctx,
                &d,
                &r,
                fields,
                &RowErrors::new(),
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// At most `limit` bytes of a multipart field (the rest is not read: a
/// caller passing one byte more than it accepts sees that it was too long);
/// `Err` when the field is broken.
async fn read_capped(
    mut field: axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<Vec<u8>, ()> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
        if out.len() + chunk.len() > limit {
            // Too long: the schema reader says so in its own words.
            out.extend_from_slice(&chunk[..limit.saturating_sub(out.len())]);
            return Ok(out);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

async fn remove_schema(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (_, r) = target(&ctx, &slug, &resource).await?;
    let mut tx = ctx.state.db.begin().await?;
    store::set_table_schema(&mut tx, &ctx.actor, r.id, None).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/datos/{slug}/recursos/{resource}/diccionario#esquema"
    ))
    .into_response())
}

async fn save(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let (d, r) = target(&ctx, &slug, &resource).await?;
    match dictionary::parse(&pairs) {
        Ok(fields) => {
            let mut tx = ctx.state.db.begin().await?;
            store::replace_dictionary(&mut tx, &ctx.actor, r.id, &fields).await?;
            // A dictionary typed by hand replaces an uploaded schema.
            store::set_table_schema(&mut tx, &ctx.actor, r.id, None).await?;
            crate::search::changed(&mut tx, &ctx.state, d.id, Some(r.id)).await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/datos/{slug}/recursos/{resource}#diccionario"))
                    .into_response(),
            )
        }
        Err((fields, errors)) => {
            render(
                &ctx,
                &d,
                &r,
                fields,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
