#!/usr/bin/env python3
"""Turns the raw results of bench/ingest.sh and bench/query.sh into the
Markdown report they print and save. Standard library only.

    report.py ingest --results results.tsv --generated FILE --rows N ...
    report.py query  --results results.json ...
"""
import argparse
import csv
import datetime
import json
import os
import statistics
import sys

TOOLS = {
    "a": ("ours: validate", "apertura validate FILE"),
    "b": ("ours: validate + load", "apertura load FILE --into OUT.db"),
    "c": ("frictionless", "frictionless validate FILE"),
    "d": ("sqlite-utils", "sqlite-utils insert OUT2.db t FILE --csv (detects types: 3.x's --detect-types is the default in 4.x)"),
    "e": ("DuckDB", "CREATE TABLE t AS SELECT * FROM read_csv('FILE')"),
}


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def fmt_int(n):
    return f"{int(n):,}" if n is not None else "–"


def status_of(r):
    key, rc = r["key"], r["rc"]
    if rc == "skip":
        return "not run"
    rc = int(rc)
    if key == "a":
        return {0: "valid", 1: "invalid (findings)"}.get(rc, f"**FAILED** (exit {rc})")
    if key == "b":
        return {0: "loaded, valid", 1: "loaded, with findings"}.get(rc, f"**FAILED** (exit {rc})")
    if key == "c":
        if r.get("note"):
            return f"**could not read** (exit {rc})"
        return {0: "valid", 1: "invalid (findings)"}.get(rc, f"**FAILED** (exit {rc})")
    return "ok" if rc == 0 else f"**FAILED** (exit {rc})"


def ok(r):
    """Did the tool do its job (a finding in the data is still a job done)?"""
    if r is None or r["rc"] == "skip":
        return False
    rc = int(r["rc"])
    if r["key"] in "ab":
        return rc in (0, 1)
    if r["key"] == "c":
        return rc in (0, 1) and not r.get("note")
    return rc == 0


def aggregate(rs):
    """One line for the runs of a tool on a file: the median seconds (with the
    range), the highest peak RSS, and the first failing run's status if any."""
    failing = [r for r in rs if r["rc"] != "skip" and not ok(r)]
    a = dict(failing[0] if failing else rs[0])
    secs = sorted(v for v in (num(r["seconds"]) for r in rs) if v is not None)
    if secs:
        a["seconds"] = str(statistics.median(secs))
        a["range"] = (secs[0], secs[-1]) if len(secs) > 1 else None
    rss = [v for v in (num(r["rss_kb"]) for r in rs) if v is not None]
    if rss:
        a["rss_kb"] = str(max(rss))
    cpu = sorted(v for v in (num(r.get("cpu_pct")) for r in rs) if v is not None)
    a["cpu_pct"] = str(statistics.median(cpu)) if cpu else "-"
    a["runs"] = len(rs)
    a["failed_runs"] = len(failing)
    return a


def mb(r):
    v = num(r.get("rss_kb"))
    return v / 1024 if v is not None else None


