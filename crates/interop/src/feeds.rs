//! What search engines and feed readers fetch: `/sitemap.xml` (the home,
//! the sections, the catalog, every public dataset with its last change,
//! every body and municipality) and Atom feeds of new and updated datasets,
//! site-wide (`/datos/novedades.atom`) and per body
//! (`/sujetos-obligados/{slug}/novedades.atom`), plus the link to a body's
//! feed on its profile (a fragment of the directory's "body" page).

use axum::extract::Path;
use axum::response::Response;
use catalog::domain::vocab::Theme;
use kernel::authz::{Action, Rule};
use kernel::i18n::Locale;
use kernel::web::{Ctx, Fragment, Routes};
use kernel::Error;
use sqlx::Row;

use crate::common::{self, clean, document};
use crate::model::{self, Package};

/// Sitemap and feeds: anyone.
pub static VIEW: Action = Action::read("interop.feeds.view", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new()
        .get("/sitemap.xml", &VIEW, sitemap)
        .get("/datos/novedades.atom", &VIEW, site_feed)
        .get("/sujetos-obligados/{slug}/novedades.atom", &VIEW, body_feed)
}

/// Entries of a feed.
pub const FEED_ENTRIES: i64 = 50;
/// URLs of one sitemap file (the protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

pub const ATOM_CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// Text escaped for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// "Newest change" of a public dataset in SQL: its own last edit or its
/// newest file version, whichever is later (RFC 3339 text compares as time).
const MODIFIED: &str = "COALESCE((SELECT MAX(v.created_at) FROM resource_versions v \
     JOIN resources r ON r.id = v.resource_id \
     WHERE r.dataset_id = d.id AND r.deleted_at IS NULL AND v.created_at > d.updated_at), d.updated_at)";

const PUBLIC: &str = "d.status = 'published' AND d.is_private = 0 AND d.deleted_at IS NULL";

/// The ids of the public datasets changed last (of one body, or of all).
async fn newest_ids(ctx: &Ctx, body_id: Option<i64>, limit: i64) -> Result<Vec<i64>, Error> {
    let ids: Vec<i64> = match body_id {
        Some(b) => {
            sqlx::query_scalar(&format!(
                "SELECT d.id FROM datasets d WHERE {PUBLIC} AND d.body_id = $1 \
                 ORDER BY {MODIFIED} DESC, d.id DESC LIMIT $2"
            ))
            .bind(b)
            .bind(limit)
            .fetch_all(ctx.state.db.pool())
            .await?
        }
        None => {
            sqlx::query_scalar(&format!(
                "SELECT d.id FROM datasets d WHERE {PUBLIC} ORDER BY {MODIFIED} DESC, d.id DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(ctx.state.db.pool())
            .await?
        }
    };
    Ok(ids)
}

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedHead {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// The page the feed is about.
    pub alternate: String,
}

/// An Atom feed of these packages (newest first).
pub fn atom(base: &str, head: &FeedHead, packages: &[Package]) -> String {
    let updated = packages
        .iter()
        .map(|p| p.modified().to_string())
        .max()
        .unwrap_or_else(kernel::time::now);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"es\">\n");
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&head.id)));
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(&head.title)));
    x.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml_escape(&head.subtitle)
    ));
    x.push_str(&format!("  <updated>{}</updated>\n", xml_escape(&updated)));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&head.id)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&head.alternate)
    ));
    x.push_str("  <generator>Apertura</generator>\n");
    for p in packages {
        let url = p.page_url(base);
        let m = &p.dataset.meta;
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&m.title)));
        x.push_str(&format!(
            "    <updated>{}</updated>\n",
            xml_escape(p.modified())
        ));
        if let Some(published) = &p.dataset.published_at {
            x.push_str(&format!(
                "    <published>{}</published>\n",
                xml_escape(published)
            ));
        }
        x.push_str(&format!(
            "    <author><name>{}</name><uri>{}</uri></author>\n",
            xml_escape(&p.body.name),
            xml_escape(&model::body_url(base, &p.body))
        ));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        for t in m.themes.iter().filter_map(|c| Theme::by_code(c)) {
            x.push_str(&format!(
                "    <category term=\"{}\" scheme=\"http://publications.europa.eu/resource/authority/data-theme\" label=\"{}\"/>\n",
                t.code,
                xml_escape(t.label_es)
            ));
        }
        x.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&common::plain(&m.description, 600))
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

async fn site_feed(ctx: Ctx) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let ids = newest_ids(&ctx, None, FEED_ENTRIES).await?;
    let packages = model::public_by_ids(&ctx.state.db, &base, &ids).await?;
    let head = FeedHead {
        id: format!("{base}/datos/novedades.atom"),
        title: ctx.state.i18n.t(Locale::Es, "interop-feed-title"),
        subtitle: ctx.state.i18n.t(Locale::Es, "interop-feed-subtitle"),
        alternate: format!("{base}/datos"),
    };
    Ok(document(ATOM_CONTENT_TYPE, atom(&base, &head, &packages)))
}

