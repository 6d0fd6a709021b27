"""CKAN Action API v3, checked with the `ckanapi` client as harvesters and
publishers' scripts use it: create a dataset, upload a resource, search,
show, query the datastore; and the errors the client maps to exceptions."""
import os
import sys
import tempfile
import time

import ckanapi

base = sys.argv[1]
token = os.environ["APERTURA_TOKEN"]
ck = ckanapi.RemoteCKAN(base, apikey=token, user_agent="apertura-ci/1.0")
anon = ckanapi.RemoteCKAN(base, user_agent="apertura-ci/1.0")


def wait(what, probe, seconds=90):
    deadline = time.time() + seconds
    while True:
        value = probe()
        if value:
            return value
        if time.time() > deadline:
            sys.exit(f"no ocurrió a tiempo: {what}")
        time.sleep(0.5)


status = anon.action.status_show()
assert status["ckan_version"].startswith("2."), status
assert "poblacion-municipios-2020" in anon.action.package_list()
orgs = anon.action.organization_list(all_fields=True)
assert any(o["name"] == "secretaria-de-finanzas" for o in orgs), orgs
assert any(l["id"] == "cc-by" for l in anon.action.license_list())
assert "econ" in anon.action.group_list()

name = f"ckanapi-obra-publica-{int(time.time())}"
pkg = ck.action.package_create(
    name=name,
    title="Obra pública por municipio (prueba de ckanapi)",
    notes="Conjunto creado por la prueba de **ckanapi**: ñandú, acentos y eñes.",
    owner_org="secretaria-de-finanzas",
    license_id="cc-by",
    tags=[{"name": "obra pública"}, {"name": "ckanapi"}],
    groups=[{"name": "gove"}],
)
assert pkg["name"] == name and pkg["state"] == "draft", pkg

rows = ["municipio,obras,monto", "Toluca,12,1500000.50", "Zacazonapan,3,98000", "Texcaltitlán,5,250000"]
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
    f.write("\n".join(rows) + "\n")
with open(f.name, "rb") as upload:
    res = ck.action.resource_create(package_id=name, name="Obras 2025", upload=upload)
os.unlink(f.name)
assert res["format"] == "CSV", res
rid = res["id"]

# Published once the file has been checked for personal data (seconds).
shown = wait("se publica tras revisar datos personales",
             lambda: (lambda p: p if p["state"] == "active" else None)(ck.action.package_show(id=name)))
assert shown["resources"][0]["id"] == rid
assert "ñandú" in shown["notes"]

wait("la tabla se carga", lambda: ck.action.resource_show(id=rid)["datastore_active"])
ds = ck.action.datastore_search(resource_id=rid, limit=2)
assert ds["total"] == 3, ds
assert [f["id"] for f in ds["fields"]][-3:] == ["municipio", "obras", "monto"], ds["fields"]
assert len(ds["records"]) == 2
ds = ck.action.datastore_search(resource_id=rid, q="texcaltitlan")
assert ds["total"] == 1 and ds["records"][0]["municipio"] == "Texcaltitlán", ds

found = wait(
    "la búsqueda lo encuentra",
    lambda: [p for p in anon.action.package_search(q="obra publica ckanapi", rows=10)["results"] if p["name"] == name],
)
assert found[0]["resources"][0]["url"].startswith("http"), found[0]

patched = ck.action.package_patch(id=name, notes="Notas nuevas.")
assert patched["notes"] == "Notas nuevas." and patched["title"] == pkg["title"]

try:
    anon.action.package_create(name="sin-permiso", title="Sin permiso")
    sys.exit("package_create sin token debió negarse")
except ckanapi.NotAuthorized:
    pass
try:
    anon.action.package_show(id="no-existe-este-conjunto")
    sys.exit("package_show de un conjunto inexistente debió dar NotFound")
except ckanapi.NotFound:
    pass
try:
    ck.action.package_create(name="licencia-rara", title="Licencia rara", owner_org="secretaria-de-finanzas", license_id="inventada")
    sys.exit("una licencia desconocida debió dar ValidationError")
except ckanapi.ValidationError as e:
    assert "license_id" in e.error_dict, e.error_dict

ck.action.package_delete(id=name)
try:
    anon.action.package_show(id=name)
    sys.exit("un conjunto eliminado no debe verse")
except ckanapi.NotFound:
    pass
print("ckanapi: crear, subir, buscar, mostrar y consultar — conforme")
