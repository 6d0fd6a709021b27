//! The catalog in DCAT-AP 3 (what European and CKAN portals harvest):
//! `/catalog.{ttl,jsonld,rdf}`, paged with Hydra's `PagedCollection` as
//! ckanext-dcat does, and each public dataset at
//! `/datos/{slug}/dcat.{ttl,jsonld,rdf}` (axum's router cannot put a
//! parameter and a suffix in one segment, so `/datos/{slug}.ttl` is out).
//!
//! The graph is built once as triples and written by the Oxigraph project's
//! serializers (`oxttl`, `oxrdfxml`, `oxjsonld`): three syntaxes, one
//! graph, no hand-written RDF. Every resource a triple points at carries
//! its class (and concepts their label), because DCAT-AP's range shapes
//! check classes in the data itself.

use std::collections::{HashMap, HashSet};

use axum::extract::Path;
use axum::response::Response;
use catalog::domain::vocab::{Frequency, Licence, Theme};
use kernel::authz::{Action, Rule};
use kernel::i18n::Locale;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::common::{self, clean, date, document, Env, PER_PAGE};
use crate::model::{self, Package};

/// The catalog in DCAT-AP: anyone.
pub static VIEW: Action = Action::read("interop.dcat.view", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new()
        .get("/catalog.ttl", &VIEW, catalog_ttl)
        .get("/catalog.jsonld", &VIEW, catalog_jsonld)
        .get("/catalog.rdf", &VIEW, catalog_rdf)
        .get("/datos/{slug}/dcat.ttl", &VIEW, dataset_ttl)
        .get("/datos/{slug}/dcat.jsonld", &VIEW, dataset_jsonld)
        .get("/datos/{slug}/dcat.rdf", &VIEW, dataset_rdf)
}

/// The RDF syntaxes served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Turtle,
    JsonLd,
    RdfXml,
}

impl Syntax {
    pub const ALL: [Syntax; 3] = [Syntax::Turtle, Syntax::JsonLd, Syntax::RdfXml];

    pub fn content_type(self) -> &'static str {
        match self {
            Syntax::Turtle => "text/turtle; charset=utf-8",
            Syntax::JsonLd => "application/ld+json",
            Syntax::RdfXml => "application/rdf+xml",
        }
    }
    /// The media type alone (for `<link type>`).
    pub fn media_type(self) -> &'static str {
        self.content_type().split(';').next().unwrap_or_default()
    }
    pub fn extension(self) -> &'static str {
        match self {
            Syntax::Turtle => "ttl",
            Syntax::JsonLd => "jsonld",
            Syntax::RdfXml => "rdf",
        }
    }
}

// ---------------------------------------------------------------- namespaces

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const LOCN: &str = "http://www.w3.org/ns/locn#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";

/// Prefixes written in Turtle, RDF/XML and the JSON-LD `@context`.
const PREFIXES: [(&str, &str); 10] = [
    ("dcat", DCAT),
    ("dct", DCT),
    ("foaf", FOAF),
    ("vcard", VCARD),
    ("skos", SKOS),
    ("hydra", HYDRA),
    ("locn", LOCN),
    ("rdfs", RDFS),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
];

const THEME_SCHEME: &str = "http://publications.europa.eu/resource/authority/data-theme";
const LANGUAGE_SCHEME: &str = "http://publications.europa.eu/resource/authority/language";
const ACCESS_PUBLIC: &str = "http://publications.europa.eu/resource/authority/access-right/PUBLIC";

