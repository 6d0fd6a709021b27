//! The permission matrix: every role × every route, checked twice — against
//! the one `authorize` function for every route, and over HTTP for every page
//! (GET) with the demo accounts. The expected table below is the reference;
//! `docs/PERMISSIONS.md` is generated from it (run with `UPDATE_DOCS=1` after
//! changing it) and a test fails when the document is stale.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use accounts::DEMO_PASSWORD;
use axum::http::Method;
use kernel::authz::{authorize, Actor, Role, Subject};

const ALL: &[Role] = &Role::ALL;
const SIGNED_IN: &[Role] = &[
    Role::PlatformAdmin,
    Role::InstituteReviewer,
    Role::BodyAdmin,
    Role::BodyEditor,
    Role::JuryMember,
    Role::StlMember,
    Role::Citizen,
];
const ADMIN: &[Role] = &[Role::PlatformAdmin];
const STAFF: &[Role] = &[Role::PlatformAdmin, Role::InstituteReviewer];
const BODY_ADMINS: &[Role] = &[Role::PlatformAdmin, Role::BodyAdmin];
const BODY_EDITORS: &[Role] = &[Role::PlatformAdmin, Role::BodyAdmin, Role::BodyEditor];

/// Who may perform each action (at route level). Every action a route uses
/// must be here.
fn expected() -> BTreeMap<&'static str, &'static [Role]> {
    BTreeMap::from([
        ("kernel.public.view", ALL),
        ("kernel.admin.view", STAFF),
        ("kernel.audit.view", ADMIN),
        ("portal.pages.view", ALL),
        ("directory.municipalities.view", ALL),
        ("directory.bodies.view", ALL),
        ("directory.bodies.manage", ADMIN),
        ("accounts.auth.view", ALL),
        ("accounts.auth.submit", ALL),
        ("accounts.self.view", SIGNED_IN),
        ("accounts.self.update", SIGNED_IN),
        ("accounts.members.view", BODY_ADMINS),
        ("accounts.members.invite", BODY_ADMINS),
        ("accounts.tokens.write_for_body", BODY_EDITORS),
        ("catalog.datasets.view", ALL),
        ("catalog.datasets.edit", BODY_EDITORS),
        ("catalog.datasets.review", STAFF),
        ("catalog.datasets.delete", BODY_ADMINS),
        ("catalog.datasets.restore", ADMIN),
        ("catalog.resources.view", ALL),
        ("catalog.resources.upload", BODY_EDITORS),
        ("ingest.datastore.query", ALL),
        ("ingest.view", ALL),
        ("search.search", ALL),
        ("interop.ckan.unknown", ALL),
        ("proactive.practices.view", ALL),
        ("proactive.practices.edit", BODY_EDITORS),
        ("proactive.practices.evaluate", STAFF),
        ("proactive.rubric.manage", ADMIN),
        ("proactive.demand.view", ALL),
        ("proactive.demand.ask", SIGNED_IN),
        ("proactive.demand.answer", BODY_EDITORS),
        ("proactive.demand.import", ADMIN),
        ("quality.view", ALL),
        ("quality.recompute", STAFF),
        ("interop.api.view", ALL),
        ("interop.dcat.view", ALL),
        ("interop.datajson.view", ALL),
        ("interop.datapackage.view", ALL),
        ("interop.feeds.view", ALL),
    ])
}

const OWN_BODY: i64 = 10;
const OTHER_BODY: i64 = 11;

/// A representative actor of each role (body roles for body `OWN_BODY`).
fn actor(role: Role) -> Actor {
    match role {
        Role::Anonymous => Actor::anonymous(),
        Role::PlatformAdmin | Role::InstituteReviewer | Role::Citizen => Actor::user(1, role),
        // Jury and secretariat membership carry no platform-wide permissions yet.
        Role::JuryMember | Role::StlMember => Actor::user(1, Role::Citizen),
        Role::BodyAdmin | Role::BodyEditor => Actor {
            body_roles: vec![(OWN_BODY, role)],
            ..Actor::user(1, Role::Citizen)
        },
    }
}

