//! Pages of the directory: `/municipios` (list, filter, sort, CSV) and
//! `/municipios/{slug}` (a municipality's profile), the actions of the
//! directory, and its whole route table (public bodies' pages are in
//! [`crate::bodies`], their administration in [`crate::admin`]).

use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kernel::authz::{Action, Rule};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::domain::{list, ListQuery, SortKey};
use crate::store;

pub static VIEW_MUNICIPALITIES: Action =
    Action::read("directory.municipalities.view", Rule::Anyone);
/// See the public bodies and their profiles.
pub static VIEW_BODIES: Action = Action::read("directory.bodies.view", Rule::Anyone);
/// Create and edit public bodies: platform administrators only.
pub static MANAGE_BODIES: Action = Action::write("directory.bodies.manage", Rule::Roles(&[]));

pub fn routes() -> Routes {
    municipality_routes()
        .merge(crate::bodies::routes())
        .merge(crate::admin::routes())
}

fn municipality_routes() -> Routes {
    Routes::new()
        .get("/municipios", &VIEW_MUNICIPALITIES, municipalities_page)
        .get("/municipios.csv", &VIEW_MUNICIPALITIES, municipalities_csv)
        .get(
            "/municipios/{slug}",
            &VIEW_MUNICIPALITIES,
            municipality_page,
        )
}

/// Query parameters of the listing, all optional; unknown values fall back to
/// the defaults instead of failing.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    orden: Option<String>,
    dir: Option<String>,
    menos70: Option<String>,
    q: Option<String>,
}

impl ListParams {
    fn to_query(&self) -> ListQuery {
        ListQuery {
            sort: self
                .orden
                .as_deref()
                .and_then(SortKey::parse)
                .unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
            only_small: matches!(
                self.menos70.as_deref(),
                Some("1" | "on" | "si" | "sí" | "true")
            ),
            text: self.q.as_ref().map(|s| s.chars().take(100).collect()),
        }
    }
}

#[derive(Serialize)]
struct Column {
    label: String,
    href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    aria_sort: &'static str,
    numeric: bool,
}

fn query_string(q: &ListQuery, sort: SortKey, descending: bool) -> String {
    let mut s = url_encode_pairs(&[
        ("orden", sort.param().to_string()),
        ("dir", if descending { "desc" } else { "asc" }.to_string()),
    ]);
    if q.only_small {
        s.push_str("&menos70=1");
    }
    if let Some(t) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        s.push('&');
        s.push_str(&url_encode_pairs(&[("q", t.to_string())]));
    }
    s
}

fn url_encode_pairs(pairs: &[(&str, String)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

async fn municipalities_page(
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> Result<Response, Error> {
    let threshold = ctx.state.config.small_municipality_threshold;
    let q = params.to_query();
    let all = store::municipalities(&ctx.state.db).await?;
    let listing = list(&all, &q, threshold);
    let columns: Vec<Column> = [
        // Name and population first: on a phone they are what fits.
        (SortKey::Name, "municipalities-col-name", false),
        (SortKey::Population, "municipalities-col-population", true),
        (SortKey::Key, "municipalities-col-key", false),
        (SortKey::Seat, "municipalities-col-seat", false),
    ]
    .into_iter()
    .map(|(key, label, numeric)| {
        let active = q.sort == key;
        let next_desc = active && !q.descending;
        Column {
            label: ctx.t(label),
            href: format!("/municipios?{}", query_string(&q, key, next_desc)),
            aria_sort: match (active, q.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
            numeric,
        }
    })
    .collect();
    let csv_href = format!("/municipios.csv?{}", query_string(&q, q.sort, q.descending));
    ctx.render(
        "directory/municipalities.html",
        context! {
            items => listing.items,
            shown => listing.items.len(),
            total => listing.total,
            small_total => listing.small_total,
            threshold => threshold,
            only_small => q.only_small,
            text => q.text.clone().unwrap_or_default(),
            columns => columns,
            csv_href => csv_href,
            filtered => q.only_small || q.text.as_deref().is_some_and(|t| !t.trim().is_empty()),
        },
    )
}

/// The same listing as CSV (UTF-8 with a byte-order mark, so spreadsheet
/// programs show the accents right).
async fn municipalities_csv(ctx: Ctx, Query(params): Query<ListParams>) -> Result<Response, Error> {
    let threshold = ctx.state.config.small_municipality_threshold;
    let all = store::municipalities(&ctx.state.db).await?;
    let listing = list(&all, &params.to_query(), threshold);
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "cvegeo",
        "cve_ent",
        "cve_mun",
        "nombre",
        "cabecera",
        "poblacion_2020",
        "menos_de_umbral",
    ];
    out.write_record(header).map_err(Error::internal)?;
    for m in &listing.items {
        out.write_record([
            m.cvegeo.as_str(),
            m.cve_ent.as_str(),
            m.cve_mun.as_str(),
            m.name.as_str(),
            m.seat.as_str(),
            &m.population_2020.to_string(),
            if m.is_small(threshold) { "sí" } else { "no" },
        ])
        .map_err(Error::internal)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::internal(e.into_error()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"municipios-estado-de-mexico.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn municipality_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let Some(m) = store::municipality_by_slug(&ctx.state.db, &slug).await? else {
        return Err(Error::not_found());
    };
    let threshold = ctx.state.config.small_municipality_threshold;
    let bodies = store::bodies_in_municipality(&ctx.state.db, &m.cvegeo).await?;
    // A municipality hosted on the platform has its small site here: its
    // government's contact and what it publishes (contributed by other
    // capabilities as fragments of the "body" page).
    let (site, site_fragments) = match bodies.iter().find(|b| b.hosted && b.kind == "ayuntamiento")
    {
        Some(b) => {
            let mut conn = ctx.state.db.pool().acquire().await?;
            let profile = store::body_profile_by_slug(&mut conn, &b.slug).await?;
            drop(conn);
            let fragments = ctx.fragments("body", b.id).await?;
            (profile, fragments)
        }
        None => (None, vec![]),
    };
    ctx.render(
        "directory/municipality.html",
        context! {
            site => site,
            site_fragments => site_fragments,
            m => m,
            small => m.is_small(threshold),
            threshold => threshold,
            bodies => bodies,
            can_manage => ctx.authorize(&MANAGE_BODIES, kernel::authz::Subject::None).is_ok(),
        },
    )
}