fn n(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// An IRI from data (ours or a publisher's link), if it is a valid one.
fn iri(s: &str) -> Option<NamedNode> {
    NamedNode::new(s.trim()).ok()
}

fn es(text: &str) -> Term {
    Literal::new_language_tagged_literal_unchecked(clean(text), "es").into()
}
fn lang(text: &str, tag: &str) -> Term {
    Literal::new_language_tagged_literal_unchecked(clean(text), tag).into()
}
fn plain(text: &str) -> Term {
    Literal::new_simple_literal(clean(text)).into()
}
fn typed(value: &str, datatype: oxrdf::NamedNodeRef<'_>) -> Term {
    Literal::new_typed_literal(value, datatype).into()
}

// ---------------------------------------------------------------- the graph

/// Triples grouped by subject in the order first met, without repeats (a
/// theme shared by a hundred datasets is described once).
#[derive(Debug, Default)]
pub struct Graph {
    subjects: Vec<(NamedOrBlankNode, Vec<(NamedNode, Term)>)>,
    index: HashMap<NamedOrBlankNode, usize>,
    seen: HashSet<Triple>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    pub fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        let t = Triple::new(s, p, o);
        if self.seen.contains(&t) {
            return;
        }
        let i = *self.index.entry(t.subject.clone()).or_insert_with(|| {
            self.subjects.push((t.subject.clone(), vec![]));
            self.subjects.len() - 1
        });
        self.subjects[i]
            .1
            .push((t.predicate.clone(), t.object.clone()));
        self.seen.insert(t);
    }

    fn a(&mut self, s: impl Into<NamedOrBlankNode>, class: NamedNode) {
        self.add(s, rdf::TYPE.into_owned(), class);
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn triples(&self) -> impl Iterator<Item = Triple> + '_ {
        self.subjects.iter().flat_map(|(s, pos)| {
            pos.iter()
                .map(move |(p, o)| Triple::new(s.clone(), p.clone(), o.clone()))
        })
    }

    /// The graph written in `syntax`.
    pub fn serialize(&self, syntax: Syntax) -> std::io::Result<Vec<u8>> {
        match syntax {
            Syntax::Turtle => {
                let mut s = oxttl::TurtleSerializer::new();
                for (p, ns) in PREFIXES {
                    s = s.with_prefix(p, ns).map_err(bad)?;
                }
                let mut w = s.for_writer(Vec::new());
                for t in self.triples() {
                    w.serialize_triple(&t)?;
                }
                w.finish()
            }
            Syntax::RdfXml => {
                let mut s = oxrdfxml::RdfXmlSerializer::new();
                for (p, ns) in PREFIXES {
                    s = s.with_prefix(p, ns).map_err(bad)?;
                }
                let mut w = s.for_writer(Vec::new());
                for t in self.triples() {
                    w.serialize_triple(&t)?;
                }
                w.finish()
            }
            Syntax::JsonLd => {
                let mut s = oxjsonld::JsonLdSerializer::new();
                for (p, ns) in PREFIXES {
                    s = s.with_prefix(p, ns).map_err(bad)?;
                }
                let mut w = s.for_writer(Vec::new());
                for t in self.triples() {
                    w.serialize_quad(t.as_ref().in_graph(oxrdf::GraphNameRef::DefaultGraph))?;
                }
                w.finish()
            }
        }
    }
}

fn bad(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
}

/// Reads a document back into triples (for tests and harvesting).
pub fn parse(syntax: Syntax, bytes: &[u8]) -> Result<Vec<Triple>, String> {
    match syntax {
        Syntax::Turtle => oxttl::TurtleParser::new()
            .for_slice(bytes)
            .map(|t| t.map_err(|e| e.to_string()))
            .collect(),
        Syntax::RdfXml => oxrdfxml::RdfXmlParser::new()
            .for_slice(bytes)
            .map(|t| t.map_err(|e| e.to_string()))
            .collect(),
        Syntax::JsonLd => oxjsonld::JsonLdParser::new()
            .for_slice(bytes)
            .map(|q| q.map(Triple::from).map_err(|e| e.to_string()))
            .collect(),
    }
}

// ---------------------------------------------------------------- DCAT-AP

/// Paging of the catalog (Hydra, as ckanext-dcat writes it: the page's URL
/// as subject, the other pages' URLs as literals).
#[derive(Debug, Clone)]
pub struct Paging {
    /// The document's URL without `?page=`.
    pub url: String,
    pub page: i64,
    pub total: i64,
}

impl Paging {
    fn page_url(&self, n: i64) -> String {
        format!("{}?page={n}", self.url)
    }
}

/// What describes the catalog itself (from the message catalogs).
#[derive(Debug, Clone)]
pub struct CatalogText {
    pub title: String,
    pub description: String,
}

/// The catalog's IRI: the site's address, as ckanext-dcat does.
pub fn catalog_iri(base: &str) -> String {
    base.to_string()
}