#[test]
fn every_route_against_every_role() {
    let routes = apertura::platform().routes();
    let table = expected();
    let mut used = BTreeSet::new();
    for route in routes.info() {
        let allowed = table.get(route.action.name).unwrap_or_else(|| {
            panic!(
                "{} {} uses {}, which is not in the permission matrix",
                route.method, route.path, route.action.name
            )
        });
        used.insert(route.action.name);
        for role in Role::ALL {
            let got = authorize(&actor(role), route.action, Subject::None).is_ok();
            assert_eq!(
                got,
                allowed.contains(&role),
                "{} {} as {:?}",
                route.method,
                route.path,
                role
            );
        }
    }
    // The matrix has no stale rows either (kernel.audit.view etc. appear once
    // their pages exist; body-scoped actions are used inside handlers).
    for name in table.keys() {
        if !used.contains(name) && *name != "accounts.tokens.write_for_body" {
            eprintln!("note: action {name} has no route yet");
        }
    }
}

#[test]
fn body_scoped_actions_stop_at_the_body() {
    for action in [
        &accounts::http::MEMBERS_VIEW,
        &accounts::http::MEMBERS_INVITE,
        &accounts::http::TOKEN_WRITE_FOR_BODY,
    ] {
        let allowed = expected()[action.name];
        for role in Role::ALL {
            let a = actor(role);
            let own = authorize(&a, action, Subject::Body(OWN_BODY)).is_ok();
            let other = authorize(&a, action, Subject::Body(OTHER_BODY)).is_ok();
            assert_eq!(
                own,
                allowed.contains(&role),
                "{} on own body as {role:?}",
                action.name
            );
            assert_eq!(
                other,
                role == Role::PlatformAdmin,
                "{} on another body as {role:?}",
                action.name
            );
        }
    }
}

/// The Markdown table of the matrix.
fn matrix_markdown() -> String {
    let routes = apertura::platform().routes();
    let mut out = String::from(
        "# Permission matrix\n\nGenerated by `crates/apertura/tests/permissions.rs` (run `UPDATE_DOCS=1 cargo test -p apertura --test permissions`). \
         ✓ = allowed at route level; body roles act only on their own body (checked again inside the handler).\n\n",
    );
    out.push_str("| method | path | action |");
    for role in Role::ALL {
        out.push_str(&format!(" {} |", role.code()));
    }
    out.push_str("\n|---|---|---|");
    for _ in Role::ALL {
        out.push_str(":-:|");
    }
    out.push('\n');
    let table = expected();
    let mut rows: Vec<_> = routes.info().iter().collect();
    rows.sort_by_key(|r| (r.path, r.method.to_string()));
    for r in rows {
        out.push_str(&format!(
            "| {} | `{}` | `{}` |",
            r.method, r.path, r.action.name
        ));
        for role in Role::ALL {
            out.push_str(if table[r.action.name].contains(&role) {
                " ✓ |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_permissions_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/PERMISSIONS.md");
    let generated = matrix_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/PERMISSIONS.md is stale: run UPDATE_DOCS=1 cargo test -p apertura --test permissions"
    );
}

/// A concrete path for a route pattern, with demo values.
fn concrete(path: &str) -> String {
    path.replace("{slug}", "ayuntamiento-de-zacazonapan")
        .replace("{name}", "apertura.css")
        .replace("{token}", "no-existe")
        .replace("{id}", "1")
        .replace("{resource}", "no-existe")
        .replace("{number}", "1")
        .replace("{filename}", "datos.csv")
        .replace("{action}", "no-existe")
}

#[tokio::test]
async fn every_page_over_http_for_every_demo_role() {
    let app = common::spawn_app().await;
    let people: [(Role, Option<&str>); 6] = [
        (Role::Anonymous, None),
        (Role::Citizen, Some("ciudadana@apertura.example")),
        (
            Role::BodyEditor,
            Some("editor.zacazonapan@apertura.example"),
        ),
        (Role::BodyAdmin, Some("enlace.zacazonapan@apertura.example")),
        (Role::InstituteReviewer, Some("revision@apertura.example")),
        (Role::PlatformAdmin, Some("admin@apertura.example")),
    ];
    let table = expected();
    let routes: Vec<_> = app
        .app_state
        .routes
        .iter()
        .filter(|r| r.method == Method::GET)
        .cloned()
        .collect();
    assert!(routes.len() > 20);
    for (role, email) in people {
        let client = match email {
            Some(e) => app.sign_in(e, DEMO_PASSWORD).await,
            None => app.browser(),
        };
        for route in &routes {
            let path = concrete(route.path);
            let status = client
                .get(app.url(&path))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let allowed = table[route.action.name].contains(&role);
            if allowed {
                assert!(
                    status != 401 && status != 403 && status < 500,
                    "{path} as {role:?}: {status}"
                );
            } else if role == Role::Anonymous {
                assert_eq!(status, 401, "{path} as {role:?}");
            } else {
                assert_eq!(status, 403, "{path} as {role:?}");
            }
        }
    }
}
