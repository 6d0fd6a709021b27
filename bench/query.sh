#!/usr/bin/env bash
# Datastore API speed: our CKAN-style `datastore_search` against Datasette,
# on the same generated CSV, with the same query (filter on one column, sort
# on another, 100 rows, with the total), under wrk.
#
#   bash bench/query.sh               # 1,000,000 generated rows
#   options: --rows N, --no-build (use target/release/apertura as it is),
#            --duration 20s (each wrk run), --value NAME (municipality to filter on)
#
# Steps: start ours (`serve --demo` in a temporary data dir), create a write
# token, upload the CSV as a resource and wait for its load; prepare the same
# CSV for Datasette (sqlite-utils insert, amounts made numeric, index on the
# filter column) and start it; check both answer the same; then wrk, three
# times per server: the same query over and over, a mix of 16,500 distinct
# queries, and the same mix with one connection.
# Writes bench/out/query-<date>.md (query-<date>-<N>rows.md with another
# --rows). Both servers are stopped on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROWS="$DEFAULT_ROWS"
DURATION=20s
WARMUP=5s
THREADS=2
CONNECTIONS=20
VALUE="Nezahualcóyotl"     # municipality to filter on (accented, ~1/165 of the rows)
DATASET=obra-publica-zacazonapan-2025
BODY=ayuntamiento-de-zacazonapan
EMAIL=enlace.zacazonapan@apertura.example
while (($#)); do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --value) VALUE="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

NAME="query-$TODAY$(size_suffix "$ROWS")"
LOG_DIR="$OUT_DIR/logs/$NAME"
rm -rf "$LOG_DIR"; mkdir -p "$LOG_DIR"
PYLIB="$BENCH_DIR/querylib.py"

ensure_venv
ensure_wrk
build_apertura
CSV="$(gen_csv "$ROWS")"
log "Data: $CSV ($(human_size "$CSV"), $ROWS rows)"

# --- Servers, stopped on exit -------------------------------------------------
TMP="$(mktemp -d "$DATA_DIR/query-run.XXXXXX")"
OURS_PID=""
DS_PID=""
cleanup() {
  local pid
  for pid in $OURS_PID $DS_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# wait_http URL PID NAME: waits (up to 2 min) until URL answers.
wait_http() {
  local url="$1" pid="$2" name="$3" i
  for i in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "$name exited while starting (log: $LOG_DIR/$name.log)"
    sleep 0.5
  done
  die "$name did not answer $url within 2 minutes (log: $LOG_DIR/$name.log)"
}

# --- 1. Ours --------------------------------------------------------------------
OURS_PORT="$(free_port)"
OURS="http://127.0.0.1:$OURS_PORT"
export APERTURA_DATA_DIR="$TMP/apertura" APERTURA_BIND="127.0.0.1:$OURS_PORT"
unset APERTURA_CONFIG APERTURA_DATABASE_URL APERTURA_STORAGE_URL APERTURA_INDEX_DIR APERTURA_PUBLIC_URL
mkdir -p "$APERTURA_DATA_DIR"
log "Starting ours on $OURS (data dir $APERTURA_DATA_DIR)"
(cd "$TMP" && exec "$APERTURA_BIN" serve --demo) >"$LOG_DIR/ours.log" 2>&1 &
OURS_PID=$!
wait_http "$OURS/" "$OURS_PID" ours

log "Creating an API token for $EMAIL"
TOKEN_OUT="$(cd "$TMP" && "$APERTURA_BIN" admin create-token --email "$EMAIL" --name bench \
  --scope write --body "$BODY" 2>&1)" || die "create-token failed: $TOKEN_OUT"
TOKEN="$(grep -oE 'apt_[A-Za-z0-9_-]+' <<<"$TOKEN_OUT" | head -1)"
[[ -n "$TOKEN" ]] || die "no apt_… token in the output of create-token: $TOKEN_OUT"

log "Uploading $(basename "$CSV") as a new resource of $DATASET"
LOAD_START=$(date +%s%N)
HTTP_CODE="$(curl -sS -o "$LOG_DIR/upload.body" -D "$LOG_DIR/upload.headers" -w '%{http_code}' \
  -H "Authorization: Bearer $TOKEN" -F name=Bench -F "file=@$CSV;type=text/csv" \
  "$OURS/datos/$DATASET/recursos/nuevo")"
LOCATION="$(awk 'tolower($1) == "location:" {print $2}' "$LOG_DIR/upload.headers" | tr -d '\r')"
[[ "$HTTP_CODE" == 303 && -n "$LOCATION" ]] || {
  log "Upload answered $HTTP_CODE (expected 303 with a Location). Body:"; head -c 2000 "$LOG_DIR/upload.body" >&2; echo >&2
  die "upload failed"
}
PAGE="${LOCATION%%\?*}"
log "Uploaded: $PAGE; waiting for the load"

# Polls <page>/carga.json until the load is ready (30 min at most).
STATUS=""
for i in $(seq 1 900); do
  PROGRESS="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$OURS$PAGE/carga.json" || echo '{}')"
  STATUS="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("status",""))' "$PROGRESS")"
  printf '\r  %s' "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%s: %s of %s rows (%s%%)   " % (d.get("status"), d.get("rows_done"), d.get("rows"), d.get("percent")))' "$PROGRESS")" >&2
  case "$STATUS" in
    ready) break ;;
    failed|cancelled) echo >&2; die "the load ended as $STATUS: $PROGRESS" ;;
  esac
  sleep 2
