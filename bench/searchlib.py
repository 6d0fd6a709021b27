#!/usr/bin/env python3
"""Helpers of bench/search.sh (standard library only):

  searchlib.py queries OUT.txt
      writes the fixed query set, one query a line (prints how many)
  searchlib.py lua     SIDE QUERIES.txt OUT.lua
      writes a wrk script cycling through the queries as SIDE's paths
      (SIDE: ours-api, ours-page, datasette-json, datasette-html), each wrk
      thread starting at a different place
  searchlib.py check   OURS_URL DATASETTE_URL QUERIES.txt N OUT.json
      asks both servers every query once, one at a time (ours: package_search
      and /buscar; Datasette: the table search), and writes their counts, HTTP
      statuses and times; exits 1 if ours does not count N datasets for `*:*`,
      answers anything but 200, or finds nothing for most plain queries
  searchlib.py wrk     WRK_OUTPUT_FILE [LOAD WALL_S BUSY_TICKS SERVER_TICKS WRK_CPU_S NPROC]
      prints wrk's requests/s, p50, p99, errors as JSON (with the CPU figures
      given: the server's CPU per request, and other work's share of the machine)
  searchlib.py serverlat OURS_LOG FROM_LINE TO_LINE
      prints the p50/p99/max of the latencies our server logged in those lines
  searchlib.py report  RESULTS.json
      prints the Markdown report
"""
import datetime
import json
import random
import re
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

from querylib import to_ms, write_lua  # same folder: one wrk script generator for both benchmarks

DATASETTE_TABLE = "/catalogo/datasets"
ROWS = 10


# --- The query set ------------------------------------------------------------------
# What people type in a Mexican state's open-data portal: topics, places, years;
# with and without accents, half-typed, misspelt. Fixed (no randomness but a
# seeded shuffle), so that every run asks the same.

TOPICS = [
    "presupuesto", "presupuesto de egresos", "egresos", "ingresos", "ley de ingresos",
    "obra pública", "obras públicas", "nómina", "remuneraciones", "sueldos",
    "licitaciones", "adjudicación directa", "proveedores", "contratos",
    "padrón de beneficiarios", "beneficiarios", "incidencia delictiva", "delitos", "denuncias",
    "calidad del agua", "cloro residual", "agua potable", "drenaje", "fugas de agua",
    "recolección de residuos", "residuos sólidos", "basura", "relleno sanitario",
    "becas", "programas sociales", "apoyos", "transparencia", "solicitudes de información",
    "acceso a la información", "seguridad pública", "policía", "patrullas", "salud",
    "centros de salud", "vacunación", "dengue", "educación", "escuelas", "matrícula",
    "transporte", "transporte público", "rutas", "movilidad", "catastro", "predial",
    "impuesto predial", "alumbrado", "alumbrado público", "luminarias", "mercados", "tianguis",
    "protección civil", "atlas de riesgos", "inundaciones", "deuda pública",
    "participación ciudadana", "presupuesto participativo", "gestión ambiental",
    "medio ambiente", "reforestación", "calidad del aire", "población", "censo 2020",
    "licencias de construcción", "uso de suelo", "desarrollo urbano", "agricultura", "maíz",
    "producción agrícola", "turismo", "pueblos mágicos", "cultura", "bibliotecas",
    "registro civil", "nacimientos", "matrimonios", "baches", "bacheo", "internet gratuito",
    "trámites en línea", "licencias de funcionamiento", "unidades económicas", "viáticos",
    "comunicación social", "auditorías", "OSFEM", "declaraciones patrimoniales",
    "desayunos escolares", "discapacidad", "rehabilitación", "DIF", "deporte",
    "unidades deportivas", "derechos humanos", "quejas", "elecciones",
    "resultados electorales", "casillas", "universidad", "egresados", "investigación",
    "carpetas de investigación", "sentencias", "personas desaparecidas", "iniciativas",
    "diputados", "legislatura", "información", "gestión", "saneamiento", "ocupación hotelera",
    "salario rosa", "canasta alimentaria", "adultos mayores", "techo firme",
]

