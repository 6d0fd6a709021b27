//! The web shell: shared state, the route table with its permission guard, the
//! request context handlers receive, page rendering in the base layout, static
//! assets, health checks and the middleware stack (request ids, logs,
//! compression, security headers, language, Spanish error pages).
//!
//! Only this module and the capabilities' `http` modules know axum.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;
use minijinja::value::{merge_maps, Kwargs};
use minijinja::{context, Environment, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::authz::{authorize, Action, Actor, Rule, Subject};
use crate::config::Config;
use crate::db::Db;
use crate::error::{key_for_status, Error, ErrorPage};
use crate::files::FileStore;
use crate::i18n::{format_int, I18n, Locale};
use crate::jobs::JobQueue;
use crate::security::Secret;

/// Everything a handler may need, shared by all requests.
pub struct Shared {
    pub config: Config,
    pub db: Db,
    pub files: FileStore,
    pub jobs: JobQueue,
    pub i18n: Arc<I18n>,
    pub templates: Environment<'static>,
    pub nav: Vec<NavItem>,
    pub assets: Assets,
    /// Every route with the action it performs: the permission matrix.
    pub routes: Vec<RouteInfo>,
    /// The server secret (CSRF tokens, signatures), shared by all processes.
    pub secret: Secret,
    /// Who is asking: provided by the accounts capability.
    pub resolver: Option<Arc<dyn ActorResolver>>,
    /// Pieces of pages that capabilities contribute to other capabilities'
    /// pages (e.g. the catalog's datasets on a body's profile).
    pub fragments: Vec<Arc<dyn Fragment>>,
    /// Who runs what when a capability announces an event.
    pub events: crate::events::Events,
    /// Capabilities' own long-lived objects (see `Capability::services`).
    pub services: Vec<crate::capability::Service>,
    /// Every kind of document the search index holds, by its owner.
    pub search_sources: Vec<Arc<dyn crate::search::SearchSource>>,
}

impl Shared {
    /// A capability's service of type `T`, if the capability is installed.
    pub fn service<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.services.iter().find_map(|s| s.downcast_ref::<T>())
    }
}

/// A piece of a page contributed by another capability (like Decidim's content
/// blocks): the page's owner asks for the fragments of a kind of page and a
/// subject, without knowing who provides them.
#[async_trait::async_trait]
pub trait Fragment: Send + Sync {
    /// The kind of page it goes on, e.g. `"body"` (subject: a body id).
    fn page(&self) -> &'static str;
    /// Rendered HTML, or nothing to show.
    async fn render(&self, ctx: &Ctx, subject: i64) -> Result<Option<String>, Error>;
}

/// Finds the actor of a request (session cookie or API token). Provided by a
/// capability (accounts); the kernel only calls it.
#[async_trait::async_trait]
pub trait ActorResolver: Send + Sync {
    async fn resolve(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<Actor>, sqlx::Error>;
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// A `Set-Cookie` value with the platform's attributes (HttpOnly, SameSite=Lax,
/// Secure when the public URL is https).
pub fn set_cookie(
    config: &Config,
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if config.public_url().starts_with("https://") {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The CSRF token of this request, for forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("routes", &self.routes.len())
            .finish()
    }
}

/// An entry of the main navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub order: u16,
}

/// A route and the action it performs.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub action: &'static Action,
    /// Reads a large body: exempt from the request timeout.
    pub streaming: bool,
}

