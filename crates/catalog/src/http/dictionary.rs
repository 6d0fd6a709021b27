//! The data dictionary of a resource: a form for the body's editors (rows of
//! field, type, description and unit; works without JavaScript) and the table
//! everyone sees on the resource page.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::authz::Subject;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::Serialize;

use crate::domain::dictionary::{self, RowErrors, TYPES};
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

fn render(
    ctx: &Ctx,
    d: &store::Dataset,
    r: &store::Resource,
    fields: Vec<DictionaryField>,
    errors: &RowErrors,
    status: StatusCode,
) -> Result<Response, Error> {
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
        context! { d => d, r => r, rows => rows, types => TYPES, has_errors => !errors.is_empty() },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn form(ctx: Ctx, Path((slug, resource)): Path<(String, String)>) -> Result<Response, Error> {
    let (d, r) = target(&ctx, &slug, &resource).await?;
    let fields = store::dictionary_of(&ctx.state.db, r.id).await?;
    render(&ctx, &d, &r, fields, &RowErrors::new(), StatusCode::OK)
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
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/datos/{slug}/recursos/{resource}#diccionario"))
                    .into_response(),
            )
        }
        Err((fields, errors)) => render(
            &ctx,
            &d,
            &r,
            fields,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
