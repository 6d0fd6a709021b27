"""Frictionless: the Data Package of a published demo dataset with a CSV
resource (the population of the 125 municipalities) validated with
`frictionless validate` (descriptor, bytes, SHA-256 and every row against
its Table Schema), plus a package of a dataset with an XLSX or other CSV
resource when the demo has one."""
import json
import os
import subprocess
import sys
import tempfile

import requests

base = sys.argv[1].rstrip("/")
failures = []
bindir = os.path.dirname(sys.executable)
frictionless = os.path.join(bindir, "frictionless")

for slug in ["poblacion-municipios-2020", "obra-publica-zacazonapan-2025"]:
    url = f"{base}/datos/{slug}/datapackage.json"
    r = requests.get(url, timeout=60)
    if r.status_code != 200:
        failures.append(f"{url}: HTTP {r.status_code}")
        continue
    pkg = r.json()
    resources = pkg.get("resources", [])
    csv = [x for x in resources if x.get("format") == "csv"]
    print(f"{slug}: {len(resources)} recurso(s), {len(csv)} CSV")
    if not csv:
        failures.append(f"{url}: sin recurso CSV")
    for x in csv:
        for key in ["path", "bytes", "hash", "schema", "mediatype", "encoding"]:
            if key not in x:
                failures.append(f"{url}: el recurso {x.get('name')} no tiene {key}")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "datapackage.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(pkg, f, ensure_ascii=False)
        out = subprocess.run([frictionless, "validate", "--json", path],
                             capture_output=True, text=True, timeout=300)
        try:
            report = json.loads(out.stdout)
        except json.JSONDecodeError:
            failures.append(f"{slug}: frictionless no respondió JSON:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
            continue
        if not report.get("valid"):
            failures.append(f"{slug}: frictionless validate: no válido\n" + json.dumps(report, ensure_ascii=False, indent=1)[:6000])
        else:
            tasks = report.get("tasks", [])
            rows = sum(t.get("stats", {}).get("rows", 0) or 0 for t in tasks)
            print(f"  frictionless validate: válido ({len(tasks)} recurso(s), {rows} filas)")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("Data Package: conforme")
