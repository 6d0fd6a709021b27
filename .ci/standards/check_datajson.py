"""Project Open Data v1.1: /data.json validated with jsonschema against the
schemas in shared/ (draft-04, relative $refs resolved to the local files):
the non-federal profile with no error at all, and the official schema with
no error but the two United States federal budget codes (bureauCode,
programCode), which no Mexican body has."""
import json
import os
import sys

import requests
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

base = sys.argv[1].rstrip("/")
std = os.path.join(os.environ["SHARED"], "data", "standards", "project-open-data-1.1")


def registry(folder):
    resources = []
    schemas = {}
    for f in os.listdir(folder):
        if f.endswith(".json"):
            s = json.load(open(os.path.join(folder, f), encoding="utf-8"))
            schemas[f] = s
            resources.append((s["id"].rstrip("#"), Resource.from_contents(s, DRAFT4)))
    return schemas, Registry().with_resources(resources)


r = requests.get(f"{base}/data.json", timeout=60)
r.raise_for_status()
failures = []
if not r.headers.get("content-type", "").startswith("application/json"):
    failures.append(f"Content-Type {r.headers.get('content-type')}")
doc = r.json()
datasets = doc.get("dataset", [])
print(f"data.json: {len(datasets)} conjuntos")
if not datasets:
    failures.append("data.json sin conjuntos")

for folder, allowed in [
    (os.path.join(std, "gsa-ckanext-datajson", "non-federal-v1.1"), set()),
    (os.path.join(std, "schema"), {"bureauCode", "programCode"}),
]:
    schemas, reg = registry(folder)
    v = Draft4Validator(schemas["catalog.json"], registry=reg, format_checker=FormatChecker())
    errors = []
    for e in v.iter_errors(doc):
        if e.validator == "required" and any(f"'{a}' is a required property" == e.message for a in allowed):
            continue
        errors.append(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
    name = os.path.relpath(folder, std)
    if errors:
        failures.append(f"{name}: {len(errors)} errores\n" + "\n".join(errors[:30]))
    else:
        print(f"  {name}: válido")

for d in datasets:
    if not d.get("keyword"):
        failures.append(f"{d.get('identifier')}: sin keyword")
    if not str(d.get("contactPoint", {}).get("hasEmail", "")).startswith("mailto:"):
        failures.append(f"{d.get('identifier')}: contactPoint sin mailto:")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("data.json: conforme")
