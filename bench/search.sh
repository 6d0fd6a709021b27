#!/usr/bin/env bash
# Search speed ("Search and discovery in Spanish"): our CKAN `package_search`
# and the /buscar page against Datasette's full-text table search (SQLite
# FTS5), on the same 100,000 generated datasets, with 50 concurrent clients.
#
#   bash bench/search.sh                  # 100,000 datasets
#   options: --datasets N, --no-build (use target/release/apertura, or
#            $CARGO_TARGET_DIR/release/apertura, as it is), --duration 20s (each
#            wrk run), --warmup 5s, --connections 50, --no-resources (no
#            resource per dataset), --keep (keep the data dir, printed at the end)
#   APERTURA_BIN=/path/to/apertura measures that binary instead of building.
#
# Steps: `apertura migrate` in a temporary data dir; gen_datasets.py writes
# ~300 bodies and N datasets (and one link resource each) into its database
# and the same datasets into catalogo.db with an FTS5 index; `apertura
# reindex` (timed); Datasette on catalogo.db; ours twice, each on its own copy
# of the data dir: with the result cache (as served) and without it
# (APERTURA_SEARCH_CACHE_ENTRIES=0); every query asked once on both and the
# counts compared; then wrk -t2 -c50, one scenario at a time: ours
# package_search (cache off), Datasette's table search as JSON, ours /buscar
# (cache off), Datasette's HTML page, then ours package_search and /buscar
# with the cache.
# Writes bench/out/search-<date>.md (search-<date>-<N>datasets.md with another
# --datasets). Both servers are stopped on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEFAULT_DATASETS=100000
DATASETS="$DEFAULT_DATASETS"
DURATION=20s
WARMUP=5s
THREADS=2
CONNECTIONS=50
RESOURCES=1
KEEP=0
while (($#)); do
  case "$1" in
    --datasets) DATASETS="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --no-resources) RESOURCES=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$DATASETS" =~ ^[0-9]+$ && "$DATASETS" -ge 1000 ]] || die "--datasets needs a number ≥ 1000"

SUFFIX=""
[[ "$DATASETS" == "$DEFAULT_DATASETS" ]] || SUFFIX="-${DATASETS}datasets"
NAME="search-$TODAY$SUFFIX"
LOG_DIR="$OUT_DIR/logs/$NAME"
rm -rf "$LOG_DIR"; mkdir -p "$LOG_DIR"
PYLIB="$BENCH_DIR/searchlib.py"
ensure_venv
ensure_wrk
build_apertura
# Our own build is not "other work": the load that matters is the one now.
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "Load average before the data: $LOAD_AT_START ($(nproc) cores)"

# --- Servers, stopped on exit ---------------------------------------------------
TMP="$(mktemp -d "$DATA_DIR/search-run.XXXXXX")"
ON_PID=""
OFF_PID=""
DS_PID=""
stop() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$ON_PID"
  stop "$OFF_PID"
  stop "$DS_PID"
  if [[ "$KEEP" == 1 ]]; then log "Kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# wait_http URL PID NAME LOG: waits (up to 2 min) until URL answers 2xx.
wait_http() {
  local url="$1" pid="$2" name="$3" logf="$4" i
  for i in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$logf" >&2; die "$name exited while starting (log: $logf)"; }
    sleep 0.5
  done
  die "$name did not answer $url within 2 minutes (log: $logf)"
}

secs_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}'; }
rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

export APERTURA_DATA_DIR="$TMP/apertura" APERTURA_WORKERS=1
unset APERTURA_CONFIG APERTURA_DATABASE_URL APERTURA_STORAGE_URL APERTURA_INDEX_DIR \
  APERTURA_PUBLIC_URL APERTURA_SEARCH_CACHE_ENTRIES
mkdir -p "$APERTURA_DATA_DIR"

# --- 1. Data --------------------------------------------------------------------------
log "apertura migrate (data dir $APERTURA_DATA_DIR)"
(cd "$TMP" && "$APERTURA_BIN" migrate) >"$LOG_DIR/migrate.log" 2>&1 \
  || { cat "$LOG_DIR/migrate.log" >&2; die "migrate failed"; }