PLACES = [
    "Toluca", "Ecatepec", "Ecatepec de Morelos", "Nezahualcóyotl", "Naucalpan",
    "Naucalpan de Juárez", "Tlalnepantla", "Chimalhuacán", "Atizapán de Zaragoza", "Atizapán",
    "Cuautitlán Izcalli", "Tecámac", "Ixtapaluca", "Tultitlán", "Nicolás Romero", "Chalco",
    "Valle de Chalco", "Metepec", "Texcoco", "Zumpango", "Huixquilucan", "Coacalco",
    "Zinacantepec", "Valle de Bravo", "Teotihuacán", "Lerma", "Tenancingo", "Jilotepec",
    "Acambay", "Zacazonapan", "Texcaltitlán", "San Felipe del Progreso", "Almoloya de Juárez",
    "Ixtapan de la Sal", "Tejupilco", "Amecameca", "El Oro", "Malinalco",
]

# Accented queries typed without accents (and one ñ), as most people type them.
UNACCENTED = [
    "obra publica", "nomina", "licitacion", "padron de beneficiarios", "recoleccion de residuos",
    "educacion", "gestion", "poblacion", "informacion", "participacion ciudadana",
    "proteccion civil", "seguridad publica", "Nezahualcoyotl", "nezahualcoyotl", "Atizapan",
    "atizapan de zaragoza", "Chimalhuacan", "tecamac", "Teotihuacan", "Cuautitlan Izcalli",
    "vacunacion", "matricula", "auditorias", "viaticos", "comunicacion social",
    "adjudicacion directa", "produccion agricola", "calidad del agua potable", "deuda publica",
    "transporte publico", "alumbrado publico", "impuesto predial toluca", "ano 2023",
    "licencias de construccion", "tramites en linea", "pueblos magicos", "mexico",
]

# Half-typed: the last word as a prefix, as one types in the box.
PREFIXES = [
    "presup", "presupuesto egr", "licit", "nómi", "obra pub", "obra públ", "ecate", "nezahual",
    "naucal", "tlalne", "padrón benef", "incidencia del", "calidad del ag", "recolec",
    "transpa", "segur", "protección ci", "catas", "predi", "alumb", "mercad", "becas educ",
    "agua pot", "desayunos esc", "programas soc", "toluc",
]

# Misspelt: swapped, missing and doubled letters.
TYPOS = [
    "presupeusto", "presupusto", "licitaicones", "nomnia", "seguirdad publica", "educacoin",
    "trasparencia", "beneficarios", "incidensia delictiva", "recoleccion de recidos",
    "proteccion sivil", "alumbardo", "catastor", "mercdos", "nezahualcoyolt", "ecatepc",
    "tlanepantla", "poblacoin", "vacunasion", "auditorais", "agua potabel", "licensias",
    "desayunos escolraes", "particpacion", "gestoin",
]

COMBOS_TOPIC = [
    "presupuesto", "obra pública", "nómina", "licitaciones", "incidencia delictiva",
    "agua potable", "predial", "seguridad pública", "protección civil", "transparencia",
    "becas", "residuos", "catastro", "alumbrado público", "padrón de beneficiarios", "mercados",
]
YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025]


def query_set():
    rng = random.Random(7)
    qs = list(TOPICS) + PLACES + UNACCENTED + PREFIXES + TYPOS
    # topic + place (2–4 words), topic + year, topic + place + year.
    for i, t in enumerate(COMBOS_TOPIC):
        for p in rng.sample(PLACES, 4):
            qs.append(f"{t} {p}" if i % 3 else f"{t} {p.lower()}")
        qs.append(f"{t} {rng.choice(YEARS)}")
    for _ in range(12):
        qs.append(f"{rng.choice(COMBOS_TOPIC)} {rng.choice(PLACES)} {rng.choice(YEARS)}")
    seen, out = set(), []
    for q in qs:
        if q not in seen:
            seen.add(q)
            out.append(q)
    rng.shuffle(out)
    return out


def kind_of(q):
    if q in PREFIXES:
        return "prefix"
    if q in TYPOS:
        return "typo"
    if q in UNACCENTED:
        return "no accents"
    return "plain"


