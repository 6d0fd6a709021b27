"""DCAT-AP 3: the paged catalog (every page) and one dataset, in Turtle,
JSON-LD and RDF/XML, checked with pyshacl against the DCAT-AP 3.0.1 shapes
(mandatory and cardinality, ranges, deprecated URIs: no result at all) and
the controlled-vocabulary shapes with the EU vocabularies parsed into the
data graph (no Violation; Warnings are expected: the publishers are not in
the EU corporate-body table, and places are this platform's own pages)."""
import os
import sys

import requests
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

base = sys.argv[1].rstrip("/")
std = os.path.join(os.environ["SHARED"], "data", "standards", "dcat-ap-3")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SYNTAXES = [("ttl", "turtle", "text/turtle"), ("jsonld", "json-ld", "application/ld+json"),
            ("rdf", "xml", "application/rdf+xml")]
failures = []


def shapes(name):
    g = Graph()
    g.parse(os.path.join(std, "shacl", name), format="turtle")
    return g


SHAPES = {name: shapes(name) for name in ["shapes.ttl", "range.ttl", "deprecateduris.ttl",
                                          "mdr-vocabularies.shape.ttl"]}
VOCABULARIES = Graph()
for f in sorted(os.listdir(os.path.join(std, "vocabularies"))):
    path = os.path.join(std, "vocabularies", f)
    VOCABULARIES.parse(path, format="turtle" if f.endswith(".ttl") else "xml")


def fetch(url, fmt, media):
    r = requests.get(url, timeout=60)
    if r.status_code != 200:
        failures.append(f"{url}: HTTP {r.status_code}")
        return None
    if not r.headers.get("content-type", "").startswith(media):
        failures.append(f"{url}: Content-Type {r.headers.get('content-type')}")
    if "max-age" not in r.headers.get("cache-control", ""):
        failures.append(f"{url}: sin Cache-Control")
    g = Graph()
    try:
        g.parse(data=r.content, format=fmt, publicID=url)
    except Exception as e:  # noqa: BLE001 - any parse error is a failure
        failures.append(f"{url}: no se pudo leer como {fmt}: {e}")
        return None
    return g


def check(label, g):
    for name in ["shapes.ttl", "range.ttl", "deprecateduris.ttl"]:
        conforms, _, text = validate(g, shacl_graph=SHAPES[name], inference="none")
        if not conforms:
            failures.append(f"{label} con {name}:\n{text[:4000]}")
        else:
            print(f"  {label}: {name} conforme")
    data = Graph()
    for t in g:
        data.add(t)
    for t in VOCABULARIES:
        data.add(t)
    _, report, text = validate(data, shacl_graph=SHAPES["mdr-vocabularies.shape.ttl"],
                               inference="none")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    # Only the report's own results: a Warning's sh:detail carries the
    # inner constraint's Violation severity.
    results = [report.value(r, SH.resultSeverity) for r in report.objects(None, SH.result)]
    violations = [r for r in results if r == SH.Violation]
    warnings = [r for r in results if r == SH.Warning]
    if violations:
        failures.append(f"{label} con mdr-vocabularies.shape.ttl: {len(violations)} violaciones\n{text[:4000]}")
    else:
        print(f"  {label}: vocabularios controlados sin violaciones ({len(warnings)} avisos)")


datasets_seen = set()
for ext, fmt, media in SYNTAXES:
    url = f"{base}/catalog.{ext}"
    whole = Graph()
    pages = 0
    while url and pages < 1000:
        g = fetch(url, fmt, media)
        if g is None:
            break
        pages += 1
        for t in g:
            whole.add(t)
        nxt = [str(o) for s in g.subjects(RDF.type, HYDRA.PagedCollection)
               for o in g.objects(s, HYDRA.nextPage)]
        url = nxt[0] if nxt else None
    total = [int(o) for o in whole.objects(None, HYDRA.totalItems)]
    datasets = set(whole.subjects(RDF.type, DCAT.Dataset))
    print(f"catalog.{ext}: {pages} página(s), {len(datasets)} conjuntos, totalItems={total}")
    if not datasets:
        failures.append(f"catalog.{ext}: ningún dcat:Dataset")
    if total and max(total) != len(datasets):
        failures.append(f"catalog.{ext}: totalItems {total} pero {len(datasets)} conjuntos")
    datasets_seen |= {str(d) for d in datasets}
    check(f"catalog.{ext}", whole)

# One dataset, on its own, in the three syntaxes.
sample = sorted(d for d in datasets_seen if d.endswith("/poblacion-municipios-2020")) or sorted(datasets_seen)
if sample:
    for ext, fmt, media in SYNTAXES:
        url = f"{sample[0]}/dcat.{ext}"
        g = fetch(url, fmt, media)
        if g is not None:
            if (URIRef(sample[0]), RDF.type, DCAT.Dataset) not in g:
                failures.append(f"{url}: no describe {sample[0]}")
            check(url.replace(base, ""), g)

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("DCAT-AP 3: conforme")
