//! Reference data (municipalities, kinds of bodies, the institute itself) and
//! demo bodies.

use kernel::db::AnyConnection;
use kernel::{SeedContext, Seeds};

use crate::domain::{parse_municipalities, BODY_KINDS};
use crate::store::{self, NewBody};

pub struct DirectorySeeds;

/// The institute is itself a public body on the platform (work plan, TP 4).
pub const INFOEM_SLUG: &str = "infoem";

#[async_trait::async_trait]
impl Seeds for DirectorySeeds {
    async fn reference(
        &self,
        conn: &mut AnyConnection,
        ctx: &SeedContext,
    ) -> Result<(), sqlx::Error> {
        let list =
            parse_municipalities(crate::MUNICIPALITIES_CSV).map_err(sqlx::Error::Protocol)?;
        store::insert_municipalities(conn, &list).await?;
        store::insert_body_kinds(conn, &BODY_KINDS).await?;
        if store::body_by_slug(conn, INFOEM_SLUG).await?.is_none() {
            store::insert_body(
                conn,
                &ctx.actor,
                &NewBody {
                    slug: INFOEM_SLUG,
                    name: "Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos Personales del Estado de México y Municipios",
                    kind: "organo-autonomo",
                    municipality: Some("15106"),
                    hosted: true,
                    is_demo: false,
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn demo(&self, conn: &mut AnyConnection, ctx: &SeedContext) -> Result<(), sqlx::Error> {
        let threshold = ctx.config.small_municipality_threshold;
        let municipal = [
            (
                "ayuntamiento-de-zacazonapan",
                "Ayuntamiento de Zacazonapan",
                "15116",
                5_109,
            ),
            (
                "ayuntamiento-de-texcaltitlan",
                "Ayuntamiento de Texcaltitlán",
                "15097",
                18_482,
            ),
            (
                "ayuntamiento-de-toluca",
                "Ayuntamiento de Toluca",
                "15106",
                910_608,
            ),
        ];
        for (slug, name, cvegeo, population) in municipal {
            if store::body_by_slug(conn, slug).await?.is_some() {
                continue;
            }
            store::insert_body(
                conn,
                &ctx.actor,
                &NewBody {
                    slug,
                    name,
                    kind: "ayuntamiento",
                    municipality: Some(cvegeo),
                    hosted: population < threshold,
                    is_demo: true,
                },
            )
            .await?;
        }
        let state = [
            (
                "secretaria-de-finanzas",
                "Secretaría de Finanzas",
                "poder-ejecutivo",
            ),
            (
                "sistema-dif-zacazonapan",
                "Sistema Municipal DIF de Zacazonapan",
                "organismo-municipal",
            ),
        ];
        for (slug, name, kind) in state {
            if store::body_by_slug(conn, slug).await?.is_some() {
                continue;
            }
            let municipality = (kind == "organismo-municipal").then_some("15116");
            store::insert_body(
                conn,
                &ctx.actor,
                &NewBody {
                    slug,
                    name,
                    kind,
                    municipality,
                    hosted: municipality.is_some(),
                    is_demo: true,
                },
            )
            .await?;
        }
        Ok(())
    }
}