done
echo >&2
[[ "$STATUS" == ready ]] || die "the load was not ready after 30 minutes: $PROGRESS"
OUR_LOAD_SECONDS=$(awk -v a="$LOAD_START" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
log "Loaded in ${OUR_LOAD_SECONDS}s (upload included)"

# A version is queryable when its rows are in; its indexes are built just
# after, and carga.json says `"indexed": true` then. Measure once indexed
# (a build whose carga.json has no "indexed" field is measured at once).
OUR_INDEX_SECONDS=""
for i in $(seq 1 900); do
  PROGRESS="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$OURS$PAGE/carga.json" || echo '{}')"
  INDEXED="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("indexed", "absent"))' "$PROGRESS")"
  [[ "$INDEXED" == True ]] && {
    OUR_INDEX_SECONDS=$(awk -v a="$LOAD_START" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
    log "Indexed ${OUR_INDEX_SECONDS}s after the upload started"
    break
  }
  [[ "$INDEXED" == absent ]] && { log "carga.json says nothing about indexes; not waiting for them"; break; }
  sleep 1
done

RESOURCE_ID="$(curl -fsS "$OURS$PAGE" | grep -oE 'datastore_search\?resource_id=[0-9]+' | head -1 | cut -d= -f2)"
[[ -n "$RESOURCE_ID" ]] || die "no datastore_search?resource_id=… on $OURS$PAGE"
log "Resource id: $RESOURCE_ID"

# --- 2. Datasette -------------------------------------------------------------------
# The same CSV in bench.db table t, prepared once per CSV and reused.
DS_DIR="$DATA_DIR/datasette-$ROWS"
DS_DB="$DS_DIR/bench.db"
DS_STAMP="$DS_DIR/.prepared"
if [[ ! -f "$DS_STAMP" || "$CSV" -nt "$DS_STAMP" ]]; then
  rm -rf "$DS_DIR"; mkdir -p "$DS_DIR"
  log "Preparing $DS_DB for Datasette"
  t0=$(date +%s%N)
  # sqlite-utils 4 detects column types by default (3.x's --detect-types).
  "$VENV/bin/sqlite-utils" insert "$DS_DB" t "$CSV" --csv
  t1=$(date +%s%N)
  # sqlite-utils keeps "1,234.56" as text, which sorts as text: make the amount
  # a number, as a Datasette publisher would, so that both sort the same.
  "$VENV/bin/sqlite-utils" transform "$DS_DB" t --type monto float
  "$VENV/bin/sqlite-utils" query "$DS_DB" "UPDATE t SET monto = CAST(REPLACE(monto, ',', '') AS REAL)" >/dev/null
  "$VENV/bin/sqlite-utils" create-index "$DS_DB" t municipio
  t2=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" -v c="$t2" \
    'BEGIN {printf "sqlite-utils insert %.1f s, amount to number + index %.1f s\n", (b-a)/1e9, (c-b)/1e9}' > "$DS_STAMP"
fi
DS_PREP="$(cat "$DS_STAMP")"
log "Datasette database: $DS_PREP"

start_datasette "$DS_DB" "$LOG_DIR/datasette.log"
wait_http "$DS/bench.json" "$DS_PID" datasette

# --- 3. Same answers? ------------------------------------------------------------------
mapfile -t P < <(python3 "$PYLIB" urls "$VALUE" "$RESOURCE_ID" 100)
OURS_PATH="${P[0]}"
DS_PATH="${P[1]}"
log "Checking that both answer the same:"
log "  ours:      $OURS_PATH"
log "  Datasette: $DS_PATH"
python3 "$PYLIB" check "$OURS$OURS_PATH" "$DS$DS_PATH" | tee "$LOG_DIR/check.txt" >&2 \
  || die "the two servers answer differently; not benchmarking"
# Three more, with other municipalities and page sizes.
for spec in "Toluca 7" "Álvaro Obregón 50" "Cañadas de Obregón 100"; do
  mapfile -t Q < <(python3 "$PYLIB" urls "${spec% *}" "$RESOURCE_ID" "${spec##* }")
  python3 "$PYLIB" check "$OURS${Q[0]}" "$DS${Q[1]}" >>"$LOG_DIR/check.txt" 2>&1 \
    || { cat "$LOG_DIR/check.txt" >&2; die "different answers for ${spec% *}"; }
done
CHECK_TOTAL="$(grep -m1 -oE 'ours: +total [0-9]+' "$LOG_DIR/check.txt" | grep -oE '[0-9]+$')"
CHECK_ROWS="$(grep -m1 -oE 'the same [0-9]+ ids' "$LOG_DIR/check.txt" | grep -oE '[0-9]+')"

# --- 4. wrk ------------------------------------------------------------------------------
# The mixed scenario: every (municipality, page size 1..100) pair in a shuffled
# order; its warm-up uses page sizes 101..150, so that it fills no cache entry
# that the measured run will ask for.
N_MIXED="$(python3 "$PYLIB" lua "$RESOURCE_ID" ours 1 100 "$CSV" "$TMP/ours-mixed.lua")"
python3 "$PYLIB" lua "$RESOURCE_ID" datasette 1 100 "$CSV" "$TMP/ds-mixed.lua" >/dev/null
python3 "$PYLIB" lua "$RESOURCE_ID" ours 101 150 "$CSV" "$TMP/ours-warm.lua" >/dev/null
python3 "$PYLIB" lua "$RESOURCE_ID" datasette 101 150 "$CSV" "$TMP/ds-warm.lua" >/dev/null

# run_wrk NAME THREADS CONNECTIONS DURATION URL [LUA [WARMUP_LUA]]: a warm-up,
# then the measured run; prints its figures as JSON. --timeout 30s: with wrk's
# default of 2 s, slower answers would be dropped from the latency figures.
run_wrk() {
  local name="$1" t="$2" c="$3" d="$4" base="$5" lua="${6:-}" warm_lua="${7:-}"
  local warm_args=() args=()
  [[ -n "$warm_lua" ]] && warm_args=(-s "$warm_lua")
  [[ -n "$lua" ]] && args=(-s "$lua")
  log "wrk $name: warm-up $WARMUP, then -t$t -c$c -d$d"
  wrk -t"$t" -c"$c" -d"$WARMUP" --timeout 30s "${warm_args[@]}" "$base" >"$LOG_DIR/wrk-$name-warmup.txt" 2>&1
  wrk -t"$t" -c"$c" -d"$d" --timeout 30s --latency "${args[@]}" "$base" >"$LOG_DIR/wrk-$name.txt" 2>&1
  grep -E 'Requests/sec|^\s+(50|99)%|Non-2xx|Socket errors' "$LOG_DIR/wrk-$name.txt" | sed 's/^/    /' >&2
  python3 "$PYLIB" wrk "$LOG_DIR/wrk-$name.txt"
}

W=("$THREADS" "$CONNECTIONS" "$DURATION")
SAME_OURS="$(run_wrk same-ours "${W[@]}" "$OURS$OURS_PATH")"
SAME_DS="$(run_wrk same-datasette "${W[@]}" "$DS$DS_PATH")"
MIXED_OURS="$(run_wrk mixed-ours "${W[@]}" "$OURS" "$TMP/ours-mixed.lua" "$TMP/ours-warm.lua")"
MIXED_DS="$(run_wrk mixed-datasette "${W[@]}" "$DS" "$TMP/ds-mixed.lua" "$TMP/ds-warm.lua")"
# The mixed queries again, one at a time: the latency of one query with no queue.
SERIAL_OURS="$(run_wrk serial-ours 1 1 10s "$OURS" "$TMP/ours-mixed.lua" "$TMP/ours-warm.lua")"
SERIAL_DS="$(run_wrk serial-datasette 1 1 10s "$DS" "$TMP/ds-mixed.lua" "$TMP/ds-warm.lua")"

# --- 5. Report -------------------------------------------------------------------------
OURS_RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$OURS_PID/status" 2>/dev/null || echo "?")
DS_RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$DS_PID/status" 2>/dev/null || echo "?")
export SAME_OURS SAME_DS MIXED_OURS MIXED_DS SERIAL_OURS SERIAL_DS
python3 - "$LOG_DIR/results.json" <<EOF
import json, os, sys
R = {
    "machine": "$(machine_description)",
    "code": "$(code_description)",
    "versions": "$("$APERTURA_BIN" --version); datasette $("$VENV/bin/datasette" --version | awk '{print $NF}'); sqlite-utils $("$VENV/bin/sqlite-utils" --version | awk '{print $NF}'); $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')",
    "csv": os.path.relpath("$CSV", "$REPO_DIR"),
    "rows": $ROWS,
    "our_load_seconds": $OUR_LOAD_SECONDS,
    "our_index_seconds": ${OUR_INDEX_SECONDS:-None},
    "datasette_prep": "$DS_PREP",
    "filter_column": "municipio", "sort_column": "monto", "filter_value": "$VALUE",
    "check": {"total": int("${CHECK_TOTAL:-0}"), "compared": int("${CHECK_ROWS:-0}")},
    "urls": {"ours": """$OURS_PATH""", "datasette": """$DS_PATH"""},
    "wrk": {"threads": $THREADS, "connections": $CONNECTIONS, "duration": "$DURATION", "warmup": "$WARMUP"},
    "scenarios": [
        {"name": "same query", "ours": json.loads(os.environ["SAME_OURS"]), "datasette": json.loads(os.environ["SAME_DS"]),
         "about": "the query above, repeated. Ours answers it from its per-version answer cache (4,096 "
                  "answers) after the first time; Datasette runs its SQL each time, using the index on municipio."},
        {"name": "mixed queries", "ours": json.loads(os.environ["MIXED_OURS"]), "datasette": json.loads(os.environ["MIXED_DS"]),
         "about": "$N_MIXED distinct queries (every municipality × page sizes 1–100, shuffled; each wrk thread "
                  "starts at a different place, the warm-up used other page sizes): mostly misses of our answer "
                  "cache, so this measures the SQL path."},
        {"name": "mixed, one at a time", "ours": json.loads(os.environ["SERIAL_OURS"]), "datasette": json.loads(os.environ["SERIAL_DS"]),
         "about": "the mixed queries with one connection (wrk -t1 -c1 -d10s): the time of one query with no queue.",
         "wrk": "-t1 -c1 -d10s"},
    ],
    "notes": [
        "Peak RSS during the run: ours $OURS_RSS_MB MB, Datasette $DS_RSS_MB MB.",
        "Both servers log with their defaults (ours: JSON lines on stderr; Datasette: uvicorn's log); logs in $(realpath --relative-to="$REPO_DIR" "$LOG_DIR").",
    ],
}
json.dump(R, open(sys.argv[1], "w"), ensure_ascii=False, indent=1)
EOF
MD="$OUT_DIR/$NAME.md"
python3 "$BENCH_DIR/report.py" query --results "$LOG_DIR/results.json" > "$MD"
cat "$MD"
log "Written: $MD"
