//! Accounts: people's accounts, their global role, and their memberships of
//! public bodies. (Sign-in, sessions and invitations build on this.)

pub mod domain;
pub mod http;
pub mod session;
pub mod store;

use std::sync::Arc;

use kernel::authz::Role;
use kernel::db::{AnyConnection, MigrationSet};
use kernel::{Capability, SeedContext, Seeds};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

/// The password of every demo account (they are marked as demo; never load the
/// demo data into a production database).
pub const DEMO_PASSWORD: &str = "apertura-demo-2026";

/// A demo account.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    /// Body slug and body role, for a member of a public body.
    pub body: Option<(&'static str, Role)>,
}

pub const DEMO_USERS: [DemoUser; 6] = [
    DemoUser {
        email: "admin@apertura.example",
        name: "Administración Infoem (demo)",
        role: Role::PlatformAdmin,
        body: None,
    },
    DemoUser {
        email: "revision@apertura.example",
        name: "Revisión Infoem (demo)",
        role: Role::InstituteReviewer,
        body: None,
    },
    DemoUser {
        email: "enlace.zacazonapan@apertura.example",
        name: "Unidad de Transparencia de Zacazonapan (demo)",
        role: Role::Citizen,
        body: Some(("ayuntamiento-de-zacazonapan", Role::BodyAdmin)),
    },
    DemoUser {
        email: "editor.zacazonapan@apertura.example",
        name: "Edición de datos de Zacazonapan (demo)",
        role: Role::Citizen,
        body: Some(("ayuntamiento-de-zacazonapan", Role::BodyEditor)),
    },
    DemoUser {
        email: "ciudadana@apertura.example",
        name: "Ciudadana (demo)",
        role: Role::Citizen,
        body: None,
    },
    // A state agency with its own systems: publishes without review (and
    // through the CKAN API, as agencies with scripts do).
    DemoUser {
        email: "enlace.finanzas@apertura.example",
        name: "Unidad de Transparencia de la Secretaría de Finanzas (demo)",
        role: Role::Citizen,
        body: Some(("secretaria-de-finanzas", Role::BodyAdmin)),
    },
];

struct AccountSeeds;

#[async_trait::async_trait]
impl Seeds for AccountSeeds {
    async fn demo(&self, conn: &mut AnyConnection, ctx: &SeedContext) -> Result<(), sqlx::Error> {
        for demo in DEMO_USERS {
            let (name, role, membership) = (demo.name, demo.role, demo.body);
            let Ok(email) = domain::Email::parse(demo.email) else {
                continue;
            };
            let new = store::NewUser {
                email,
                display_name: name,
                password: DEMO_PASSWORD,
                role,
                is_demo: true,
                confirmed: true,
            };
            let id = match store::create_user(conn, &ctx.actor, &new).await {
                Ok(id) => id,
                // An operator already created this address: leave it alone.
                Err(store::StoreError::Invalid(domain::AccountError::EmailTaken(_))) => continue,
                Err(store::StoreError::Invalid(e)) => {
                    return Err(sqlx::Error::Protocol(e.to_string()))
                }
                Err(store::StoreError::Db(e)) => return Err(e),
            };
            if let Some((slug, body_role)) = membership {
                if let Some(body) = directory::store::body_by_slug(conn, slug).await? {
                    store::add_membership(conn, &ctx.actor, id, body.id, body_role).await?;
                }
            }
        }
        Ok(())
    }
}

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        seeds: Some(Arc::new(AccountSeeds)),
        catalogs: kernel::catalogs!("accounts"),
        templates: vec![
            (
                "accounts/login.html",
                include_str!("../templates/login.html"),
            ),
            (
                "accounts/challenge.html",
                include_str!("../templates/challenge.html"),
            ),
            (
                "accounts/register.html",
                include_str!("../templates/register.html"),
            ),
            (
                "accounts/message.html",
                include_str!("../templates/message.html"),
            ),
            (
                "accounts/forgot.html",
                include_str!("../templates/forgot.html"),
            ),
            (
                "accounts/reset.html",
                include_str!("../templates/reset.html"),
            ),
            (
                "accounts/account.html",
                include_str!("../templates/account.html"),
            ),
            (
                "accounts/token_created.html",
                include_str!("../templates/token_created.html"),
            ),
            ("accounts/totp.html", include_str!("../templates/totp.html")),
            (
                "accounts/members.html",
                include_str!("../templates/members.html"),
            ),
            (
                "accounts/invitation.html",
                include_str!("../templates/invitation.html"),
            ),
        ],
        routes: http::routes,
        actor_resolver: Some(Arc::new(session::Resolver)),
        ..Capability::new("accounts")
    }
}