/// The routes of a capability, each registered with its action so the guard
/// can check it and the permission-matrix test can list it.
pub struct Routes {
    router: Router<AppState>,
    info: Vec<RouteInfo>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl std::fmt::Debug for Routes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Routes").field("info", &self.info).finish()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            info: vec![],
        }
    }

    /// Registers `handler` for `method path`, guarded by `action`.
    pub fn route(
        self,
        method: Method,
        path: &'static str,
        action: &'static Action,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        self.register(method, path, action, handler, false)
    }

    /// Like [`Routes::route`], for handlers that read a large body (uploads):
    /// they are not cut by the request timeout, and no body limit applies
    /// (the handler enforces its own, e.g. `APERTURA_MAX_UPLOAD_BYTES`).
    pub fn streaming(
        self,
        method: Method,
        path: &'static str,
        action: &'static Action,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        let handler = handler.layer(axum::extract::DefaultBodyLimit::disable());
        self.register(method, path, action, handler, true)
    }

    fn register(
        mut self,
        method: Method,
        path: &'static str,
        action: &'static Action,
        handler: MethodRouter<AppState>,
        streaming: bool,
    ) -> Routes {
        let guarded = handler.layer(middleware::from_fn(move |req: Request, next: Next| {
            guard(action, streaming, req, next)
        }));
        self.router = self.router.route(path, guarded);
        self.info.push(RouteInfo {
            method,
            path,
            action,
            streaming,
        });
        self
    }

    pub fn get<H, T>(self, path: &'static str, action: &'static Action, handler: H) -> Routes
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::GET, path, action, axum::routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, action: &'static Action, handler: H) -> Routes
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::POST, path, action, axum::routing::post(handler))
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.info.extend(other.info);
        self
    }

    pub fn info(&self) -> &[RouteInfo] {
        &self.info
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.info)
    }
}

/// The permission check in front of every route.
/// The request timeout, put on every request by the router so that each
/// route's guard can apply it (streaming routes do not).
#[derive(Debug, Clone, Copy)]
struct RequestTimeout(Duration);

async fn guard(action: &'static Action, streaming: bool, req: Request, next: Next) -> Response {
    let actor = req
        .extensions()
        .get::<Actor>()
        .cloned()
        .unwrap_or_else(Actor::anonymous);
    let timeout = req.extensions().get::<RequestTimeout>().copied();
    match authorize(&actor, action, Subject::None) {
        Ok(()) => match (streaming, timeout) {
            (false, Some(RequestTimeout(limit))) => {
                match tokio::time::timeout(limit, next.run(req)).await {
                    Ok(res) => res,
                    Err(_) => {
                        tracing::warn!(action = action.name, "request timed out");
                        Error::user(StatusCode::REQUEST_TIMEOUT, "error-timeout").into_response()
                    }
                }
            }
            _ => next.run(req).await,
        },
        Err(denied) => {
            tracing::info!(action = action.name, actor = actor.kind, "denied");
            Error::from(denied).into_response()
        }
    }
}

/// What a handler knows about the request it serves.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub state: AppState,
    pub locale: Locale,
    pub actor: Actor,
    pub request_id: String,
    pub path: String,
    pub query: String,
    /// Goes in every form as `_csrf`.
    pub csrf_token: String,
    /// The request's headers (cookies, for the few handlers that need them).
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Ctx, Infallible> {
        let locale = parts
            .extensions
            .get::<Locale>()
            .copied()
            .unwrap_or_default();
        let request_id = request_id(&parts.headers);
        let mut actor = parts
            .extensions
            .get::<Actor>()
            .cloned()
            .unwrap_or_else(Actor::anonymous);
        actor.request_id = Some(request_id.clone());
        if actor.ip.is_none() {
            actor.ip = client_ip(parts, state.config.behind_proxy);
        }
        Ok(Ctx {
            state: state.clone(),
            locale,
            actor,
            request_id,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or_default().to_string(),
            csrf_token: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            headers: parts.headers.clone(),
        })
    }
}

impl Ctx {
    /// A message in the request's language.
    pub fn t(&self, key: &str) -> String {
        self.state.i18n.t(self.locale, key)
    }

    /// The one permission check, for a subject known only inside the handler.
    pub fn authorize(&self, action: &Action, subject: Subject) -> Result<(), Error> {
        authorize(&self.actor, action, subject).map_err(Error::from)
    }

    /// The fragments other capabilities contribute to `page` about `subject`,
    /// ready to insert (already rendered and escaped by their templates).
    pub async fn fragments(&self, page: &str, subject: i64) -> Result<Vec<Value>, Error> {
        let mut out = vec![];
        for f in self.state.fragments.iter().filter(|f| f.page() == page) {
            if let Some(html) = f.render(self, subject).await? {
                out.push(Value::from_safe_string(html));
            }
        }
        Ok(out)
    }

