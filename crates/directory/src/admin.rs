//! Administration of the bodies (sujetos obligados) by the institute's
//! platform administrators: `/admin/sujetos-obligados` (all bodies),
//! `/admin/sujetos-obligados/nuevo` (create) and
//! `/admin/sujetos-obligados/{slug}/editar` (edit), with a logo upload.
//!
//! The form is sent as `multipart/form-data` (its CSRF token in the query
//! string, which the kernel checks for multipart) or, without a logo, as an
//! ordinary form. Every create and update is audited in its transaction;
//! bodies are never deleted here.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Form;
use kernel::db::is_unique_violation;
use kernel::text::spanish_sort_key;
use kernel::web::{AppState, Ctx, Routes};
use kernel::Error;
use minijinja::context;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::Deserialize;

use crate::bodies::Choice;
use crate::domain::{self, BodyInput, BODY_KINDS, LOGO_MAX_BYTES};
use crate::http::MANAGE_BODIES;
use crate::store::{self, BodyProfile, LogoChange};

/// Largest body of the form: a logo over its own limit still gets a message
/// beside the field rather than an error page.
pub const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/sujetos-obligados", &MANAGE_BODIES, list_page)
        .get("/admin/sujetos-obligados/nuevo", &MANAGE_BODIES, new_page)
        .route(
            Method::POST,
            "/admin/sujetos-obligados/nuevo",
            &MANAGE_BODIES,
            post(create).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .get(
            "/admin/sujetos-obligados/{slug}/editar",
            &MANAGE_BODIES,
            edit_page,
        )
        .route(
            Method::POST,
            "/admin/sujetos-obligados/{slug}/editar",
            &MANAGE_BODIES,
            post(update).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

/// The fields of the form, in their order on the page.
const FIELDS: [&str; 11] = [
    "name",
    "slug",
    "kind",
    "municipality",
    "hosted",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "logo",
];

/// Messages beside the fields, in the order of the form (one per field), for
/// the templates: `errors.name` and `errors|items` (the error summary).
#[derive(Debug, Default)]
struct Errors(Vec<(&'static str, String)>);

impl Errors {
    fn add(&mut self, field: &'static str, message: String) {
        if self.0.iter().all(|(f, _)| *f != field) {
            self.0.push((field, message));
            self.0
                .sort_by_key(|(f, _)| FIELDS.iter().position(|x| x == f));
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Object for Errors {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        self.0
            .iter()
            .find(|(f, _)| *f == key)
            .map(|(_, m)| Value::from(m.as_str()))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.iter().map(|(f, _)| Value::from(*f)).collect())
    }
}

/// A file sent in the `logo` field.
#[derive(Debug)]
struct Upload {
    bytes: Vec<u8>,
    /// More than [`LOGO_MAX_BYTES`] arrived (the rest was not kept).
    too_large: bool,
}

/// A submitted form: its text fields and, if one was chosen, the logo.
#[derive(Debug)]
pub struct Submitted {
    fields: HashMap<String, String>,
    logo: Option<Upload>,
}

fn rejected(status: StatusCode) -> Error {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Error::user(status, "error-too-large").arg("limit", UPLOAD_LIMIT)
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::user(status, "error-unsupported-media-type"),
        _ => Error::bad_request("error-bad-request"),
    }
}

impl FromRequest<AppState> for Submitted {
    type Rejection = Error;

    async fn from_request(req: Request, state: &AppState) -> Result<Submitted, Error> {
        let is_multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !is_multipart {
            let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|e| rejected(e.status()))?;
            return Ok(Submitted {
                fields: pairs.into_iter().collect(),
                logo: None,
            });
        }
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| rejected(e.status()))?;
        let mut fields = HashMap::new();
        let mut logo = None;
        while let Some(mut field) = multipart
            .next_field()
            .await
            .map_err(|e| rejected(e.status()))?
        {
            let name = field.name().unwrap_or_default().to_string();
            if name != "logo" {
                let text = field.text().await.map_err(|e| rejected(e.status()))?;
                fields.insert(name, text);
                continue;
            }
            let mut upload = Upload {
                bytes: vec![],
                too_large: false,
            };
            while let Some(chunk) = field.chunk().await.map_err(|e| rejected(e.status()))? {
                if upload.too_large {
                    continue;
                }
                if upload.bytes.len() + chunk.len() > LOGO_MAX_BYTES {
                    upload.too_large = true;
                    upload.bytes = vec![];
                } else {
                    upload.bytes.extend_from_slice(&chunk);
                }
            }
            // No file chosen: browsers send an empty part.
            if upload.too_large || !upload.bytes.is_empty() {
                logo = Some(upload);
            }
        }
        Ok(Submitted { fields, logo })
    }
}

impl Submitted {
    fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
    fn checked(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
    fn input(&self) -> BodyInput {
        BodyInput {
            name: self.text("name"),
            slug: self.text("slug"),
            kind: self.text("kind"),
            municipality: self.text("municipality"),
            hosted: self.checked("hosted"),
            description: self.text("description"),
            contact_name: self.text("contact_name"),
            contact_email: self.text("contact_email"),
            contact_phone: self.text("contact_phone"),
            website: self.text("website"),
        }
    }
}

/// What the form shows of an existing body.
fn input_of(b: &BodyProfile) -> BodyInput {
    BodyInput {
        name: b.name.clone(),
        slug: b.slug.clone(),
        kind: b.kind.clone(),
        municipality: b.municipality.clone().unwrap_or_default(),
        hosted: b.hosted,
        description: b.description.clone().unwrap_or_default(),
        contact_name: b.contact_name.clone().unwrap_or_default(),
        contact_email: b.contact_email.clone().unwrap_or_default(),
        contact_phone: b.contact_phone.clone().unwrap_or_default(),
        website: b.website.clone().unwrap_or_default(),
    }
}

/// Admin pages and what was typed in them are not for shared caches.
fn private(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

async fn list_page(ctx: Ctx) -> Result<Response, Error> {
    let mut items = store::body_rows(&ctx.state.db).await?;
    items.sort_by_cached_key(|b| spanish_sort_key(&b.name));
    ctx.render(
        "directory/admin_bodies.html",
        context! { items => items, total => items.len() },
    )
    .map(private)
}

/// The form, new or for `editing`, with what was typed and its errors.
async fn render_form(
    ctx: &Ctx,
    editing: Option<&BodyProfile>,
    input: &BodyInput,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, Error> {
    let threshold = ctx.state.config.small_municipality_threshold;
    let mut municipalities = store::municipalities(&ctx.state.db).await?;
    municipalities.sort_by_cached_key(|m| spanish_sort_key(&m.name));
    let small_badge = ctx.state.i18n.t_args(
        ctx.locale,
        "municipalities-small-badge",
        &kernel::i18n::args([("threshold", kernel::i18n::format_int(threshold))]),
    );
    let municipality_choices: Vec<Choice> = municipalities
        .iter()
        .map(|m| Choice {
            value: m.cvegeo.clone(),
            label: if m.is_small(threshold) {
                format!("{} · {small_badge}", m.name)
            } else {
                m.name.clone()
            },
            selected: input.municipality.trim() == m.cvegeo,
        })
        .collect();
    let kind_choices: Vec<Choice> = BODY_KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).to_string(),
            label: ctx.t(&format!("body-kind-{k}")),
            selected: input.kind.trim() == *k,
        })
        .collect();
    let mut res = ctx.render(
        "directory/admin_body_form.html",
        context! {
            editing => editing,
            values => input,
            errors => Value::from_object(errors),
            kinds => kind_choices,
            municipalities => municipality_choices,
            threshold => threshold,
            logo_version => editing
                .and_then(|b| b.logo_sha256.as_deref())
                .and_then(|s| s.get(..16)),
            name_max => domain::NAME_MAX,
            description_max => domain::DESCRIPTION_MAX,
            contact_name_max => domain::CONTACT_NAME_MAX,
            phone_max => domain::PHONE_MAX,
            website_max => domain::WEBSITE_MAX,
        },
    )?;
    *res.status_mut() = status;
    Ok(private(res))
}

/// Optional choices for a new body, e.g. from a municipality's page.
#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    tipo: Option<String>,
    municipio: Option<String>,
}

async fn new_page(ctx: Ctx, Query(q): Query<NewParams>) -> Result<Response, Error> {
    let threshold = ctx.state.config.small_municipality_threshold;
    let mut input = BodyInput {
        kind: q
            .tipo
            .filter(|k| BODY_KINDS.contains(&k.as_str()))
            .unwrap_or_default(),
        ..BodyInput::default()
    };
    if let Some(cvegeo) = q.municipio.as_deref() {
        if let Some(m) = store::municipality_by_cvegeo(&ctx.state.db, cvegeo).await? {
            input.hosted = domain::hosted_by_default(m.population_2020, threshold);
            input.municipality = m.cvegeo;
        }
    }
    render_form(&ctx, None, &input, Errors::default(), StatusCode::OK).await
}

/// Validates the form and the logo; the logo's bytes if one was sent and is
/// acceptable.
async fn check(
    ctx: &Ctx,
    form: Submitted,
    fixed_slug: Option<&str>,
    errors: &mut Errors,
) -> Result<(BodyInput, Option<domain::BodyData>, Option<Vec<u8>>), Error> {
    let municipalities = store::municipalities(&ctx.state.db).await?;
    let codes: Vec<&str> = municipalities.iter().map(|m| m.cvegeo.as_str()).collect();
    let input = form.input();
    let data = match domain::validate_body(&input, &codes, fixed_slug) {
        Ok(data) => Some(data),
        Err(list) => {
            for (field, key) in list {
                errors.add(field, ctx.t(key));
            }
            None
        }
    };
    let logo = match form.logo {
        None => None,
        Some(Upload {
            too_large: true, ..
        }) => {
            errors.add("logo", ctx.t("body-error-logo-too-large"));
            None
        }
        Some(Upload { bytes, .. }) => match domain::check_logo(&bytes) {
            Ok(_) => Some(bytes),
            Err(key) => {
                errors.add("logo", ctx.t(key));
                None
            }
        },
    };
    Ok((input, data, logo))
}

/// The field that shows a slug clash: the slug if one was typed, else the name.
fn slug_field(input: &BodyInput) -> &'static str {
    if input.slug.trim().is_empty() {
        "name"
    } else {
        "slug"
    }
}