def enc(q):
    return urllib.parse.quote(q, safe="")


def path(side, q):
    if side == "ours-api":
        return f"/api/3/action/package_search?q={enc(q)}&rows={ROWS}"
    if side == "ours-page":
        return f"/buscar?q={enc(q)}"
    if side == "datasette-json":
        return f"{DATASETTE_TABLE}.json?_search={enc(q)}&_size={ROWS}"
    if side == "datasette-html":
        return f"{DATASETTE_TABLE}?_search={enc(q)}&_size={ROWS}"
    raise SystemExit(f"unknown side {side}")


def read_queries(f):
    return [l.rstrip("\n") for l in open(f, encoding="utf-8") if l.strip()]


def cmd_queries(args):
    qs = query_set()
    with open(args[0], "w", encoding="utf-8") as f:
        f.write("\n".join(qs) + "\n")
    print(len(qs))


def cmd_lua(args):
    side, qfile, out = args
    paths = [path(side, q) for q in read_queries(qfile)]
    write_lua(paths, out, f"bench/searchlib.py: {len(paths)} paths ({side}).")
    print(len(paths))


def get(url):
    """(status, body bytes, milliseconds)."""
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    except Exception as e:  # noqa: BLE001 - recorded as a failure
        body, status = str(e).encode(), 0
    return status, body, (time.perf_counter() - t) * 1000


def ours_count(body):
    try:
        d = json.loads(body)
        return d["result"]["count"], [r.get("title") for r in d["result"]["results"][:3]]
    except Exception:  # noqa: BLE001
        return None, []


def ds_count(body):
    try:
        d = json.loads(body)
        cols = d.get("columns") or []
        rows = [dict(zip(cols, r)) if isinstance(r, list) else r for r in d.get("rows", [])]
        return d.get("filtered_table_rows_count"), [r.get("title") for r in rows[:3]]
    except Exception:  # noqa: BLE001
        return None, []


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s.lower()) if not unicodedata.combining(c))


