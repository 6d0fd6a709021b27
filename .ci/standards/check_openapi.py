"""The native JSON API against its own OpenAPI 3.1 description, checked with
Schemathesis (the tool API users reach for): every operation of
`/api/openapi.json`, a bounded number of requests each (the examples the
description gives, then generated valid and invalid ones, in a repeatable
order), and every answer must be no server error, a documented status, a
documented content type, valid against its declared JSON Schema, and carry
its documented headers. Exits non-zero on any finding.

Unknown query parameters are ignored by design (the layout's `lang`, cache
busters), so Schemathesis' `negative_data_rejection` check is not run.

Usage: check_openapi.py BASE_URL
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
# The operations the document must describe (the native API's routes).
EXPECTED = {
    "/api/v1/datasets",
    "/api/v1/datasets/{slug}",
    "/api/v1/bodies",
    "/api/v1/bodies/{slug}",
    "/api/v1/municipalities",
    "/api/v1/municipalities/{cvegeo}",
}


def fail(message: str) -> None:
    print(f"openapi: {message}")
    sys.exit(1)


def main() -> None:
    base = sys.argv[1].rstrip("/")
    url = f"{base}/api/openapi.json"
    with urllib.request.urlopen(url, timeout=30) as r:
        doc = json.load(r)
    if not str(doc.get("openapi", "")).startswith("3.1."):
        fail(f"se esperaba OpenAPI 3.1, el documento dice {doc.get('openapi')!r}")
    missing = EXPECTED - set(doc.get("paths", {}))
    if missing:
        fail(f"faltan rutas en el documento: {sorted(missing)}")
    if not any(s.get("url") == base for s in doc.get("servers", [])):
        fail(f"servers no es la URL pública: {doc.get('servers')}")

    st = os.path.join(os.path.dirname(sys.executable), "st")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            st,
            "run",
            url,
            "--base-url",
            base,
            "--experimental=openapi-3.1",
            "--checks",
            CHECKS,
            # Valid requests and invalid ones (hostile values must get a
            # documented 4xx, never a 500).
            "--data-generation-method=all",
            "--hypothesis-max-examples=50",
            "--hypothesis-derandomize",
            "--request-timeout=30000",
            "--no-color",
        ]
        # Run from a scratch folder: nothing is left in the repository.
        result = subprocess.run(cmd, cwd=tmp)
    if result.returncode != 0:
        fail("schemathesis encontró respuestas que no cumplen la descripción")
    print("openapi: conforme (schemathesis, todas las operaciones)")


if __name__ == "__main__":
    main()