DS_DB="$TMP/catalogo.db"
log "Generating $DATASETS datasets (bench/gen_datasets.py, seed 42)"
RES_ARG=(--resources "$RESOURCES")
GEN="$(python3 "$BENCH_DIR/gen_datasets.py" --datasets "$DATASETS" \
  --apertura-db "$APERTURA_DATA_DIR/apertura.db" --datasette-db "$DS_DB" "${RES_ARG[@]}")" \
  || die "gen_datasets.py failed"
log "Generated: $GEN"
sqlite3 "$APERTURA_DATA_DIR/apertura.db" \
  "SELECT slug, title, keywords FROM datasets ORDER BY id LIMIT 3" >"$LOG_DIR/sample-datasets.txt" 2>/dev/null || true

# --- 2. Index ---------------------------------------------------------------------------
# `apertura reindex` reads every public document into the tantivy index. A
# build without that command: the start-up consistency check fills the empty
# index instead (timed from the server's start to its "repaired" log line).
REINDEX_MODE=reindex
if ! "$APERTURA_BIN" reindex --help >/dev/null 2>&1; then
  REINDEX_MODE=startup-check
  log "This build has no 'apertura reindex': the server's start-up check will fill the index"
fi
REINDEX_SECONDS="" REINDEX_WALL="" REINDEX_RSS="?" REINDEX_DOCS=""
if [[ "$REINDEX_MODE" == reindex ]]; then
  log "apertura reindex ($DATASETS datasets)"
  t0=$(date +%s%N)
  (cd "$TMP" && /usr/bin/time -v -o "$LOG_DIR/reindex.time" "$APERTURA_BIN" reindex) >"$LOG_DIR/reindex.log" 2>&1 \
    || { cat "$LOG_DIR/reindex.log" >&2; die "apertura reindex failed"; }
  REINDEX_WALL="$(secs_since "$t0")"
  cat "$LOG_DIR/reindex.log" >&2
  # "apertura: 100304 documentos públicos; 200304 indexados y 0 quitados del índice en 61.2 s"
  REINDEX_SECONDS="$(grep -oE 'en [0-9]+([.,][0-9]+)? s' "$LOG_DIR/reindex.log" | tail -1 | grep -oE '[0-9]+([.,][0-9]+)?' | tr , .)"
  REINDEX_DOCS="$(grep -oE '[0-9]+ documentos públicos; [0-9]+ indexados' "$LOG_DIR/reindex.log" | tail -1)"
  REINDEX_RSS="$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$LOG_DIR/reindex.time")"
  [[ -n "$REINDEX_SECONDS" ]] || REINDEX_SECONDS="$REINDEX_WALL"
  log "Reindexed in ${REINDEX_SECONDS}s (wall clock ${REINDEX_WALL}s, peak RSS ${REINDEX_RSS} MB)"
fi

# --- 3. Servers -------------------------------------------------------------------------
start_datasette "$DS_DB" "$LOG_DIR/datasette.log"
wait_http "$DS/catalogo/datasets.json?_size=1" "$DS_PID" datasette "$LOG_DIR/datasette.log"
curl -fsS "$DS/catalogo.json" | python3 -c 'import json, sys
t = [t for t in json.load(sys.stdin)["tables"] if t["name"] == "datasets"]
sys.exit(0 if t and t[0].get("fts_table") == "datasets_fts" else 1)' \
  || die "Datasette does not see datasets_fts as the full-text index of datasets"

