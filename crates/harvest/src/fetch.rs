//! Reading another portal over HTTP, within limits: timeouts, a few
//! redirects, a cap on every body and on pages and datasets per run, so that
//! a slow, giant or never-ending source ends a run with a clear Spanish
//! reason instead of holding a worker. The listing is read whole before
//! anything is written: a run that cannot read its source changes nothing.

use std::collections::HashSet;
use std::time::Duration;

use kernel::jobs::JobContext;
use serde_json::Value;

use crate::domain::{self, DcatDocument, Kind, RemoteDataset};
use crate::error::HarvestError;

/// How much a run may read.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of one response.
    pub max_body: usize,
    /// Pages of one listing.
    pub max_pages: usize,
    /// Datasets of one run (the listing stops there and counts as partial).
    pub max_datasets: usize,
    /// Packages asked for per CKAN page (a portal may send fewer).
    pub page_rows: usize,
    /// Whole request, and connecting.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 32 * 1024 * 1024,
            max_pages: 500,
            max_datasets: 20_000,
            page_rows: 100,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// What the source lists now.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub datasets: Vec<RemoteDataset>,
    /// The whole listing was read: what is not in it is gone upstream. A
    /// listing cut at a limit retires nothing.
    pub complete: bool,
    /// Entries left out (private, without an id, not datasets).
    pub skipped: usize,
}

/// An HTTP client for one run.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    pub limits: Limits,
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}

/// Renews the job's lease while a long run reads (and stops it when asked).
pub async fn report(
    progress: Option<&JobContext>,
    done: usize,
    note: &str,
) -> Result<(), HarvestError> {
    if let Some(ctx) = progress {
        ctx.progress(i64::try_from(done).unwrap_or(i64::MAX), None, Some(note))
            .await
            .map_err(|_| HarvestError::new("harvest-error-stopped"))?;
    }
    Ok(())
}

impl Fetcher {
    pub fn new(limits: Limits) -> Result<Fetcher, HarvestError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "Apertura/",
                env!("CARGO_PKG_VERSION"),
                " (cosecha de datos abiertos)"
            ))
            .timeout(limits.timeout)
            .connect_timeout(limits.connect_timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "harvest: no HTTP client");
                HarvestError::new("harvest-error-client")
            })?;
        Ok(Fetcher { client, limits })
    }

    /// A JSON document from `url`, or why not.
    pub async fn get_json(&self, url: &str) -> Result<Value, HarvestError> {
        let host = host_of(url);
        let mut res = self
            .client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "application/json, application/ld+json;q=0.9, */*;q=0.1",
            )
            .send()
            .await
            .map_err(|e| {
                tracing::info!(error = %e, url, "harvest: request failed");
                if e.is_timeout() {
                    HarvestError::new("harvest-error-timeout").arg("host", &host)
                } else if e.is_redirect() {
                    HarvestError::new("harvest-error-redirects").arg("host", &host)
                } else if e.is_connect() {
                    HarvestError::new("harvest-error-connect").arg("host", &host)
                } else {
                    HarvestError::new("harvest-error-request").arg("host", &host)
                }
            })?;
        let status = res.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(HarvestError::new("harvest-error-not-found").arg("url", url));
        }
        if !status.is_success() {
            return Err(HarvestError::new("harvest-error-status")
                .arg("host", &host)
                .arg("status", status.as_u16()));
        }
        let too_big = || {
            HarvestError::new("harvest-error-too-big")
                .arg("host", &host)
                .arg("mb", self.limits.max_body.div_ceil(1024 * 1024))
        };
        if res
            .content_length()
            .is_some_and(|n| n > self.limits.max_body as u64)
        {
            return Err(too_big());
        }
        let mut body: Vec<u8> = vec![];
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.limits.max_body {
                        return Err(too_big());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::info!(error = %e, url, "harvest: body interrupted");
                    return Err(if e.is_timeout() {
                        HarvestError::new("harvest-error-timeout").arg("host", &host)
                    } else {
                        HarvestError::new("harvest-error-request").arg("host", &host)
                    });
                }
            }
        }
        parse_json(&body).map_err(|key| HarvestError::new(key).arg("host", &host))
    }

    /// Everything `url` lists now, read as `kind`.
    pub async fn list(
        &self,
        kind: Kind,
        url: &url::Url,
        progress: Option<&JobContext>,
    ) -> Result<Listing, HarvestError> {
        match kind {
            Kind::Ckan => self.list_ckan(url, progress).await,
            Kind::DataJson | Kind::Dcat => self.list_document(kind, url, progress).await,
        }
    }

    /// CKAN's `package_search`, page after page, until a page comes back
    /// empty or the announced count is reached (a portal whose count
    /// disagrees with its pages ends on the empty page).
    async fn list_ckan(
        &self,
        url: &url::Url,
        progress: Option<&JobContext>,
    ) -> Result<Listing, HarvestError> {
        let site = domain::ckan_site(url);
        let mut listing = Listing::default();
        let mut seen = HashSet::new();
        let mut start = 0usize;
        for _ in 0..self.limits.max_pages {
            let page = self
                .get_json(&domain::ckan_page_url(&site, self.limits.page_rows, start))
                .await?;
            let (results, count) = domain::ckan_page(&page).map_err(|message| {
                if message.is_empty() {
                    HarvestError::new("harvest-error-not-ckan").arg("host", host_of(&site))
                } else {
                    HarvestError::new("harvest-error-ckan")
                        .arg("host", host_of(&site))
                        .arg("message", message.chars().take(300).collect::<String>())
                }
            })?;
            if results.is_empty() {
                listing.complete = true;
                return Ok(listing);
            }
            let (mut new, mut again) = (0, 0);
            for pkg in &results {
                match domain::from_ckan(pkg, &site) {
                    Some(d) if seen.insert(d.remote_id.clone()) => {
                        new += 1;
                        listing.datasets.push(d);
                    }
                    Some(_) => again += 1,
                    None => listing.skipped += 1,
                }
            }
            if new == 0 && again > 0 {
                // The same page again: the portal ignores `start`.
                tracing::warn!(site, start, "harvest: the portal repeats its pages");
                return Ok(listing);
            }
            start += results.len();
            if listing.datasets.len() >= self.limits.max_datasets {
                listing.datasets.truncate(self.limits.max_datasets);
                return Ok(listing);
            }
            if count.is_some_and(|c| start as u64 >= c) {
                listing.complete = true;
                return Ok(listing);
            }
            report(progress, listing.datasets.len(), "listando").await?;
        }
        // Too many pages: what was read is harvested, nothing is retired.
        Ok(listing)
    }

    /// A data.json or a DCAT JSON-LD catalog (following Hydra's next page
    /// when the catalog is paged, as ckanext-dcat's endpoints are).
    async fn list_document(
        &self,
        kind: Kind,
        url: &url::Url,
        progress: Option<&JobContext>,
    ) -> Result<Listing, HarvestError> {
        let host = url.host_str().unwrap_or_default().to_string();
        let mut listing = Listing::default();
        let mut seen = HashSet::new();
        let mut next = Some(url.to_string());
        let mut visited = HashSet::new();
        let mut pages = 0;
        while let Some(page_url) = next.take() {
            if pages == self.limits.max_pages || !visited.insert(page_url.clone()) {
                return Ok(listing);
            }
            pages += 1;
            let doc = self.get_json(&page_url).await?;
            let pod = domain::datajson_datasets(&doc);
            let found: Vec<RemoteDataset> = if pod.is_some() && doc.get("@graph").is_none() {
                let all = pod.map(Vec::as_slice).unwrap_or_default();
                let mapped: Vec<_> = all
                    .iter()
                    .filter_map(|d| domain::from_datajson(d, &page_url))
                    .collect();
                listing.skipped += all.len() - mapped.len();
                mapped
            } else if DcatDocument::is_dcat(&doc) {
                DcatDocument::read(&doc).datasets(&page_url)
            } else {
                let key = if kind == Kind::DataJson {
                    "harvest-error-not-datajson"
                } else {
                    "harvest-error-not-dcat"
                };
                return Err(HarvestError::new(key).arg("host", &host));
            };
            for d in found {
                if seen.insert(d.remote_id.clone()) {
                    listing.datasets.push(d);
                }
            }
            if listing.datasets.len() >= self.limits.max_datasets {
                listing.datasets.truncate(self.limits.max_datasets);
                return Ok(listing);
            }
            next = next_page(&doc).filter(|n| !visited.contains(n));
            report(progress, listing.datasets.len(), "listando").await?;
        }
        listing.complete = true;
        Ok(listing)
    }
}

