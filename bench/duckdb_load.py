"""The DuckDB reference load of bench/ingest.sh, the one-liner of the issue:
    duckdb.connect(DB).execute("CREATE TABLE t AS SELECT * FROM read_csv('FILE')")
with the paths taken from the command line (and quoted) instead of inlined.
Usage: python duckdb_load.py DB FILE
"""
import sys

import duckdb

db, path = sys.argv[1], sys.argv[2]
quoted = "'" + path.replace("'", "''") + "'"
duckdb.connect(db).execute(f"CREATE TABLE t AS SELECT * FROM read_csv({quoted})")