# Ours twice, at the same time, each on its own copy of the data dir (one
# process holds a tantivy index): as served (result cache of 4,096 answers) and
# with the cache off. Both idle while the other server is measured, so that
# the runs that compare with Datasette can sit next to Datasette's in time.
log "Copying the data dir for the second server (cache off)"
cp -a "$APERTURA_DATA_DIR" "$TMP/apertura-nocache"
ON="http://127.0.0.1:$(free_port)"
OFF="http://127.0.0.1:$(free_port)"
# start_ours NAME URL DATA_DIR [CACHE_ENTRIES]: starts `apertura serve` in the
# background; sets STARTED_PID.
start_ours() {
  local name="$1" url="$2" dir="$3" cache="${4:-}" logf="$LOG_DIR/ours-$1.log"
  log "Starting ours ($name) on $url"
  if [[ -n "$cache" ]]; then
    (cd "$TMP" && APERTURA_DATA_DIR="$dir" APERTURA_BIND="${url#http://}" \
      APERTURA_SEARCH_CACHE_ENTRIES="$cache" exec "$APERTURA_BIN" serve) >"$logf" 2>&1 &
  else
    (cd "$TMP" && APERTURA_DATA_DIR="$dir" APERTURA_BIND="${url#http://}" \
      exec "$APERTURA_BIN" serve) >"$logf" 2>&1 &
  fi
  STARTED_PID=$!
}
# wait_ours NAME URL PID: waits for /readyz, a search that answers, and the end
# of the start-up consistency check (30 min at most: with an empty index, it
# is what fills it).
wait_ours() {
  local name="$1" url="$2" pid="$3" logf="$LOG_DIR/ours-$1.log" i
  wait_http "$url/readyz" "$pid" "ours-$name" "$logf"
  wait_http "$url/api/3/action/package_search?q=presupuesto&rows=1" "$pid" "ours-$name" "$logf"
  for i in $(seq 1 1800); do
    grep -qE 'search index (in step|was out of step)' "$logf" && break
    kill -0 "$pid" 2>/dev/null || die "ours ($name) exited (log: $logf)"
    sleep 1
  done
  grep -qE 'search index (in step|was out of step)' "$logf" \
    || log "WARNING: no end of the start-up consistency check in $logf after 30 min; measuring anyway"
  if grep -q 'search index was out of step' "$logf"; then
    log "  $name: the start-up check repaired the index ($(grep -m1 -oE '"indexed":[0-9]+' "$logf" || true))"
  fi
}
T0=$(date +%s%N)
start_ours cache-on "$ON" "$APERTURA_DATA_DIR"; ON_PID=$STARTED_PID
start_ours cache-off "$OFF" "$TMP/apertura-nocache" 0; OFF_PID=$STARTED_PID
wait_ours cache-on "$ON" "$ON_PID"
wait_ours cache-off "$OFF" "$OFF_PID"
STARTED_SECONDS="$(secs_since "$T0")"
log "Both ready in ${STARTED_SECONDS}s"
if [[ "$REINDEX_MODE" == startup-check ]]; then
  REINDEX_SECONDS="$STARTED_SECONDS"; REINDEX_WALL="$STARTED_SECONDS"
  REINDEX_DOCS="by the start-up consistency check (no reindex command)"
fi

# --- 4. Same queries on both -------------------------------------------------------------
QUERIES="$LOG_DIR/queries.txt"
N_QUERIES="$(python3 "$PYLIB" queries "$QUERIES")"
log "Asking each of the $N_QUERIES queries once on both (counts side by side):"
python3 "$PYLIB" check "$ON" "$DS" "$QUERIES" "$DATASETS" "$LOG_DIR/check.json" \
  | tee "$LOG_DIR/check.txt" >&2 || die "the check found a problem with ours (see above); not benchmarking"

# --- 5. wrk ------------------------------------------------------------------------------------
for side in ours-api ours-page datasette-json datasette-html; do
  python3 "$PYLIB" lua "$side" "$QUERIES" "$TMP/$side.lua" >/dev/null
done

# CPU accounting, so that other work on the machine can be told from ours:
# busy ticks of the whole machine, and user + system ticks of one process (all
# its threads). USER_HZ is 100 on Linux.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# run_wrk NAME BASE_URL LUA SERVER_PID [SERVER_LOG]: a warm-up with the same
# queries, then the measured run; prints its figures as JSON, with the
# server's CPU time and the CPU that neither the server nor wrk used (other
# work). --timeout 30s: with wrk's default of 2 s, slower answers would be
# dropped from the latency figures. With SERVER_LOG (ours), the latencies the
# server logged during the measured run go to $LOG_DIR/server-NAME.json.
run_wrk() {
  local name="$1" base="$2" lua="$3" pid="$4" slog="${5:-}" from=0 load b0 p0 t0 b1 p1 wall
  load="$(cut -d' ' -f1 /proc/loadavg)"
  log "wrk $name: warm-up $WARMUP, then -t$THREADS -c$CONNECTIONS -d$DURATION (load $load)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 30s -s "$lua" "$base" >"$LOG_DIR/wrk-$name-warmup.txt" 2>&1
  [[ -n "$slog" ]] && from="$(wc -l <"$slog")"
  b0="$(busy_ticks)"; p0="$(proc_ticks "$pid")"; t0="$(date +%s%N)"
  /usr/bin/time -f '%U %S' -o "$LOG_DIR/wrk-$name.cpu" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency -s "$lua" "$base" >"$LOG_DIR/wrk-$name.txt" 2>&1
  b1="$(busy_ticks)"; p1="$(proc_ticks "$pid")"; wall="$(secs_since "$t0")"
  if [[ -n "$slog" ]]; then
    sleep 0.2
    python3 "$PYLIB" serverlat "$slog" "$from" "$(wc -l <"$slog")" >"$LOG_DIR/server-$name.json"
  fi
  grep -E 'Requests/sec|^\s+(50|99)%|Non-2xx|Socket errors' "$LOG_DIR/wrk-$name.txt" | sed 's/^/    /' >&2
  python3 "$PYLIB" wrk "$LOG_DIR/wrk-$name.txt" "$load" "$wall" "$((b1 - b0))" "$((p1 - p0))" \
    "$(awk '{print $1 + $2}' "$LOG_DIR/wrk-$name.cpu" 2>/dev/null || echo 0)" "$(nproc)" | tee "$LOG_DIR/wrk-$name.json"
}