/// A whole page of the catalog.
pub fn catalog_graph(
    env: &Env,
    text: &CatalogText,
    packages: &[Package],
    paging: &Paging,
) -> Graph {
    let mut g = Graph::new();
    let base = &env.base;
    let cat = NamedNode::new_unchecked(catalog_iri(base));
    g.a(cat.clone(), n(DCAT, "Catalog"));
    g.add(cat.clone(), n(DCT, "title"), es(&text.title));
    g.add(cat.clone(), n(DCT, "description"), es(&text.description));
    let (slug, name, kind) = env.infoem();
    let infoem = NamedNode::new_unchecked(format!("{base}/sujetos-obligados/{slug}"));
    agent(&mut g, &infoem, &name, &kind);
    g.add(cat.clone(), n(DCT, "publisher"), infoem);
    let home = NamedNode::new_unchecked(format!("{base}/"));
    g.add(cat.clone(), n(FOAF, "homepage"), home.clone());
    g.a(home, n(FOAF, "Document"));
    let scheme = NamedNode::new_unchecked(THEME_SCHEME);
    g.add(cat.clone(), n(DCAT, "themeTaxonomy"), scheme.clone());
    g.a(scheme.clone(), n(SKOS, "ConceptScheme"));
    g.add(scheme.clone(), n(DCT, "title"), lang("Data theme", "en"));
    g.add(scheme, n(DCT, "title"), es("Temas de datos"));
    language(&mut g, &cat, "es");
    for p in packages {
        let ds = dataset(&mut g, env, p);
        g.add(cat.clone(), n(DCAT, "dataset"), ds);
    }
    // Hydra paging.
    let last = common::last_page(paging.total);
    let this = NamedNode::new_unchecked(paging.page_url(paging.page));
    g.a(this.clone(), n(HYDRA, "PagedCollection"));
    g.add(
        this.clone(),
        n(HYDRA, "totalItems"),
        typed(&paging.total.to_string(), xsd::INTEGER),
    );
    g.add(
        this.clone(),
        n(HYDRA, "itemsPerPage"),
        typed(&PER_PAGE.to_string(), xsd::INTEGER),
    );
    g.add(
        this.clone(),
        n(HYDRA, "firstPage"),
        plain(&paging.page_url(1)),
    );
    g.add(
        this.clone(),
        n(HYDRA, "lastPage"),
        plain(&paging.page_url(last)),
    );
    if paging.page < last {
        g.add(
            this.clone(),
            n(HYDRA, "nextPage"),
            plain(&paging.page_url(paging.page + 1)),
        );
    }
    if paging.page > 1 {
        g.add(
            this,
            n(HYDRA, "previousPage"),
            plain(&paging.page_url((paging.page - 1).min(last))),
        );
    }
    g
}

/// One dataset on its own.
pub fn dataset_graph(env: &Env, p: &Package) -> Graph {
    let mut g = Graph::new();
    dataset(&mut g, env, p);
    g
}

/// A public body (or the institute) as a `foaf:Agent` with its ADMS type.
fn agent(g: &mut Graph, node: &NamedNode, name: &str, kind: &str) {
    g.a(node.clone(), n(FOAF, "Agent"));
    g.add(node.clone(), n(FOAF, "name"), es(name));
    let (_, label) = common::publisher_type(kind);
    let t = NamedNode::new_unchecked(common::publisher_type_uri(kind));
    g.add(node.clone(), n(DCT, "type"), t.clone());
    g.a(t.clone(), n(SKOS, "Concept"));
    g.add(t, n(SKOS, "prefLabel"), lang(label, "en"));
}

/// `dct:language` with the EU language concept it names (the EU table is
/// not bundled with validators, so the concept says which scheme it is in).
fn language(g: &mut Graph, subject: &NamedNode, code: &str) {
    let l = NamedNode::new_unchecked(common::language_uri(code));
    g.add(subject.clone(), n(DCT, "language"), l.clone());
    g.a(l.clone(), n(DCT, "LinguisticSystem"));
    g.add(
        l.clone(),
        n(SKOS, "inScheme"),
        NamedNode::new_unchecked(LANGUAGE_SCHEME),
    );
    let (label, tag) = common::language_label(code);
    g.add(l, n(SKOS, "prefLabel"), lang(label, tag));
}

fn licence_node(g: &mut Graph, code: &str) -> Option<NamedNode> {
    let l = Licence::by_code(code)?;
    let node = iri(l.eu_uri.or(l.uri)?)?;
    g.a(node.clone(), n(DCT, "LicenseDocument"));
    g.add(node.clone(), n(RDFS, "label"), es(l.label_es));
    Some(node)
}

