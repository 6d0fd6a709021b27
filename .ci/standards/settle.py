"""Waits until the server's background jobs are done (the demo's tables load
after start), reading the embedded database's job queue directly."""
import datetime
import os
import sqlite3
import sys
import time

db = os.path.join(os.environ["APERTURA_DATA_DIR"], "apertura.db")
deadline = time.time() + 120
while True:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        busy = con.execute(
            "SELECT COUNT(*) FROM jobs WHERE status = 'running' "
            "OR (status = 'pending' AND run_at <= ?)",
            (now,),
        ).fetchone()[0]
    finally:
        con.close()
    if busy == 0:
        break
    if time.time() > deadline:
        sys.exit("los trabajos en segundo plano no terminaron en 120 s")
    time.sleep(0.2)