    /// Renders a template without the layout (for fragments).
    pub fn render_fragment(&self, template: &str, page: Value) -> Result<String, Error> {
        let base = context! { lang => self.locale.code(), csrf_token => self.csrf_token.clone() };
        self.state
            .templates
            .get_template(template)
            .and_then(|t| t.render(merge_maps([page, base])))
            .map_err(Error::internal)
    }

    /// Renders `template` inside the base layout.
    pub fn render(&self, template: &str, page: Value) -> Result<Response, Error> {
        let base = base_context(
            &self.state,
            self.locale,
            &self.path,
            &self.query,
            &self.actor,
            &self.request_id,
            &self.csrf_token,
        );
        let html = self
            .state
            .templates
            .get_template(template)
            .and_then(|t| t.render(merge_maps([page, base])))
            .map_err(Error::internal)?;
        Ok(Html(html).into_response())
    }
}

/// The client's address: the connection's peer, or, behind a reverse proxy
/// (`APERTURA_BEHIND_PROXY`), the last address the proxy appended to
/// `X-Forwarded-For` (earlier entries can be forged by the client).
fn client_ip(parts: &Parts, behind_proxy: bool) -> Option<String> {
    if behind_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| v.parse::<std::net::IpAddr>().is_ok())
            .map(str::to_string);
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

#[derive(Serialize)]
struct NavEntry {
    href: &'static str,
    label: String,
    current: bool,
}

/// What every page's layout needs.
fn base_context(
    state: &AppState,
    locale: Locale,
    path: &str,
    query: &str,
    actor: &Actor,
    request_id: &str,
    csrf_token: &str,
) -> Value {
    let nav: Vec<NavEntry> = state
        .nav
        .iter()
        .map(|n| NavEntry {
            href: n.href,
            label: state.i18n.t(locale, n.label_key),
            current: path == n.href || path.starts_with(&format!("{}/", n.href)),
        })
        .collect();
    let other = match locale {
        Locale::Es => Locale::En,
        Locale::En => Locale::Es,
    };
    // A huge query string is not worth repeating in every link.
    let query = if query.len() > 2_000 { "" } else { query };
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.push(("lang".into(), other.code().into()));
    let switch_query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    context! {
        lang => locale.code(),
        html_lang => locale.html_lang(),
        path => path,
        nav => nav,
        request_id => request_id,
        signed_in => actor.is_signed_in(),
        user_name => actor.display_name.clone(),
        is_staff => actor.is_signed_in() && matches!(actor.role, crate::authz::Role::PlatformAdmin | crate::authz::Role::InstituteReviewer),
        csrf_token => csrf_token,
        lang_switch => context! {
            href => format!("{path}?{switch_query}"),
            code => other.code(),
            html_lang => other.html_lang(),
            label => state.i18n.t(other, "layout-language-name"),
        },
        public_url => state.config.public_url(),
    }
}