def cmd_check(args):
    ours, ds, qfile, n, out = args
    n = int(n)
    problems = []
    st, body, _ = get(f"{ours}/api/3/action/package_search?q=*:*&rows=0")
    all_count = ours_count(body)[0] if st == 200 else None
    if all_count != n:
        problems.append(f"ours counts {all_count} datasets for q=*:* (expected {n}; status {st})")
    st, body, _ = get(f"{ds}{DATASETTE_TABLE}.json?_size=0")
    ds_all = ds_count(body)[0] if st == 200 else None
    if ds_all != n:
        problems.append(f"Datasette counts {ds_all} rows in datasets (expected {n}; status {st})")
    rows = []
    for q in read_queries(qfile):
        s1, b1, t1 = get(ours + path("ours-api", q))
        s2, b2, t2 = get(ours + path("ours-page", q))
        s3, b3, t3 = get(ds + path("datasette-json", q))
        c1, top1 = ours_count(b1) if s1 == 200 else (None, [])
        c3, top3 = ds_count(b3) if s3 == 200 else (None, [])
        dym = None
        if s2 == 200:
            # The page proposes a correction as a link ("Quizás quiso decir …").
            txt = b2.decode("utf-8", "replace")
            m = re.search(r"quiso decir\s*<a[^>]*>(.*?)</a>", txt, re.S | re.I)
            dym = re.sub(r"<[^>]+>", "", m.group(1)).strip() if m else None
        rows.append({"q": q, "kind": kind_of(q),
                     "ours": {"status": s1, "count": c1, "ms": round(t1, 1), "top": top1},
                     "page": {"status": s2, "ms": round(t2, 1), "bytes": len(b2), "did_you_mean": dym},
                     "datasette": {"status": s3, "count": c3, "ms": round(t3, 1), "top": top3}})
    bad = [r for r in rows if r["ours"]["status"] != 200 or r["page"]["status"] != 200]
    for r in bad[:10]:
        problems.append(f"ours answered {r['ours']['status']} (API) / {r['page']['status']} (page) to {r['q']!r}")
    plain = [r for r in rows if r["kind"] == "plain"]
    empty_plain = [r for r in plain if not r["ours"]["count"]]
    if len(empty_plain) > len(plain) // 2:
        problems.append(f"ours finds nothing for {len(empty_plain)} of {len(plain)} plain queries")
    ds_bad = [r for r in rows if r["datasette"]["status"] != 200]
    result = {"all_ours": all_count, "all_datasette": ds_all, "rows": rows,
              "problems": problems, "datasette_errors": len(ds_bad)}
    json.dump(result, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    print(f"  q=*:*  ours {all_count}, Datasette {ds_all}")
    print(f"  {'query':32} {'ours':>7} {'Datasette':>9}   ours ms  Datasette ms")
    shown = [r for r in rows if r["q"] in SHOWN] or rows[:16]
    for r in shown:
        print(f"  {r['q'][:32]:32} {fmt_count(r['ours']['count']):>7} {fmt_count(r['datasette']['count']):>9}"
              f"   {r['ours']['ms']:7.1f}  {r['datasette']['ms']:7.1f}")
    for p in problems:
        print(f"  PROBLEM: {p}")
    return 1 if problems else 0


SHOWN = ["presupuesto", "obra pública", "obra publica", "nómina", "nomina", "Nezahualcóyotl",
         "nezahualcoyotl", "presup", "presupeusto", "licitaicones", "calidad del agua",
         "gestión", "gestion", "seguridad pública", "Ecatepec", "ecate", "protección ci",
         "padrón de beneficiarios", "información", "salud toluca"]


def fmt_count(c):
    return "err" if c is None else f"{c:,}"


def cmd_wrk(args):
    text = open(args[0], encoding="utf-8").read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p90 = re.search(r"^\s+90%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    mx = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M)
    total = re.search(r"(\d+) requests in", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: (.*)", text)
    print(json.dumps({
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": to_ms(p50.group(1)) if p50 else None,
        "p90_ms": to_ms(p90.group(1)) if p90 else None,
        "p99_ms": to_ms(p99.group(1)) if p99 else None,
        "max_ms": to_ms(mx.group(1)) if mx else None,
        "requests": int(total.group(1)) if total else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sock.group(1).strip() if sock else "0",
        "load": float(args[1]) if len(args) > 1 else None,
        **cpu_figures(args[2:], int(total.group(1)) if total else 0),
    }))


def cpu_figures(args, requests):
    """From WALL_S BUSY_TICKS SERVER_TICKS WRK_CPU_S NPROC: the server's CPU
    (% of the machine, ms per request) and what neither it nor wrk used."""
    if len(args) < 5:
        return {}
    wall, busy, server, wrk_cpu, cores = float(args[0]), int(args[1]), int(args[2]), float(args[3]), int(args[4])
    capacity = wall * 100 * cores  # ticks
    if capacity <= 0:
        return {}
    return {
        "wall_s": wall,
        "server_cpu_pct": round(100 * server / capacity, 1),
        "server_cpu_ms_per_req": round(server * 10 / requests, 3) if requests else None,
        "wrk_cpu_pct": round(100 * wrk_cpu * 100 / capacity, 1),
        "other_pct": round(max(0.0, 100 * (busy - server - wrk_cpu * 100) / capacity), 1),
    }


def cmd_serverlat(args):
    """Latencies our server logged ("latency":"N ms", whole milliseconds) for
    the lines FROM..TO of its log (those of one wrk run)."""
    logf, lo, hi = args[0], int(args[1]), int(args[2])
    lat = []
    with open(logf, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f, 1):
            if i <= lo:
                continue
            if i > hi:
                break
            m = re.search(r'"latency":"(\d+) ms"', line)
            if m and '"path":"/readyz"' not in line:
                lat.append(int(m.group(1)))
    lat.sort()
    pick = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] if lat else None
    print(json.dumps({"n": len(lat), "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                      "max_ms": lat[-1] if lat else None}))


# --- Report -------------------------------------------------------------------------

def ms(v):
    if v is None:
        return "–"
    return f"{v:.1f}" if v < 100 else f"{v:,.0f}"


def errors(w):
    parts = []
    if w.get("non2xx"):
        parts.append(f"{w['non2xx']:,} non-2xx")
    if w.get("socket_errors") not in (None, "0", ""):
        parts.append(f"socket: {w['socket_errors']}")
    return ", ".join(parts) or "0"


def cpu_ms(v):
    return "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.1f}")


def pct(w, k):
    return "–" if w.get(k) is None else f"{w[k]:.0f} %"


def ratio(a, b):
    return f"{a / b:.1f}×" if a and b else "–"


def cmd_report(args):
    R = json.load(open(args[0], encoding="utf-8"))
    W = R["wrk"]
    chk = json.load(open(R["check_file"], encoding="utf-8"))
    rows = chk["rows"]
    o = []
    o.append(f"# Search benchmark: package_search and /buscar vs Datasette FTS5 — {R['date']}")
    o.append("")
    o.append(f"- **Machine:** {R['machine']}")
    if R.get("busy"):
        o.append(f"- **The machine was busy** (load average above 1.5 before the data was generated, or other "
                 f"work took more than 10 % of the CPU during a run; at most {R.get('max_other_pct')} %): "
                 "other work shared the 2 cores, so the figures are lower than on a quiet machine.")
    o.append(f"- **Code:** {R['code']}")
    o.append(f"- **Versions:** {R['versions']}")
    o.append(f"- **Catalog:** {R['datasets']:,} generated datasets (seed 42, `bench/gen_datasets.py`), "
             f"{R['bodies']} public bodies, {R['resources']:,} resources (one link per dataset); "
             f"generated in {R['gen_seconds']} s.")
    o.append(f"- **Load:** `wrk -t{W['threads']} -c{W['connections']} -d{W['duration']} --latency` "
             f"after a {W['warmup']} warm-up with the same queries, one server and one scenario at a time, "
             f"on loopback; {R['n_queries']} distinct queries cycled (each wrk thread starting at a different place).")
    o.append("")
    o.append("## Indexing")
    o.append("")
    o.append("| step | seconds | notes |")
    o.append("|---|---:|---|")
    o.append(f"| ours: `apertura reindex` ({R['index_docs']}) | **{R['reindex_seconds']}** | "
             f"wall clock {R['reindex_wall']} s (process start included); index on disk {R['index_size']}; "
             f"peak RSS {R['reindex_rss_mb']} MB |")
    o.append(f"| Datasette: FTS5 index built (`INSERT INTO datasets_fts … SELECT`, optimize, VACUUM) | {R.get('fts_seconds') or '–'} | "
             f"whole database {R['datasette_db_size']} (part of the generation) |")
    o.append("")
    o.append("## Throughput and latency, 50 concurrent clients")
    o.append("")
    o.append("| scenario | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | errors | server-side p50 / p99 / max ms "
             "| server CPU ms / request | CPU: server / wrk / other work |")
    o.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in R["scenarios"]:
        w = s["wrk"]
        sl = s.get("server") or R.get("server", {}).get(s["key"])
        side = f"{ms(sl['p50_ms'])} / {ms(sl['p99_ms'])} / {ms(sl['max_ms'])}" if sl and sl.get("n") else "–"
        o.append(f"| {s['name']} | {w['rps']:,.0f} | {ms(w['p50_ms'])} | {ms(w.get('p90_ms'))} | "
                 f"**{ms(w['p99_ms'])}** | {ms(w.get('max_ms'))} | {w['requests']:,} | {errors(w)} | {side} | "
                 f"{cpu_ms(w.get('server_cpu_ms_per_req'))} | {pct(w, 'server_cpu_pct')} / {pct(w, 'wrk_cpu_pct')} / {pct(w, 'other_pct')} |")
    o.append("")
    o.append("Latencies are wrk's (client side, queueing included). \"Server-side\" is what our server logged "
             "for the same requests (its `latency` field, whole milliseconds, from the end of the request's "
             "arrival to the response): the difference is time spent waiting for a core or in the accept queue. "
             "CPU figures are shares of the whole machine (both cores) during the measured run, from /proc: "
             "the server process (all its threads), wrk, and everything else (other people's builds and tests); "
             "\"server CPU ms / request\" is the server's CPU time divided by the answers, the cost of one search "
             "whatever the contention.")
    o.append("")
    by = {s["key"]: s["wrk"] for s in R["scenarios"]}
    ds_json, ds_html = by.get("ds-json"), by.get("ds-html")
    o.append("### Ratios ours / Datasette")
    o.append("")
    o.append("| ours | against | throughput ratio (ours ÷ Datasette) | p99 ratio (ours ÷ Datasette; < 1 is better) "
             "| CPU per answer (Datasette ÷ ours) | our p99 < 20 ms? |")
    o.append("|---|---|---:|---:|---:|---|")
    for key, label, ref, ref_label in [
        ("api-off", "package_search, **cache off**", ds_json, "table search, JSON"),
        ("api-on", "package_search, cache on", ds_json, "table search, JSON"),
        ("page-off", "/buscar page, **cache off**", ds_html, "table search, HTML page"),
        ("page-on", "/buscar page, cache on", ds_html, "table search, HTML page"),
    ]:
        w = by.get(key)
        if not w or not ref:
            continue
        p99_ratio = f"{w['p99_ms'] / ref['p99_ms']:.3f}" if w.get("p99_ms") and ref.get("p99_ms") else "–"
        ok = "–" if w.get("p99_ms") is None else ("**yes**" if w["p99_ms"] < 20 else "**no**")
        cpu_ratio = ratio(ref.get("server_cpu_ms_per_req"), w.get("server_cpu_ms_per_req"))
        o.append(f"| {label} | Datasette {ref_label} | **{ratio(w['rps'], ref['rps'])}** | {p99_ratio} | {cpu_ratio} | {ok} ({ms(w['p99_ms'])} ms) |")
    o.append("")
    o.append("- **Cache off is the honest comparison**: Datasette keeps no result cache, and "
             "`APERTURA_SEARCH_CACHE_ENTRIES=0` makes every request of ours run the search.")
    o.append(f"- **Cache on is mostly cache hits**: the {R['n_queries']} distinct queries fit in the "
             "4,096-answer cache, and the warm-up already asked every one, so the measured run is almost "
             "only hits (the figure shows the HTTP and rendering path, not the engine).")
    o.append("- The target is **p99 < 20 ms with 50 concurrent clients** on this 2-core machine; wrk "
             "runs on the same 2 cores as the server. With 50 clients that each wait for their answer "
             "before asking again, the mean latency is 50 ÷ throughput (Little's law): a mean under 20 ms "
             "needs more than 2,500 answers a second, i.e. under ~0.8 ms of CPU per search with both cores "
             "(wrk's own share included); the p99 needs more still.")
    o.append("")
    o.append("## Same queries, different answers")
    o.append("")
    n_empty_o = sum(1 for r in rows if not r["ours"]["count"])
    n_empty_d = sum(1 for r in rows if not r["datasette"]["count"])
    o.append(f"Every query was asked once, one at a time, before the load (ours with an empty cache). "
             f"`q=*:*` counts {chk['all_ours']:,} datasets on ours; Datasette's table has {chk['all_datasette']:,} rows. "
             f"Queries that found nothing: ours {n_empty_o} of {len(rows)}, Datasette {n_empty_d} of {len(rows)}.")
    o.append("")
    o.append("The counts differ by design: ours folds accents, **stems Spanish** (presupuesto = presupuestos = "
             "presupuestal…), drops stop words, completes the last word as a prefix (\"presup\") and corrects "
             "typos when a query finds fewer than 3 documents; Datasette's table search (FTS5, `unicode61 "
             "remove_diacritics 2`) matches whole words exactly, every word including \"de\" and \"del\", "
             "and orders matches by id, not by relevance.")
    o.append("")
    kinds = ["plain", "no accents", "prefix", "typo"]
    o.append("| kind of query | queries | ours: found something | Datasette: found something | ours median count | Datasette median count |")
    o.append("|---|---:|---:|---:|---:|---:|")
    for k in kinds:
        rs = [r for r in rows if r["kind"] == k]
        if not rs:
            continue
        oc = sorted(r["ours"]["count"] or 0 for r in rs)
        dc = sorted(r["datasette"]["count"] or 0 for r in rs)
        o.append(f"| {k} | {len(rs)} | {sum(1 for c in oc if c)} | {sum(1 for c in dc if c)} | "
                 f"{oc[len(oc) // 2]:,} | {dc[len(dc) // 2]:,} |")
    o.append("")
    o.append("| query | kind | ours count | Datasette count | ours first result | ours ms (cold) | Datasette ms |")
    o.append("|---|---|---:|---:|---|---:|---:|")
    shown = [r for q in SHOWN for r in rows if r["q"] == q]
    for r in shown:
        top = (r["ours"]["top"] or ["–"])[0] or "–"
        o.append(f"| {r['q']} | {r['kind']} | {fmt_count(r['ours']['count'])} | {fmt_count(r['datasette']['count'])} | "
                 f"{top[:70]} | {r['ours']['ms']:.1f} | {r['datasette']['ms']:.1f} |")
    o.append("")
    odd = R.get("odd") or []
    if chk["problems"]:
        odd = [f"Check: {p}" for p in chk["problems"]] + odd
    o.append("## Odd things seen")
    o.append("")
    o.extend(f"- {x}" for x in odd) if odd else o.append("- Nothing.")
    o.append("")
    o.append("## One query at a time (the check pass)")
    o.append("")
    for side, label in (("ours", "ours, package_search (cold: cache empty)"),
                        ("page", "ours, /buscar page (cold for the page's queries)"),
                        ("datasette", "Datasette, table search JSON")):
        t = sorted(r[side]["ms"] for r in rows)
        o.append(f"- {label}: median {t[len(t) // 2]:.1f} ms, p90 {t[int(len(t) * 0.9)]:.1f} ms, "
                 f"max {t[-1]:.1f} ms ({', '.join(repr(r['q']) for r in sorted(rows, key=lambda r: -r[side]['ms'])[:3])} slowest)")
    o.append("")
    o.append("## How it was run")
    o.append("")
    o.append(f"- Ours: `apertura migrate`, then `gen_datasets.py` writes bodies, datasets and resources into "
             f"`apertura.db` with SQL, then `apertura reindex`, then two `apertura serve` (`APERTURA_WORKERS=1`) "
             f"at once, each on its own copy of the data dir: `APERTURA_SEARCH_CACHE_ENTRIES` unset (4,096) and `=0`. "
             f"Both wait for `/readyz` and the start-up consistency check (log line \"search index in step\"). "
             f"Order of the runs: ours API cache off, Datasette JSON, ours page cache off, Datasette HTML, "
             f"ours API cache on, ours page cache on (each idle server waits meanwhile).")
    o.append(f"- Ours' URLs: `{R['examples']['ours-api']}` and `{R['examples']['ours-page']}`.")
    o.append(f"- Datasette: `datasette serve catalogo.db --setting suggest_facets off` "
             f"(its default 3 SQL threads, no result cache); URLs `{R['examples']['datasette-json']}` "
             f"and `{R['examples']['datasette-html']}` (search escaped by Datasette: every word quoted, implicit AND; "
             f"count kept on, as ours returns the total too).")
    o.append(f"- Peak RSS: ours {R['rss']['ours_on']} MB (cache on), {R['rss']['ours_off']} MB (cache off); "
             f"Datasette {R['rss']['datasette']} MB.")
    o.append(f"- Queries ({R['n_queries']}), e.g.: " + ", ".join(f"`{q}`" for q in R["query_sample"]) + ".")
    o.append(f"- Logs, the query list, wrk outputs and the per-query check: `{R['log_dir']}`.")
    print("\n".join(o))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    return {"queries": cmd_queries, "lua": cmd_lua, "check": cmd_check, "wrk": cmd_wrk,
            "serverlat": cmd_serverlat, "report": cmd_report}[cmd](args)


if __name__ == "__main__":
    sys.exit(main() or 0)