def tool_table(rows, nrows, expect_rows=None):
    out = ["| | tool | status | seconds (median) | runs: min–max | CPU % | peak RSS MB | rows/s | rows out |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        secs, rss = num(r["seconds"]), mb(r)
        rate = nrows / secs if (nrows and secs and ok(r)) else None
        rows_out = fmt_int(num(r["rows_out"])) if num(r["rows_out"]) is not None else "–"
        if expect_rows and r["key"] in "bde" and ok(r) and r["rows_out"] != str(expect_rows):
            rows_out += " ⚠"
        status = status_of(r)
        if r.get("failed_runs") and r["failed_runs"] < r["runs"]:
            status += f" ({r['failed_runs']} of {r['runs']} runs)"
        rng = r.get("range")
        spread = f"{rng[0]:.2f}–{rng[1]:.2f} ({r['runs']})" if rng else "–"
        out.append(
            f"| {r['key']} | {TOOLS[r['key']][0]} | {status} | "
            f"{secs:.2f} | {spread} | {fmt_int(num(r.get('cpu_pct')))} | {rss:.0f} | {fmt_int(rate)} | {rows_out} |"
            if secs is not None else
            f"| {r['key']} | {TOOLS[r['key']][0]} | {status} | – | – | – | – | – | – |"
        )
    return out


def ratio_line(name, value, target, met, explain):
    shown = f"{value:.1f}×" if value is not None else "–"
    verdict = "–" if met is None else ("**yes**" if met else "**no**")
    return f"| {name} | {shown} | {target} | {verdict} | {explain} |"


def ingest(args):
    with open(args.results, newline="", encoding="utf-8") as f:
        results = list(csv.DictReader(f, delimiter="\t"))
    runs = {}
    for r in results:
        runs.setdefault((r["group"], r["key"]), []).append(r)
    by_group = {}
    for (group, _), rs in runs.items():
        by_group.setdefault(group, []).append(aggregate(rs))

    md = [f"# Ingest benchmark, {datetime.date.today().isoformat()}", ""]
    md += [f"- Machine: {args.machine}",
           f"- Code: {args.code}",
           f"- Tools: {args.versions}",
           f"- Logs: `{os.path.relpath(args.logs)}`",
           "- Seconds are wall-clock, the median of the runs; CPU % is user + system time over wall-clock "
           "(100 = one core busy; the machine has 2); peak RSS is `/usr/bin/time -v`'s maximum resident set size, "
           "the highest of the runs; the file is read once before each run so that every tool starts with it "
           "in the page cache, and the tools run one at a time.",
           ""]

    gen = by_group.get("generated")
    if gen:
        size = os.path.getsize(args.generated)
        md += [f"## Generated file: {fmt_int(args.rows)} rows, {size / 1e6:.0f} MB",
               "",
               f"`{os.path.relpath(args.generated)}` (bench/gen_csv.py, seed 42): id, 5-digit municipality "
               "key with leading zeros, municipality name with accents, dd/mm/yyyy date, quoted amount "
               "with thousands separators, Sí/No, latitude, longitude, free text.",
               ""]
        md += tool_table(gen, args.rows, expect_rows=args.rows)
        md += ["", "Commands: " + "; ".join(f"{k}. `{TOOLS[k][1]}`" for k in "abcde"), ""]
        t = {r["key"]: r for r in gen}
        s = {k: num(r["seconds"]) if ok(r) else None for k, r in t.items()}

        def div(a, b):
            return a / b if (a is not None and b) else None

        cd_b = div((s.get("c") or 0) + (s.get("d") or 0) if s.get("c") and s.get("d") else None, s.get("b"))
        b_e = div(s.get("b"), s.get("e"))
        rss_b = mb(t["b"]) if "b" in t and ok(t["b"]) else None
        big = size >= 0.9e9
        md += ["### Ratios", "",
               "| measure | value | target | met | what it means |",
               "|---|---:|---|---|---|",
               ratio_line("(c + d) / b", cd_b, "≥ 10×", None if cd_b is None else cd_b >= 10,
                          "frictionless validate + sqlite-utils insert, over our validate + load"),
               ratio_line("b / e", b_e, "≤ 2×", None if b_e is None else b_e <= 2,
                          "our validate + load, over DuckDB's load"),
               ratio_line("c / a", div(s.get("c"), s.get("a")), "–", None,
                          "frictionless validate, over our validate (information)"),
               ratio_line("d / b", div(s.get("d"), s.get("b")), "–", None,
                          "sqlite-utils insert, over our load (information)")]
        rss_txt = f"{rss_b:.0f} MB" if rss_b is not None else "–"
        if big:
            verdict = "**yes**" if rss_b is not None and rss_b < 300 else "**no**"
        else:
            verdict = "– (judged on the ~1 GB file: `--big`)"
        md += [f"| peak RSS of b | {rss_txt} | < 300 MB on the 1 GB file | {verdict} | "
               f"memory of our validate + load on this {size / 1e6:.0f} MB file |", ""]
        fails = [r for r in gen if r["rc"] != "skip" and not ok(r)]
        for r in fails:
            md.append(f"- **{r['key']} ({TOOLS[r['key']][0]}) failed**: {r.get('note') or ''} "
                      f"(log: `{os.path.relpath(os.path.join(args.logs, 'generated.' + r['key'] + '.' + r['run'] + '.log'))}`)")
        for r in gen:
            if r["key"] in "bde" and ok(r) and r["rows_out"] != str(args.rows):
                md.append(f"- ⚠ {TOOLS[r['key']][0]} left {r['rows_out']} rows, not {fmt_int(args.rows)}.")
        md.append("")

    real = [(g, rs) for g, rs in by_group.items() if g.startswith("real:")]
    if real:
        md += [f"## Real government files (`{args.real_dir}`)", "",
               "Tools a, b, c and e on each CSV, XLSX and XLS file (not sqlite-utils). "
               "rows/s uses the row count our validate reports. "
               "frictionless stops after 1,000 errors (its default `--limit-errors`), so on a "
               "file with many findings it may not read the whole file.", ""]
        summary = ["| file | size | rows (ours) | a s | b s | c s | e s | c / a | b / e |",
                   "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        details = []
        for g, rs in real:
            name = g.split(":", 1)[1]
            path = os.path.join(args.real_dir, name)
            size = os.path.getsize(path) if os.path.exists(path) else 0
            t = {r["key"]: r for r in rs}
            nrows = num(t["a"]["rows_out"]) if "a" in t else None

            def sec(k):
                return num(t[k]["seconds"]) if k in t and ok(t[k]) else None

            def cell(k):
                if k not in t:
                    return "–"
                if t[k]["rc"] == "skip":
                    return "n/a"
                v = num(t[k]["seconds"])
                return f"{v:.2f}" if ok(t[k]) else f"fail ({v:.2f})"

            def r_(a, b):
                return f"{a / b:.1f}×" if a and b else "–"

            summary.append(f"| {name} | {size / 1e6:.1f} MB | {fmt_int(nrows)} | {cell('a')} | {cell('b')} | "
                           f"{cell('c')} | {cell('e')} | {r_(sec('c'), sec('a'))} | {r_(sec('b'), sec('e'))} |")
            details += [f"### {name} ({size / 1e6:.1f} MB)", ""]
            details += tool_table(rs, nrows)
            notes = [f"- {r['key']} ({TOOLS[r['key']][0]}): {r['note']}" for r in rs if r.get("note")]
            details += [""] + notes + ([""] if notes else [])
        md += summary + [""] + details
        md += ["Not measured: `cdmx_ssp_cuadrantes_2015.geojson` (GeoJSON is not a table for these tools).", ""]
    print("\n".join(md))


def query(args):
    with open(args.results, encoding="utf-8") as f:
        R = json.load(f)
    md = [f"# Datastore query benchmark, {datetime.date.today().isoformat()}", ""]
    md += [f"- Machine: {R['machine']}",
           f"- Code: {R['code']}",
           f"- Tools: {R['versions']}",
           f"- Data: `{R['csv']}`, {fmt_int(R['rows'])} rows, loaded into ours by uploading it as a "
           f"resource (server-side load: {R['our_load_seconds']:.1f} s from the upload's start to `ready`"
           + (f", indexes built at {R['our_index_seconds']:.1f} s; measured after that" if R.get('our_index_seconds') else "")
           + ") and into "
           f"Datasette with `sqlite-utils insert --csv` (types detected), `monto` made a number, and an index on `{R['filter_column']}`"
           f" ({R['datasette_prep']}).",
           f"- Load generator: `wrk -t{R['wrk']['threads']} -c{R['wrk']['connections']} -d{R['wrk']['duration']} "
           f"--latency --timeout 30s` (unless a scenario says otherwise), after a {R['wrk']['warmup']} warm-up, on the same 2-core machine as the server "
           "(one server at a time).",
           "",
           "## The queries", "",
           f"Filter `{R['filter_column']} = {R['filter_value']}` ({fmt_int(R['check']['total'])} rows), sort "
           f"`{R['sort_column']}` descending, 100 rows, with the total. Checked before the run: both answer "
           f"the same total and the same ids in the same order ({R['check']['compared']} rows compared).",
           "",
           f"- ours: `{R['urls']['ours']}`",
           f"- Datasette: `{R['urls']['datasette']}`",
           ""]
    md += ["## Results", "",
           "| scenario | server | requests/s | p50 ms | p99 ms | non-2xx | socket errors |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for sc in R["scenarios"]:
        for side in ("ours", "datasette"):
            w = sc[side]
            md.append(f"| {sc['name']} | {'ours' if side == 'ours' else 'Datasette'} | {w['rps']:,.0f} | "
                      f"{w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['non2xx']} | {w['socket_errors']} |")
    md += ["", "## Ratios", "",
           "| scenario | ours / Datasette (requests/s) | target | met | our p99 | target | met |",
           "|---|---:|---|---|---:|---|---|"]
    for sc in R["scenarios"]:
        o, d = sc["ours"], sc["datasette"]
        ratio = o["rps"] / d["rps"] if d["rps"] else None
        md.append(f"| {sc['name']} | {ratio:.1f}× | ≥ 10× | {'**yes**' if ratio and ratio >= 10 else '**no**'} | "
                  f"{o['p99_ms']:.2f} ms | < 20 ms | {'**yes**' if o['p99_ms'] < 20 else '**no**'} |")
    md += ["", "Scenarios:", ""]
    for sc in R["scenarios"]:
        md.append(f"- **{sc['name']}**: {sc['about']}")
    md.append("")
    if R.get("notes"):
        md += ["## Notes", ""] + [f"- {n}" for n in R["notes"]] + [""]
    print("\n".join(md))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("ingest")
    i.add_argument("--results", required=True)
    i.add_argument("--generated", default="")
    i.add_argument("--rows", type=int, default=0)
    i.add_argument("--big-rows", type=int, default=0)
    i.add_argument("--real-dir", default="")
    i.add_argument("--code", default="")
    i.add_argument("--machine", default="")
    i.add_argument("--versions", default="")
    i.add_argument("--logs", default="")
    q = sub.add_parser("query")
    q.add_argument("--results", required=True)
    args = ap.parse_args()
    {"ingest": ingest, "query": query}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