/// Sets up the template environment: templates from every capability, the
/// `t()` function bound to the page's language, `asset()` and the `int` filter.
pub fn template_env(
    templates: &[(&'static str, &'static str)],
    i18n: Arc<I18n>,
    assets: &Assets,
) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    // Lenient: a missing optional value (e.g. no error for a field) is simply empty.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
    for (name, source) in templates {
        env.add_template(name, source)?;
    }
    env.add_function(
        "t",
        move |state: &minijinja::State,
              key: String,
              kwargs: Kwargs|
              -> Result<String, minijinja::Error> {
            let locale = state
                .lookup("lang")
                .and_then(|v| v.as_str().and_then(Locale::from_code))
                .unwrap_or_default();
            let mut args = fluent_bundle::FluentArgs::new();
            for name in kwargs.args() {
                let v: Value = kwargs.get(name)?;
                // Small whole numbers stay numbers, so that plural variants
                // (`[one] 1 conjunto`) match; larger ones get the thousands
                // separator (Fluent's own formatting has none), and every
                // language here puts them in the `other` variant anyway.
                let value: fluent_bundle::FluentValue<'_> = match v.as_i64() {
                    Some(n) if n.abs() < 1000 => n.into(),
                    Some(n) => format_int(n).into(),
                    None => v.to_string().into(),
                };
                args.set(name.to_string(), value);
            }
            Ok(if args.iter().next().is_some() {
                i18n.t_args(locale, &key, &args)
            } else {
                i18n.t(locale, &key)
            })
        },
    );
    let urls = assets.urls();
    env.add_function(
        "asset",
        move |name: String| -> Result<Value, minijinja::Error> {
            // Our own URL, known to be safe: no need to entity-escape its slashes.
            urls.get(name.as_str())
                .cloned()
                .map(Value::from_safe_string)
                .ok_or_else(|| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("unknown asset {name}"),
                    )
                })
        },
    );
    env.add_filter("int", |v: i64| format_int(v));
    Ok(env)
}

/// A static file embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

/// Every embedded asset, with a content hash for cache busting.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    by_name: HashMap<&'static str, (Asset, String)>,
}

impl Assets {
    pub fn new(list: &[Asset]) -> Assets {
        let by_name = list
            .iter()
            .map(|a| {
                let hash = hex::encode(&Sha256::digest(a.bytes)[..6]);
                (a.name, (*a, hash))
            })
            .collect();
        Assets { by_name }
    }

    /// `name` → `/static/name?v=hash`.
    pub fn urls(&self) -> HashMap<&'static str, String> {
        self.by_name
            .iter()
            .map(|(name, (_, hash))| (*name, format!("/static/{name}?v={hash}")))
            .collect()
    }

    fn get(&self, name: &str) -> Option<&(Asset, String)> {
        self.by_name.get(name)
    }
}

/// Serves an embedded asset with an ETag; versioned URLs are cached for a year.
async fn static_asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((asset, hash)) = state.assets.get(&name) else {
        return Error::not_found().into_response();
    };
    let etag = format!("\"{hash}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, asset.content_type.to_string()),
            (header::ETAG, etag),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_string(),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database and the file store answer.
async fn readyz(State(state): State<AppState>) -> Response {
    let db = tokio::time::timeout(Duration::from_secs(5), state.db.ping()).await;
    let files = tokio::time::timeout(Duration::from_secs(5), state.files.check()).await;
    let db_ok = matches!(db, Ok(Ok(())));
    let files_ok = matches!(files, Ok(Ok(())));
    let status = if db_ok && files_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "no disponible" };
    (
        status,
        axum::Json(serde_json::json!({
            "status": word(db_ok && files_ok),
            "database": word(db_ok),
            "database_backend": state.db.backend().name(),
            "files": word(files_ok),
        })),
    )
        .into_response()
}

pub static VIEW_PUBLIC: Action = Action::read("kernel.public.view", Rule::Anyone);

/// The kernel's own routes: health checks and static assets.
pub fn kernel_routes() -> Routes {
    Routes::new()
        .get("/healthz", &VIEW_PUBLIC, healthz)
        .get("/readyz", &VIEW_PUBLIC, readyz)
        .get("/static/{name}", &VIEW_PUBLIC, static_asset)
}

/// Chooses the language: `?lang=` (remembered in a cookie), the cookie, or
/// `Accept-Language`.
async fn choose_locale(mut req: Request, next: Next) -> Response {
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Locale::from_code(&v))
    });
    let from_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang=").and_then(Locale::from_code));
    let locale = from_query.or(from_cookie).unwrap_or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Locale::negotiate)
            .unwrap_or_default()
    });
    req.extensions_mut().insert(locale);
    let mut res = next.run(req).await;
    if let Some(chosen) = from_query {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            chosen.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    res
}

