//! The public front of the platform: the home page, the landing page of each
//! section of the navigation, and the legal pages linked from the footer.
//!
//! A section's landing page stays here until the capability that owns the
//! section (catalog, proactive, opengov, participation) takes its path over.

use axum::response::Response;
use kernel::authz::{Action, Rule};
use kernel::i18n::Locale;
use kernel::web::{Ctx, NavItem, Routes};
use kernel::{Capability, Error};
use minijinja::context;
use serde::Serialize;

pub static VIEW_PORTAL: Action = Action::read("portal.pages.view", Rule::Anyone);

/// The sections of the navigation: `(path, id)`.
pub const SECTIONS: [(&str, &str); 4] = [
    ("/datos", "open-data"),
    ("/transparencia-proactiva", "proactive"),
    ("/gobierno-abierto", "open-government"),
    ("/participacion", "participation"),
];

/// Legal pages: `(path, template)`.
const LEGAL: [(&str, &str); 3] = [
    ("/aviso-de-privacidad", "portal/privacy.html"),
    ("/terminos-de-uso", "portal/terms.html"),
    ("/accesibilidad", "portal/accessibility.html"),
];

#[derive(Serialize)]
struct Card {
    href: &'static str,
    title: String,
    text: String,
}

async fn home(ctx: Ctx) -> Result<Response, Error> {
    let threshold = ctx.state.config.small_municipality_threshold;
    let (total, small) = directory::store::municipality_counts(&ctx.state.db, threshold).await?;
    let mut cards: Vec<Card> = SECTIONS
        .iter()
        .map(|(href, id)| Card {
            href,
            title: ctx.t(&format!("section-{id}-title")),
            text: ctx.t(&format!("section-{id}-summary")),
        })
        .collect();
    cards.push(Card {
        href: "/municipios",
        title: ctx.t("nav-municipalities"),
        text: ctx.t("home-municipalities-card"),
    });
    ctx.render(
        "portal/home.html",
        context! { cards => cards, total => total, small => small, threshold => threshold },
    )
}

async fn section(ctx: Ctx) -> Result<Response, Error> {
    let Some((_, id)) = SECTIONS.iter().find(|(p, _)| *p == ctx.path) else {
        return Err(Error::not_found());
    };
    let items: Vec<String> = (1..=4)
        .map(|i| format!("section-{id}-item-{i}"))
        .filter(|k| ctx.state.i18n.has(Locale::Es, k))
        .map(|k| ctx.t(&k))
        .collect();
    ctx.render(
        "portal/section.html",
        context! {
            title => ctx.t(&format!("section-{id}-title")),
            lead => ctx.t(&format!("section-{id}-lead")),
            items => items,
            status => ctx.t(&format!("section-{id}-status")),
        },
    )
}

async fn legal(ctx: Ctx) -> Result<Response, Error> {
    let Some((_, template)) = LEGAL.iter().find(|(p, _)| *p == ctx.path) else {
        return Err(Error::not_found());
    };
    ctx.render(template, context! {})
}

/// `/robots.txt`: everything public may be indexed; the sitemap says what
/// there is (an absolute URL, as the protocol requires).
async fn robots(ctx: Ctx) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n",
        ctx.state.config.public_url()
    )
}

fn routes() -> Routes {
    let mut r = Routes::new()
        .get("/", &VIEW_PORTAL, home)
        .get("/robots.txt", &VIEW_PORTAL, robots);
    // `/datos` belongs to the catalog and `/transparencia-proactiva` to
    // proactive; the other sections keep their landing page here until their
    // capability arrives.
    for (path, _) in SECTIONS
        .iter()
        .filter(|(p, _)| !["/datos", "/transparencia-proactiva"].contains(p))
    {
        r = r.get(path, &VIEW_PORTAL, section);
    }
    for (path, _) in LEGAL {
        r = r.get(path, &VIEW_PORTAL, legal);
    }
    r
}

pub fn capability() -> Capability {
    Capability {
        catalogs: kernel::catalogs!("portal"),
        templates: vec![
            ("portal/home.html", include_str!("../templates/home.html")),
            (
                "portal/section.html",
                include_str!("../templates/section.html"),
            ),
            (
                "portal/privacy.html",
                include_str!("../templates/privacy.html"),
            ),
            ("portal/terms.html", include_str!("../templates/terms.html")),
            (
                "portal/accessibility.html",
                include_str!("../templates/accessibility.html"),
            ),
        ],
        nav: vec![
            NavItem {
                href: "/datos",
                label_key: "nav-open-data",
                order: 10,
            },
            NavItem {
                href: "/transparencia-proactiva",
                label_key: "nav-proactive",
                order: 20,
            },
            NavItem {
                href: "/gobierno-abierto",
                label_key: "nav-open-government",
                order: 30,
            },
            NavItem {
                href: "/participacion",
                label_key: "nav-participation",
                order: 40,
            },
        ],
        routes,
        ..Capability::new("portal")
    }
}