# Each of ours next to its Datasette counterpart, cache off first (the honest
# comparison), then ours with the cache.
API_OFF="$(run_wrk ours-api-cache-off "$OFF" "$TMP/ours-api.lua" "$OFF_PID" "$LOG_DIR/ours-cache-off.log")"
DS_JSON="$(run_wrk datasette-json "$DS" "$TMP/datasette-json.lua" "$DS_PID")"
PAGE_OFF="$(run_wrk ours-page-cache-off "$OFF" "$TMP/ours-page.lua" "$OFF_PID" "$LOG_DIR/ours-cache-off.log")"
DS_HTML="$(run_wrk datasette-html "$DS" "$TMP/datasette-html.lua" "$DS_PID")"
API_ON="$(run_wrk ours-api-cache-on "$ON" "$TMP/ours-api.lua" "$ON_PID" "$LOG_DIR/ours-cache-on.log")"
PAGE_ON="$(run_wrk ours-page-cache-on "$ON" "$TMP/ours-page.lua" "$ON_PID" "$LOG_DIR/ours-cache-on.log")"
RSS_ON="$(rss_mb "$ON_PID")"
RSS_OFF="$(rss_mb "$OFF_PID")"
RSS_DS="$(rss_mb "$DS_PID")"
stop "$ON_PID"; ON_PID=""
stop "$OFF_PID"; OFF_PID=""

# --- 6. Report -----------------------------------------------------------------------------------
# What our server logged above INFO during the runs (errors under load, slow
# requests), for the "odd things" section.
ours_warnings() {
  cat "$LOG_DIR"/ours-cache-*.log 2>/dev/null | grep -E '"level":"(WARN|ERROR)"' \
    | sed -E 's/.*"message":"([^"]*)".*/\1/' | sort | uniq -c | sort -rn | head -8 || true
}
WARNINGS="$(ours_warnings)"
LOAD_AT_END="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY=0
# Busy: other work took more than 10 % of the machine during a run, or the
# load average was above 1.5 before the data was generated (our own runs
# raise the load average; the CPU accounting tells them apart).
MAX_OTHER="$(cat "$LOG_DIR"/wrk-*.json | python3 -c 'import json, sys; print(max(json.loads(l).get("other_pct") or 0 for l in sys.stdin if l.strip()))')"
awk -v a="${LOAD_AT_START%% *}" -v c="$MAX_OTHER" 'BEGIN {exit !(a > 1.5 || c > 10)}' && BUSY=1
INDEX_SIZE="$(du -sh "$APERTURA_DATA_DIR/index" 2>/dev/null | cut -f1)"
DS_DB_SIZE="$(human_size "$DS_DB")"
export GEN API_ON PAGE_ON API_OFF PAGE_OFF DS_JSON DS_HTML WARNINGS
python3 - "$LOG_DIR/results.json" <<EOF
import json, os, sys
sys.path.insert(0, "$BENCH_DIR")
import searchlib as L
gen = json.loads(os.environ["GEN"])
qs = L.read_queries("$QUERIES")
chk = json.load(open("$LOG_DIR/check.json", encoding="utf-8"))
rows = chk["rows"]
odd = []
# Ours should find at least what Datasette finds: it folds accents and stems,
# Datasette matches exact words (every one, "de" included).
fewer = [r for r in rows if r["kind"] in ("plain", "no accents") and (r["ours"]["count"] or 0) < (r["datasette"]["count"] or 0)]
if fewer:
    odd.append(f"{len(fewer)} queries where ours counts FEWER datasets than Datasette's exact-word search: " +
               "; ".join(f"{r['q']!r} {r['ours']['count']} vs {r['datasette']['count']}" for r in fewer[:8]))