/// The action named by a CKAN Action API path (`/api/3/action/x`, `/api/action/x`).
pub fn ckan_action(path: &str) -> Option<&str> {
    path.strip_prefix("/api/3/action/")
        .or_else(|| path.strip_prefix("/api/action/"))
        .filter(|a| !a.is_empty() && !a.contains('/'))
}

/// CKAN's `error.__type` for an HTTP status.
pub fn ckan_error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => "Authorization Error",
        404 => "Not Found Error",
        409 | 413 | 415 | 422 => "Validation Error",
        400..=499 => "Bad Request",
        _ => "Internal Server Error",
    }
}

/// Renders every error answer as a page in the person's language (or JSON for
/// API clients), unless the handler already rendered it.
async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = req
        .extensions()
        .get::<Locale>()
        .copied()
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let rid = request_id(req.headers());
    let wants_json = path.starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let actor = req
        .extensions()
        .get::<Actor>()
        .cloned()
        .unwrap_or_else(Actor::anonymous);
    let csrf = req
        .extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let page = res.extensions().get::<ErrorPage>().cloned();
    if page.is_none() {
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if ct.starts_with("text/html") || ct.starts_with("application/json") {
            return res;
        }
    }
    if status.is_server_error() && page.is_none() {
        tracing::error!(status = status.as_u16(), request_id = %rid, "server error without page");
    }
    let page = page.unwrap_or(ErrorPage {
        key: key_for_status(status),
        args: vec![],
    });
    let mut args = fluent_bundle::FluentArgs::new();
    for (k, v) in &page.args {
        args.set(*k, v.clone());
    }
    let message = state.i18n.t_args(locale, page.key, &args);
    // A message may come without a title of its own: then the status's title.
    let own_title = format!("{}-title", page.key);
    let title = if state.i18n.has(Locale::Es, &own_title) {
        state.i18n.t(locale, &own_title)
    } else {
        state
            .i18n
            .t(locale, &format!("{}-title", key_for_status(status)))
    };
    // Keep headers that matter to clients (Allow, Retry-After, WWW-Authenticate,
    // Set-Cookie, Content-Range of a 416).
    let mut kept = HeaderMap::new();
    for name in [
        header::ALLOW,
        header::CONTENT_RANGE,
        header::RETRY_AFTER,
        header::WWW_AUTHENTICATE,
        header::SET_COOKIE,
        header::VARY,
    ] {
        for v in res.headers().get_all(&name) {
            kept.append(name.clone(), v.clone());
        }
    }
    let mut out = if let Some(action) = ckan_action(&path) {
        // CKAN clients read CKAN's envelope, whoever refused the request.
        (
            status,
            axum::Json(serde_json::json!({
                "help": format!("{}/api/3/action/help_show?name={action}", state.config.public_url()),
                "success": false,
                "error": { "__type": ckan_error_type(status), "message": message },
            })),
        )
            .into_response()
    } else if wants_json {
        (
            status,
            axum::Json(serde_json::json!({
                "error": { "code": page.key, "message": message, "request_id": rid }
            })),
        )
            .into_response()
    } else {
        let base = base_context(&state, locale, &path, &query, &actor, &rid, &csrf);
        let ctx = context! {
            status => status.as_u16(),
            title => title,
            message => message,
            show_request_id => status.is_server_error(),
        };
        match state
            .templates
            .get_template("kernel/error.html")
            .and_then(|t| t.render(merge_maps([ctx, base])))
        {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, format!("{title}\n{message}\n")).into_response()
            }
        }
    };
    for (name, v) in kept.iter() {
        out.headers_mut().append(name.clone(), v.clone());
    }
    out
}

/// Puts the actor (from the session cookie or an API token) on the request.
/// If the lookup fails the request goes on as anonymous; handlers that need
/// the database answer 503 themselves.
/// An unsafe request to the API without an `Authorization` header: it is
/// served as anonymous (session cookies are not looked at), so it needs no
/// CSRF token — a page elsewhere cannot make it act as someone.
fn cookieless_api_write(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !req.headers().contains_key(header::AUTHORIZATION)
}