/// A JSON document from bytes (a UTF-8 BOM tolerated), or the key of why
/// not: an HTML page, Turtle, or anything else.
pub fn parse_json(body: &[u8]) -> Result<Value, &'static str> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..];
    if head.is_empty() {
        return Err("harvest-error-empty");
    }
    if head.starts_with(b"<") {
        return Err("harvest-error-html");
    }
    if head.starts_with(b"@prefix")
        || head.starts_with(b"@base")
        || head.starts_with(b"PREFIX")
        || head.starts_with(b"prefix")
    {
        return Err("harvest-error-turtle");
    }
    serde_json::from_slice(head).map_err(|_| "harvest-error-not-json")
}

/// The next page of a paged DCAT catalog (Hydra's `nextPage` / `next`).
fn next_page(doc: &Value) -> Option<String> {
    fn find(v: &Value, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match v {
            Value::Object(o) => {
                for (k, child) in o {
                    let is_next = k == "hydra:nextPage"
                        || k == "hydra:next"
                        || k.ends_with("hydra/core#nextPage")
                        || k.ends_with("hydra/core#next")
                        || k == "nextPage";
                    if is_next {
                        if let Some(u) = domain::text(child).and_then(|u| domain::http_url(&u)) {
                            return Some(u);
                        }
                    }
                }
                o.values().find_map(|c| find(c, depth + 1))
            }
            Value::Array(items) => items.iter().find_map(|c| find(c, depth + 1)),
            _ => None,
        }
    }
    find(doc, 0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bodies_that_are_not_json_say_what_they_are() {
        assert_eq!(parse_json(b"\xEF\xBB\xBF {\"a\": 1}").unwrap()["a"], 1);
        assert_eq!(
            parse_json(b"  <!DOCTYPE html><html>"),
            Err("harvest-error-html")
        );
        assert_eq!(
            parse_json(b"@prefix dcat: <x> ."),
            Err("harvest-error-turtle")
        );
        assert_eq!(parse_json(b"{\"a\": "), Err("harvest-error-not-json"));
        assert_eq!(parse_json(b"   "), Err("harvest-error-empty"));
    }

    #[test]
    fn hydra_pages_are_followed() {
        let doc = serde_json::json!({
            "@graph": [{"@type": "hydra:PagedCollection", "hydra:nextPage": "https://x.org/catalog.jsonld?page=2"}]
        });
        assert_eq!(
            next_page(&doc).as_deref(),
            Some("https://x.org/catalog.jsonld?page=2")
        );
        assert_eq!(next_page(&serde_json::json!({"dataset": []})), None);
    }
}
