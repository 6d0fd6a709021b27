"""Atom feeds and the sitemap: both feeds (site-wide and one body's) read
with feedparser without a single complaint (bozo 0), every entry with id,
title, link and updated; sitemap.xml well-formed in the sitemaps.org
namespace and listing the public dataset pages; robots.txt pointing at it."""
import sys
import xml.etree.ElementTree as ET

import feedparser
import requests

base = sys.argv[1].rstrip("/")
failures = []

for path in ["/datos/novedades.atom", "/sujetos-obligados/ayuntamiento-de-zacazonapan/novedades.atom"]:
    r = requests.get(base + path, timeout=60)
    if r.status_code != 200:
        failures.append(f"{path}: HTTP {r.status_code}")
        continue
    if not r.headers.get("content-type", "").startswith("application/atom+xml"):
        failures.append(f"{path}: Content-Type {r.headers.get('content-type')}")
    f = feedparser.parse(r.content, response_headers={"content-type": r.headers.get("content-type", "")})
    if f.bozo:
        failures.append(f"{path}: bozo {f.bozo_exception!r}")
    if f.version != "atom10":
        failures.append(f"{path}: versión {f.version!r}")
    if not f.entries:
        failures.append(f"{path}: sin entradas")
    if not any(l.get("rel") == "self" for l in f.feed.get("links", [])):
        failures.append(f"{path}: sin link rel=self")
    for e in f.entries:
        for key in ["id", "title", "link", "updated"]:
            if not e.get(key):
                failures.append(f"{path}: una entrada sin {key}: {e.get('id')}")
    print(f"{path}: {len(f.entries)} entradas, bozo={f.bozo}")

r = requests.get(base + "/sitemap.xml", timeout=60)
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
try:
    root = ET.fromstring(r.content)
    if root.tag != NS + "urlset":
        failures.append(f"sitemap.xml: raíz {root.tag}")
    locs = [u.findtext(NS + "loc") for u in root.findall(NS + "url")]
    print(f"sitemap.xml: {len(locs)} direcciones")
    if len(locs) > 50000:
        failures.append("sitemap.xml: más de 50,000 direcciones")
    datasets = requests.get(base + "/data.json", timeout=60).json().get("dataset", [])
    for d in datasets:
        if d["landingPage"] not in locs:
            failures.append(f"sitemap.xml no lista {d['landingPage']}")
    for must in [base + "/", base + "/datos"]:
        if must not in locs:
            failures.append(f"sitemap.xml no lista {must}")
except ET.ParseError as e:
    failures.append(f"sitemap.xml no es XML: {e}")

robots = requests.get(base + "/robots.txt", timeout=60).text
if f"Sitemap: {base}/sitemap.xml" not in robots:
    failures.append(f"robots.txt sin «Sitemap: {base}/sitemap.xml»")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("Atom y sitemap: conformes")