async fn create(ctx: Ctx, form: Submitted) -> Result<Response, Error> {
    let mut errors = Errors::default();
    let (input, data, logo) = check(&ctx, form, None, &mut errors).await?;
    if let Some(d) = &data {
        let mut conn = ctx.state.db.pool().acquire().await?;
        if store::slug_taken(&mut conn, &d.slug).await? {
            errors.add(slug_field(&input), ctx.t("body-error-slug-taken"));
        }
    }
    let Some(data) = data.filter(|_| errors.is_empty()) else {
        return render_form(&ctx, None, &input, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // The bytes first; only then does a row refer to them.
    let logo_sha256 = match logo {
        Some(bytes) => Some(ctx.state.files.put_bytes(Bytes::from(bytes)).await?.sha256),
        None => None,
    };
    let mut tx = ctx.state.db.begin().await?;
    match store::create_body(&mut tx, &ctx.actor, &data, logo_sha256.as_deref()).await {
        Ok(created) => crate::search::changed(&mut tx, &ctx.state, created.id).await?,
        Err(e) if is_unique_violation(&e) => {
            // Someone took the slug a moment ago.
            drop(tx);
            errors.add(slug_field(&input), ctx.t("body-error-slug-taken"));
            return render_form(&ctx, None, &input, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/sujetos-obligados/{}?aviso=creado", data.slug)).into_response())
}

async fn body_or_404(ctx: &Ctx, slug: &str) -> Result<BodyProfile, Error> {
    let mut conn = ctx.state.db.pool().acquire().await?;
    store::body_profile_by_slug(&mut conn, slug)
        .await?
        .ok_or_else(Error::not_found)
}

async fn edit_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let body = body_or_404(&ctx, &slug).await?;
    render_form(
        &ctx,
        Some(&body),
        &input_of(&body),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

async fn update(ctx: Ctx, Path(slug): Path<String>, form: Submitted) -> Result<Response, Error> {
    let body = body_or_404(&ctx, &slug).await?;
    let remove_logo = form.checked("remove_logo");
    let mut errors = Errors::default();
    let (mut input, data, logo) = check(&ctx, form, Some(&body.slug), &mut errors).await?;
    let Some(data) = data.filter(|_| errors.is_empty()) else {
        input.slug = body.slug.clone();
        return render_form(
            &ctx,
            Some(&body),
            &input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let change = match logo {
        Some(bytes) => LogoChange::Set(ctx.state.files.put_bytes(Bytes::from(bytes)).await?.sha256),
        None if remove_logo => LogoChange::Remove,
        None => LogoChange::Keep,
    };
    let mut tx = ctx.state.db.begin().await?;
    store::update_body(&mut tx, &ctx.actor, body.id, &data, &change).await?;
    crate::search::changed(&mut tx, &ctx.state, body.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/sujetos-obligados/{}?aviso=actualizado",
        body.slug
    ))
    .into_response())
}
