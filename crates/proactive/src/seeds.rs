//! Reference data (the rubric the law suggests, which administrators then
//! adjust) and a demo practice of Zacazonapan waiting for evaluation.

use kernel::capability::{SeedContext, Seeds};
use kernel::db::AnyConnection;

use crate::domain::{initial_rubric, PracticeInput};
use crate::store;

pub struct ProactiveSeeds;

#[async_trait::async_trait]
impl Seeds for ProactiveSeeds {
    async fn reference(
        &self,
        conn: &mut AnyConnection,
        ctx: &SeedContext,
    ) -> Result<(), sqlx::Error> {
        for (i, c) in initial_rubric().iter().enumerate() {
            if !store::criterion_code_taken(conn, &c.code).await? {
                store::insert_criterion(conn, &ctx.actor, c, (i as i64 + 1) * 10).await?;
            }
        }
        Ok(())
    }

    async fn demo(&self, conn: &mut AnyConnection, ctx: &SeedContext) -> Result<(), sqlx::Error> {
        let Some(body) =
            directory::store::body_by_slug(conn, "ayuntamiento-de-zacazonapan").await?
        else {
            return Ok(());
        };
        if store::slug_taken(conn, "obra-publica-en-un-mapa").await? {
            return Ok(());
        }
        let dataset: Option<i64> = sqlx::query_scalar("SELECT id FROM datasets WHERE slug = $1")
            .bind("obra-publica-zacazonapan-2025")
            .fetch_optional(&mut *conn)
            .await?;
        let input = PracticeInput {
            title: "Obra pública en un mapa (demostración)".into(),
            problem: "Las y los vecinos no saben qué obras se hacen en su localidad, cuánto cuestan ni cuándo terminan.".into(),
            population: "Habitantes de las localidades de Zacazonapan, comités de obra y contraloría social.".into(),
            demand_method: "solicitudes".into(),
            demand_evidence: "En 2025 la Unidad de Transparencia recibió 37 solicitudes de acceso sobre obras (montos, contratistas, avance); es el tema más preguntado.".into(),
            links: vec!["https://www.zacazonapan.gob.mx/obras".into()],
            channels: "Portal municipal, carteles en las obras con código QR y la asamblea de cada localidad.".into(),
            frequency: Some("MONTHLY".into()),
            indicators: "Descargas del conjunto de datos; solicitudes de acceso sobre obras (deberían bajar).".into(),
            datasets: dataset.into_iter().collect(),
        };
        let id =
            store::create(conn, &ctx.actor, "obra-publica-en-un-mapa", body.id, &input).await?;
        let practice = store::by_ids_in(conn, id).await?;
        store::submit(conn, &ctx.actor, &practice).await?;
        kernel::search::changed(conn, &ctx.events, &ctx.jobs, crate::search::PRACTICE, id).await?;
        Ok(())
    }
}