by_q = {r["q"]: r for r in rows}
pairs = [(r, by_q[L.fold(r["q"])]) for r in rows if L.fold(r["q"]) != r["q"] and L.fold(r["q"]) in by_q]
diff = [(a, b) for a, b in pairs if a["ours"]["count"] != b["ours"]["count"]]
if diff:
    odd.append(f"accented and unaccented forms count differently on ours ({len(diff)} of {len(pairs)} pairs): " +
               "; ".join(f"{a['q']!r} {a['ours']['count']} vs {b['q']!r} {b['ours']['count']}" for a, b in diff[:8]))
elif pairs:
    odd.append(f"(fine) the {len(pairs)} accented/unaccented pairs in the set count the same on ours.")
errs = [r for r in rows if r["ours"]["status"] != 200 or r["page"]["status"] != 200]
if errs:
    odd.append(f"{len(errs)} queries answered with an error by ours: " +
               "; ".join(f"{r['q']!r} API {r['ours']['status']}, page {r['page']['status']}" for r in errs[:8]))
slow = sorted((r for r in rows if r["ours"]["ms"] > 50 or r["page"]["ms"] > 100), key=lambda r: -max(r["ours"]["ms"], r["page"]["ms"]))
if slow:
    odd.append(f"{len(slow)} queries slow on ours one at a time, cold (API > 50 ms or page > 100 ms): " +
               "; ".join(f"{r['q']!r} API {r['ours']['ms']:.0f} ms, page {r['page']['ms']:.0f} ms" for r in slow[:8]))
typos = [r for r in rows if r["kind"] == "typo"]
fixed = [r for r in typos if r["page"]["did_you_mean"]]
odd.append(f"(for information) typos: the page offered a correction for {len(fixed)} of {len(typos)} " +
           "(" + "; ".join(f"{r['q']!r} → {r['page']['did_you_mean']!r}, {r['ours']['count']} found" for r in fixed[:10]) + ")" +
           ("; none for: " + ", ".join(repr(r["q"]) for r in typos if not r["page"]["did_you_mean"]) if len(fixed) < len(typos) else ""))
nothing = [r for r in rows if not r["ours"]["count"] and r["datasette"]["count"]]
if nothing:
    odd.append(f"{len(nothing)} queries found nothing on ours but something on Datasette: " + ", ".join(f"{r['q']!r} ({r['datasette']['count']})" for r in nothing[:15]))
both_none = [r for r in rows if not r["ours"]["count"] and not r["datasette"]["count"]]
if both_none:
    odd.append(f"(for information) {len(both_none)} queries found nothing on either: " + ", ".join(repr(r["q"]) for r in both_none[:15]))
dym_plain = [r for r in rows if r["kind"] != "typo" and r["page"]["did_you_mean"]]
if dym_plain:
    odd.append(f"the page offered a correction for {len(dym_plain)} queries that are not typos: " +
               "; ".join(f"{r['q']!r} → {r['page']['did_you_mean']!r}" for r in dym_plain[:10]))
# A corrected word that lost its accents: a word the set also has with accents.
accented = {L.fold(w): w for x in rows for w in x["q"].lower().split() if L.fold(w) != w}
def lost_accents(r):
    dym = r["page"]["did_you_mean"]
    if not dym:
        return False
    typed = r["q"].lower().split()
    return any(w in accented and (i >= len(typed) or L.fold(typed[i]) != w)
               for i, w in enumerate(dym.lower().split()))
unrestored = [r for r in rows if lost_accents(r)]
if unrestored:
    odd.append("corrections offered without their accents (the README says accents are restored): " +
               "; ".join(f"{r['q']!r} → {r['page']['did_you_mean']!r}" for r in unrestored[:10]))
ds_none = [r for r in rows if r["datasette"]["status"] == 200 and r["datasette"]["count"] is None]
if ds_none:
    odd.append(f"Datasette gave no count (its 1 s SQL time limit) for {len(ds_none)} queries.")