/// The triples of one dataset; returns its IRI (its page's URL).
fn dataset(g: &mut Graph, env: &Env, p: &Package) -> NamedNode {
    let base = &env.base;
    let d = &p.dataset;
    let m = &d.meta;
    let ds = NamedNode::new_unchecked(p.page_url(base));
    g.a(ds.clone(), n(DCAT, "Dataset"));
    g.add(ds.clone(), n(DCT, "title"), es(&m.title));
    g.add(ds.clone(), n(DCT, "description"), es(&m.description));
    g.add(ds.clone(), n(DCT, "identifier"), plain(&p.page_url(base)));
    for k in &m.keywords {
        g.add(ds.clone(), n(DCAT, "keyword"), es(k));
    }
    for code in &m.themes {
        if let Some(t) = Theme::by_code(code) {
            let node = NamedNode::new_unchecked(t.uri);
            g.add(ds.clone(), n(DCAT, "theme"), node.clone());
            g.a(node.clone(), n(SKOS, "Concept"));
            g.add(node.clone(), n(SKOS, "prefLabel"), es(t.label_es));
            g.add(node, n(SKOS, "prefLabel"), lang(t.label_en, "en"));
        }
    }
    if let Some(f) = m.frequency.as_deref().and_then(Frequency::by_code) {
        let node = NamedNode::new_unchecked(f.uri);
        g.add(ds.clone(), n(DCT, "accrualPeriodicity"), node.clone());
        g.a(node.clone(), n(DCT, "Frequency"));
        g.add(node, n(RDFS, "label"), es(f.label_es));
    }
    // The publisher.
    let body = NamedNode::new_unchecked(model::body_url(base, &p.body));
    agent(g, &body, &p.body.name, env.body_kind(p));
    g.add(ds.clone(), n(DCT, "publisher"), body);
    // Dates.
    if let Some(issued) = d.published_at.as_deref().and_then(date) {
        g.add(ds.clone(), n(DCT, "issued"), typed(issued, xsd::DATE));
    }
    if let Some(modified) = date(p.modified()) {
        g.add(ds.clone(), n(DCT, "modified"), typed(modified, xsd::DATE));
    }
    // Where and when.
    if let Some(place) = env.place(m.spatial.as_deref()) {
        if let Some(node) = iri(&place.uri) {
            g.add(ds.clone(), n(DCT, "spatial"), node.clone());
            g.a(node.clone(), n(DCT, "Location"));
            g.add(node.clone(), n(LOCN, "geographicName"), es(&place.name));
            g.add(node, n(SKOS, "prefLabel"), es(&place.name));
        }
    }
    let start = m.temporal_start.as_deref().and_then(date);
    let end = m.temporal_end.as_deref().and_then(date);
    if start.is_some() || end.is_some() {
        let period = BlankNode::default();
        g.add(ds.clone(), n(DCT, "temporal"), period.clone());
        g.a(period.clone(), n(DCT, "PeriodOfTime"));
        if let Some(s) = start {
            g.add(period.clone(), n(DCAT, "startDate"), typed(s, xsd::DATE));
        }
        if let Some(e) = end {
            g.add(period, n(DCAT, "endDate"), typed(e, xsd::DATE));
        }
    }
    // Who answers.
    let contact = env.contact(p);
    let kind = BlankNode::default();
    g.add(ds.clone(), n(DCAT, "contactPoint"), kind.clone());
    g.a(kind.clone(), n(VCARD, "Kind"));
    g.add(kind.clone(), n(VCARD, "fn"), plain(&contact.name));
    if let Some(mail) = iri(&format!("mailto:{}", contact.email)) {
        g.add(kind, n(VCARD, "hasEmail"), mail);
    }
    language(g, &ds, &m.language);
    let public = NamedNode::new_unchecked(ACCESS_PUBLIC);
    g.add(ds.clone(), n(DCT, "accessRights"), public.clone());
    g.a(public, n(DCT, "RightsStatement"));
    // Distributions.
    let licence = licence_node(g, &m.licence);
    for item in &p.resources {
        let Some(dist) = iri(&item.page_url) else {
            continue;
        };
        g.add(ds.clone(), n(DCAT, "distribution"), dist.clone());
        g.a(dist.clone(), n(DCAT, "Distribution"));
        g.add(dist.clone(), n(DCT, "title"), es(&item.resource.name));
        if !item.resource.description.trim().is_empty() {
            g.add(
                dist.clone(),
                n(DCT, "description"),
                es(&item.resource.description),
            );
        }
        g.add(dist.clone(), n(DCAT, "accessURL"), dist.clone());
        if let Some(l) = &licence {
            g.add(dist.clone(), n(DCT, "license"), l.clone());
        }
        match &item.current {
            Some(v) => {
                if let Some(u) = iri(&item.download_url) {
                    g.add(dist.clone(), n(DCAT, "downloadURL"), u);
                }
                if let Some(ft) = common::file_type_uri(&v.format) {
                    let node = NamedNode::new_unchecked(ft);
                    g.add(dist.clone(), n(DCT, "format"), node.clone());
                    g.a(node, n(DCT, "MediaTypeOrExtent"));
                }
                if let Some(mt) = common::iana_uri(&v.media_type) {
                    let node = NamedNode::new_unchecked(mt);
                    g.add(dist.clone(), n(DCAT, "mediaType"), node.clone());
                    g.a(node, n(DCT, "MediaType"));
                }
                g.add(
                    dist.clone(),
                    n(DCAT, "byteSize"),
                    typed(&v.size.max(0).to_string(), xsd::NON_NEGATIVE_INTEGER),
                );
                if let Some(created) = date(&v.created_at) {
                    g.add(dist.clone(), n(DCT, "modified"), typed(created, xsd::DATE));
                }
            }
            None => {
                // A link to elsewhere: that page gives access too.
                if let Some(u) = iri(&item.download_url) {
                    g.add(dist.clone(), n(DCAT, "accessURL"), u);
                }
            }
        }
    }
    ds
}

