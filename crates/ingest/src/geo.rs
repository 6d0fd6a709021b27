//! A map on the page of a GeoJSON resource: the file's shapes drawn on the
//! server (see `chart::shape_map`), once per version (a version never
//! changes), for everyone who may read the resource.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use kernel::web::{Ctx, Fragment};
use kernel::Error;
use minijinja::context;

use crate::chart::ShapeMap;

/// GeoJSON files larger than this get no preview (the download still works).
const MAX_BYTES: i64 = 30 * 1024 * 1024;

/// Drawn maps by version and language (the picture carries its label;
/// `None`: the file has nothing to draw).
pub struct MapCache {
    inner: Mutex<lru::LruCache<MapKey, Option<Arc<ShapeMap>>>>,
}

/// A version and the language of its label.
type MapKey = (i64, &'static str);

impl MapCache {
    pub fn new(entries: usize) -> MapCache {
        MapCache {
            inner: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

/// Whether a stored version is GeoJSON.
pub fn is_geojson(format: &str, filename: &str) -> bool {
    format.eq_ignore_ascii_case("geojson") || filename.to_ascii_lowercase().ends_with(".geojson")
}

pub struct GeoMap;

#[async_trait::async_trait]
impl Fragment for GeoMap {
    fn page(&self) -> &'static str {
        "resource"
    }

    async fn render(&self, ctx: &Ctx, resource_id: i64) -> Result<Option<String>, Error> {
        if crate::http::resource_and_dataset(ctx, resource_id)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        let versions = catalog::store::versions_of(&ctx.state.db, resource_id).await?;
        let Some(current) = versions.first() else {
            return Ok(None);
        };
        if !is_geojson(&current.format, &current.filename) || current.size > MAX_BYTES {
            return Ok(None);
        }
        let cache = ctx.state.service::<MapCache>();
        let key = (current.id, ctx.locale.code());
        let cached = cache.and_then(|c| c.inner.lock().ok()?.get(&key).cloned());
        let map = match cached {
            Some(map) => map,
            None => {
                let bytes = match ctx.state.files.read_all(&current.sha256).await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!(error = %e, version = current.id, "GeoJSON not readable for its map");
                        return Ok(None);
                    }
                };
                let label = ctx.t("ingest-shape-map-label");
                let drawn = tokio::task::spawn_blocking(move || {
                    let doc: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
                    crate::chart::shape_map(&doc, &label).map(Arc::new)
                })
                .await
                .map_err(Error::internal)?;
                if let Some(c) = cache {
                    if let Ok(mut c) = c.inner.lock() {
                        c.put(key, drawn.clone());
                    }
                }
                drawn
            }
        };
        let Some(map) = map else {
            return Ok(Some(ctx.render_fragment(
                "ingest/fragment_map.html",
                context! { unreadable => true },
            )?));
        };
        Ok(Some(ctx.render_fragment(
            "ingest/fragment_map.html",
            context! { svg => map.svg, features => map.features, partial => map.partial },
        )?))
    }
}