async fn body_feed(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let Some(body) = directory::store::all_bodies(&ctx.state.db)
        .await?
        .into_iter()
        .find(|b| b.slug == slug)
    else {
        return Err(Error::not_found());
    };
    let ids = newest_ids(&ctx, Some(body.id), FEED_ENTRIES).await?;
    let packages = model::public_by_ids(&ctx.state.db, &base, &ids).await?;
    let head = FeedHead {
        id: format!("{base}/sujetos-obligados/{}/novedades.atom", body.slug),
        title: ctx.state.i18n.t_args(
            Locale::Es,
            "interop-feed-body-title",
            &kernel::i18n::args([("body", body.name.clone())]),
        ),
        subtitle: ctx.state.i18n.t(Locale::Es, "interop-feed-subtitle"),
        alternate: model::body_url(&base, &body),
    };
    Ok(document(ATOM_CONTENT_TYPE, atom(&base, &head, &packages)))
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// The sitemap document (at most [`SITEMAP_MAX_URLS`] URLs).
pub fn sitemap_xml(urls: &[SitemapUrl]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls.iter().take(SITEMAP_MAX_URLS) {
        x.push_str(&format!("  <url><loc>{}</loc>", xml_escape(&u.loc)));
        if let Some(m) = &u.lastmod {
            x.push_str(&format!("<lastmod>{}</lastmod>", xml_escape(m)));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

async fn sitemap(ctx: Ctx) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let db = &ctx.state.db;
    let page = |path: &str| SitemapUrl {
        loc: format!("{base}{path}"),
        lastmod: None,
    };
    let mut urls = vec![page("/")];
    let mut fixed: Vec<&str> = ctx.state.nav.iter().map(|n| n.href).collect();
    fixed.extend(["/datos", "/municipios", "/sujetos-obligados"]);
    for path in fixed {
        if path.starts_with('/') && !urls.iter().any(|u| u.loc == format!("{base}{path}")) {
            urls.push(page(path));
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT d.slug, {MODIFIED} AS modified FROM datasets d WHERE {PUBLIC} ORDER BY d.id"
    ))
    .fetch_all(db.pool())
    .await?;
    for r in rows {
        let slug: String = r.try_get("slug")?;
        let modified: String = r.try_get("modified")?;
        urls.push(SitemapUrl {
            loc: format!("{base}/datos/{slug}"),
            lastmod: common::date(&modified).map(str::to_string),
        });
    }
    for b in directory::store::all_bodies(db).await? {
        urls.push(page(&format!("/sujetos-obligados/{}", b.slug)));
    }
    for m in directory::store::municipalities(db).await? {
        urls.push(page(&format!("/municipios/{}", m.slug)));
    }
    if urls.len() > SITEMAP_MAX_URLS {
        tracing::warn!(
            urls = urls.len(),
            "the sitemap has more URLs than one file may hold: the rest are left out"
        );
    }
    Ok(document(
        "application/xml; charset=utf-8",
        sitemap_xml(&urls),
    ))
}

/// On a body's profile: the link to its feed, when it has published data.
pub struct BodyFeedLink;

#[async_trait::async_trait]
impl Fragment for BodyFeedLink {
    fn page(&self) -> &'static str {
        "body"
    }

    async fn render(&self, ctx: &Ctx, body_id: i64) -> Result<Option<String>, Error> {
        let row = sqlx::query(&format!(
            "SELECT b.slug, (SELECT COUNT(*) FROM datasets d WHERE d.body_id = b.id AND {PUBLIC}) AS n \
             FROM bodies b WHERE b.id = $1"
        ))
        .bind(body_id)
        .fetch_optional(ctx.state.db.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let n: i64 = row.try_get("n")?;
        if n == 0 {
            return Ok(None);
        }
        let slug: String = row.try_get("slug")?;
        Ok(Some(format!(
            "<p class=\"feed-link\"><a href=\"/sujetos-obligados/{}/novedades.atom\" type=\"application/atom+xml\">{}</a></p>",
            xml_escape(&slug),
            xml_escape(&ctx.t("interop-feed-subscribe"))
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_cleaned() {
        assert_eq!(
            xml_escape("a<b>&\"c\" 'd'\u{1}ñ"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;ñ"
        );
    }

    #[test]
    fn a_sitemap_lists_its_urls_with_their_dates() {
        let x = sitemap_xml(&[
            SitemapUrl {
                loc: "http://x/datos/año?a=1&b=2".into(),
                lastmod: Some("2025-01-02".into()),
            },
            SitemapUrl {
                loc: "http://x/".into(),
                lastmod: None,
            },
        ]);
        assert!(
            x.contains("<loc>http://x/datos/año?a=1&amp;b=2</loc><lastmod>2025-01-02</lastmod>")
        );
        assert!(x.contains("<url><loc>http://x/</loc></url>"));
        assert!(x.starts_with("<?xml"));
    }
}