// ---------------------------------------------------------------- handlers

fn catalog_text(ctx: &Ctx) -> CatalogText {
    CatalogText {
        title: ctx.state.i18n.t(Locale::Es, "interop-catalog-title"),
        description: ctx.state.i18n.t(Locale::Es, "interop-catalog-description"),
    }
}

fn written(g: &Graph, syntax: Syntax) -> Result<Response, Error> {
    let bytes = g.serialize(syntax).map_err(Error::internal)?;
    Ok(document(syntax.content_type(), bytes))
}

async fn catalog(ctx: Ctx, syntax: Syntax) -> Result<Response, Error> {
    let page = common::page_param(&ctx.query)?;
    let env = Env::load(&ctx).await?;
    let offset = (page - 1).saturating_mul(PER_PAGE);
    let (packages, total) = model::public_page(&ctx.state.db, &env.base, PER_PAGE, offset).await?;
    common::check_page(page, total)?;
    let paging = Paging {
        url: format!("{}/catalog.{}", env.base, syntax.extension()),
        page,
        total,
    };
    written(
        &catalog_graph(&env, &catalog_text(&ctx), &packages, &paging),
        syntax,
    )
}

async fn catalog_ttl(ctx: Ctx) -> Result<Response, Error> {
    catalog(ctx, Syntax::Turtle).await
}
async fn catalog_jsonld(ctx: Ctx) -> Result<Response, Error> {
    catalog(ctx, Syntax::JsonLd).await
}
async fn catalog_rdf(ctx: Ctx) -> Result<Response, Error> {
    catalog(ctx, Syntax::RdfXml).await
}

/// The package of a public dataset, or 404 (drafts, private and deleted
/// datasets do not exist for these formats).
pub async fn public_package(ctx: &Ctx, base: &str, slug: &str) -> Result<Package, Error> {
    let Some(d) = model::find(&ctx.state.db, slug).await? else {
        return Err(Error::not_found());
    };
    if !d.is_public() {
        return Err(Error::not_found());
    }
    model::package(&ctx.state.db, base, d)
        .await?
        .ok_or_else(Error::not_found)
}

async fn one(ctx: Ctx, slug: String, syntax: Syntax) -> Result<Response, Error> {
    let env = Env::load(&ctx).await?;
    let p = public_package(&ctx, &env.base, &slug).await?;
    written(&dataset_graph(&env, &p), syntax)
}

async fn dataset_ttl(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    one(ctx, slug, Syntax::Turtle).await
}
async fn dataset_jsonld(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    one(ctx, slug, Syntax::JsonLd).await
}
async fn dataset_rdf(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    one(ctx, slug, Syntax::RdfXml).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_round_trips_through_every_syntax() {
        let mut g = Graph::new();
        let s = NamedNode::new_unchecked("http://example.org/datos/año");
        g.a(s.clone(), n(DCAT, "Dataset"));
        g.add(
            s.clone(),
            n(DCT, "title"),
            es("Población <de> \"México\" & más\u{1}"),
        );
        g.add(
            s.clone(),
            n(DCT, "title"),
            es("Población <de> \"México\" & más\u{1}"),
        );
        let b = BlankNode::default();
        g.add(s.clone(), n(DCT, "temporal"), b.clone());
        g.add(b, n(DCAT, "startDate"), typed("2020-01-01", xsd::DATE));
        assert_eq!(g.len(), 4);
        for syntax in Syntax::ALL {
            let bytes = g.serialize(syntax).expect("serialized");
            let back = parse(syntax, &bytes).unwrap_or_else(|e| panic!("{syntax:?}: {e}"));
            assert_eq!(back.len(), 4, "{syntax:?}");
            let title = back
                .iter()
                .find(|t| t.predicate == n(DCT, "title"))
                .expect("title");
            assert_eq!(
                title.object,
                es("Población <de> \"México\" & más"),
                "{syntax:?}"
            );
        }
    }
}
