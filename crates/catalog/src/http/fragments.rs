//! What the catalog contributes to other capabilities' pages: the datasets a
//! body has published, on its profile and on its municipality's site.

use kernel::authz::Role;
use kernel::web::{Ctx, Fragment};
use kernel::Error;
use minijinja::context;
use serde::Serialize;

use crate::store;

/// The datasets of a body (`page = "body"`, subject = body id).
pub struct BodyDatasets;

#[derive(Serialize)]
struct Item {
    slug: String,
    title: String,
    updated: String,
}

#[async_trait::async_trait]
impl Fragment for BodyDatasets {
    fn page(&self) -> &'static str {
        "body"
    }

    async fn render(&self, ctx: &Ctx, body_id: i64) -> Result<Option<String>, Error> {
        let member = ctx.actor.role == Role::PlatformAdmin
            || ctx
                .actor
                .has_body_role(body_id, &[Role::BodyAdmin, Role::BodyEditor]);
        let all = store::datasets_of_body(&ctx.state.db, body_id, false).await?;
        let published: Vec<Item> = all
            .iter()
            .filter(|d| d.is_public())
            .map(|d| Item {
                slug: d.slug.clone(),
                title: d.meta.title.clone(),
                updated: d.updated_at.chars().take(10).collect(),
            })
            .collect();
        let unpublished = all
            .iter()
            .filter(|d| !d.is_public() && d.deleted_at.is_none())
            .count();
        let html = ctx.render_fragment(
            "catalog/fragment_body.html",
            context! {
                datasets => published,
                member => member,
                unpublished => if member { unpublished } else { 0 },
            },
        )?;
        Ok(Some(html))
    }
}