async fn resolve_actor(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if cookieless_api_write(&req) {
        return next.run(req).await;
    }
    if let Some(resolver) = state.resolver.clone() {
        match resolver.resolve(&state, req.headers()).await {
            Ok(Some(actor)) => {
                req.extensions_mut().insert(actor);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not resolve the actor"),
        }
    }
    next.run(req).await
}

const CSRF_COOKIE: &str = "csrf";

/// Gives every visitor a random `csrf` cookie and puts the matching form token
/// on the request.
async fn csrf_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| (32..=64).contains(&c.len()));
    let value = existing
        .clone()
        .unwrap_or_else(crate::security::random_token);
    req.extensions_mut()
        .insert(CsrfToken(state.secret.csrf_token(&value)));
    let mut res = next.run(req).await;
    if existing.is_none() {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state.config, CSRF_COOKIE, &value, None),
        );
    }
    res
}

/// Refuses unsafe requests without a valid CSRF token (header `x-csrf-token`,
/// query `_csrf`, or form field `_csrf`). Requests that authenticate with an
/// `Authorization` header carry no ambient credentials and are not checked.
async fn csrf_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !unsafe_method
        || req.headers().contains_key(header::AUTHORIZATION)
        || cookieless_api_write(&req)
    {
        return next.run(req).await;
    }
    let denied = || Error::user(StatusCode::FORBIDDEN, "error-csrf").into_response();
    let Some(cookie_value) = cookie(req.headers(), CSRF_COOKIE) else {
        return denied();
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(token) = from_header.or(from_query) {
        return if state.secret.verify_csrf(&cookie_value, &token) {
            next.run(req).await
        } else {
            denied()
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return denied();
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return Error::user(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
                .arg("limit", FORM_LIMIT)
                .into_response()
        }
    };
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !state.secret.verify_csrf(&cookie_value, &token) {
        return denied();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Largest ordinary form (uploads go through their own multipart routes).
pub const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// Security headers on every answer (a handler may set its own first).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let defaults: [(&str, &str); 6] = [
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}

/// Files people download (`Content-Disposition: attachment`) travel as stored:
/// their length and SHA-256 stay the ones the platform publishes.
fn not_a_download(
    _: StatusCode,
    _: axum::http::Version,
    headers: &HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    !headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("attachment"))
}

/// Answers any path no capability claimed.
async fn fallback() -> Error {
    Error::not_found()
}

/// The whole HTTP application: the capabilities' routes behind the middleware stack.
pub fn build_router(state: AppState, routes: Router<AppState>) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    routes
        .fallback(fallback)
        .layer(middleware::from_fn(move |mut req: Request, next: Next| {
            req.extensions_mut().insert(RequestTimeout(timeout));
            next.run(req)
        }))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), csrf_check))
        .layer(middleware::from_fn_with_state(state.clone(), error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), csrf_cookie))
        .layer(middleware::from_fn_with_state(state.clone(), resolve_actor))
        .layer(middleware::from_fn(choose_locale))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_a_download)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "http",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id = %request_id(req.headers()),
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(xff: &[&str], peer: &str) -> Parts {
        let mut b = axum::http::Request::builder().uri("/");
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut p, _) = b.body(()).expect("request").into_parts();
        let peer: std::net::SocketAddr = peer.parse().expect("peer");
        p.extensions.insert(axum::extract::ConnectInfo(peer));
        p
    }

    #[test]
    fn client_address_behind_a_proxy_uses_the_last_hop() {
        let p = parts(&["1.1.1.1, 203.0.113.9"], "127.0.0.1:5000");
        assert_eq!(client_ip(&p, true).as_deref(), Some("203.0.113.9"));
        assert_eq!(
            client_ip(&p, false).as_deref(),
            Some("127.0.0.1"),
            "ignored unless configured"
        );
        let forged = parts(&["no-es-ip"], "127.0.0.1:5000");
        assert_eq!(client_ip(&forged, true).as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("lang=en; sid=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("csrf=xyz"));
        assert_eq!(cookie(&h, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "csrf").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "si"), None);
    }
}