w = {"api-on": json.loads(os.environ["API_ON"]), "page-on": json.loads(os.environ["PAGE_ON"]),
     "api-off": json.loads(os.environ["API_OFF"]), "page-off": json.loads(os.environ["PAGE_OFF"]),
     "ds-json": json.loads(os.environ["DS_JSON"]), "ds-html": json.loads(os.environ["DS_HTML"])}
for k, v in w.items():
    if v["non2xx"] or v["socket_errors"] not in ("0", ""):
        odd.append(f"wrk {k}: {v['non2xx']} non-2xx answers, socket errors: {v['socket_errors']}.")
for label, v in (("cache on", "$RSS_ON"), ("cache off", "$RSS_OFF")):
    if v.isdigit() and int(v) > 500:
        odd.append(f"ours' peak RSS with the {label} reached {int(v):,} MB, for an index of $INDEX_SIZE on disk "
                   f"(cache on {'$RSS_ON'} MB, cache off {'$RSS_OFF'} MB; Datasette $RSS_DS MB): memory grows with "
                   "concurrent searches, not with the cache.")
warn = os.environ.get("WARNINGS", "").strip()
if warn:
    odd.append("ours logged at WARN/ERROR during the runs (count, message): " + "; ".join(l.strip() for l in warn.splitlines()))
R = {
    "date": "$TODAY",
    "machine": "$(machine_description)",
    "busy": $BUSY == 1, "max_other_pct": $MAX_OTHER,
    "code": "$(code_description)",
    "versions": "$("$APERTURA_BIN" --version); datasette $("$VENV/bin/datasette" --version | awk '{print $NF}'); SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'); $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')",
    "datasets": $DATASETS, "bodies": gen["bodies"], "resources": gen["resources"], "gen_seconds": gen["seconds"], "fts_seconds": gen.get("fts_seconds"),
    "reindex_mode": "$REINDEX_MODE", "reindex_seconds": "$REINDEX_SECONDS", "reindex_wall": "$REINDEX_WALL",
    "reindex_rss_mb": "$REINDEX_RSS", "index_docs": "$REINDEX_DOCS", "index_size": "$INDEX_SIZE",
    "datasette_db_size": "$DS_DB_SIZE",
    "wrk": {"threads": $THREADS, "connections": $CONNECTIONS, "duration": "$DURATION", "warmup": "$WARMUP"},
    "n_queries": len(qs), "query_sample": qs[:12],
    "check_file": "$LOG_DIR/check.json",
    "examples": {s: L.path(s, "obra pública toluca") for s in ("ours-api", "ours-page", "datasette-json", "datasette-html")},
    "scenarios": [
        {"key": "api-on", "name": "ours: package_search, cache on (as served)", "wrk": w["api-on"]},
        {"key": "api-off", "name": "ours: package_search, **cache off**", "wrk": w["api-off"]},
        {"key": "page-on", "name": "ours: /buscar page, cache on", "wrk": w["page-on"]},
        {"key": "page-off", "name": "ours: /buscar page, **cache off**", "wrk": w["page-off"]},
        {"key": "ds-json", "name": "Datasette: table search, JSON", "wrk": w["ds-json"]},
        {"key": "ds-html", "name": "Datasette: table search, HTML page", "wrk": w["ds-html"]},
    ],
    "server": {k: json.load(open(f"$LOG_DIR/server-{n}.json")) for k, n in
               (("api-on", "ours-api-cache-on"), ("page-on", "ours-page-cache-on"),
                ("api-off", "ours-api-cache-off"), ("page-off", "ours-page-cache-off"))},
    "rss": {"ours_on": "$RSS_ON", "ours_off": "$RSS_OFF", "datasette": "$RSS_DS"},
    "odd": odd,
    "log_dir": os.path.relpath("$LOG_DIR", "$REPO_DIR"),
}
json.dump(R, open(sys.argv[1], "w"), ensure_ascii=False, indent=1)
EOF
# Our servers log every request (JSON lines, ~400 bytes each): keep them, compressed.
gzip -f "$LOG_DIR"/ours-cache-*.log "$LOG_DIR/datasette.log" 2>/dev/null || true
MD="$OUT_DIR/$NAME.md"
python3 "$PYLIB" report "$LOG_DIR/results.json" > "$MD"
cat "$MD"
log "Load average at the end: $LOAD_AT_END"
log "Written: $MD"
