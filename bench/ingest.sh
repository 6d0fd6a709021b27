#!/usr/bin/env bash
# Ingest speed: our `apertura validate` / `apertura load` against the
# reference tools (frictionless, sqlite-utils, DuckDB) on the same files, in
# one run, with wall-clock seconds, peak RSS and the ratios the issue asks for.
#
#   bash bench/ingest.sh              # 1,000,000 generated rows (~136 MB)
#   bash bench/ingest.sh --rows N     # N generated rows
#   bash bench/ingest.sh --big        # 7,500,000 rows (~1 GB)
#   options: --no-build (use target/release/apertura as it is),
#            --skip-real (only the generated file),
#            --only-real (only the files in /work/shared/data/real),
#            --repeat N (runs of each tool on each file, default 3: the report
#            gives the median seconds and the highest peak RSS)
#
# Writes bench/out/ingest-<date>.md (ingest-<date>-big.md with --big,
# ingest-<date>-<N>rows.md with another --rows) and prints the same. Logs of
# every run are in bench/out/logs/<same name>/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROWS="$DEFAULT_ROWS"
SKIP_REAL=0
ONLY_REAL=0
REPEAT=3
REAL_DIR="${REAL_DIR:-/work/shared/data/real}"
while (($#)); do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --big) ROWS="$BIG_ROWS"; shift ;;
    --no-build) NO_BUILD=1; shift ;;
    --skip-real) SKIP_REAL=1; shift ;;
    --only-real) ONLY_REAL=1; shift ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$ROWS" =~ ^[0-9]+$ ]] || die "--rows needs a number"

[[ -x /usr/bin/time ]] || { [[ "$(id -u)" == 0 ]] && apt-get install -y -qq time >/dev/null; } \
  || die "/usr/bin/time is missing (apt-get install time)"

NAME="ingest-$TODAY$( ((ONLY_REAL)) && echo -real || size_suffix "$ROWS")"
LOG_DIR="$OUT_DIR/logs/$NAME"
WORK="$DATA_DIR/ingest-work"        # output databases, removed after each run
RESULTS="$LOG_DIR/results.tsv"      # one line per timed run, read by report.py
rm -rf "$LOG_DIR" "$WORK"
mkdir -p "$LOG_DIR" "$WORK"
printf 'group\tkey\trun\tlabel\trc\tseconds\trss_kb\tcpu_pct\trows_out\tnote\n' > "$RESULTS"

ensure_venv
build_apertura
PY="$VENV/bin/python"

# measure GROUP KEY RUN LABEL CMD...: runs CMD under /usr/bin/time -v, keeps
# its exit status, wall-clock seconds and peak RSS for `record`. Never fails
# (a failing tool is a result, not an error of this script).
LAST_LOG=""
LAST_RC=0
PENDING=""
measure() {
  local group="$1" key="$2" run="$3" label="$4"; shift 4
  local logf="$LOG_DIR/$group.$key.$run.log" timef="$LOG_DIR/$group.$key.$run.time"
  local start end rc=0 secs rss cpu
  start=$(date +%s%N)
  /usr/bin/time -v -o "$timef" "$@" >"$logf" 2>&1 || rc=$?
  end=$(date +%s%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timef")
  cpu=$(awk -F': ' '/Percent of CPU/ {sub(/%/, "", $2); print $2}' "$timef")
  LAST_LOG="$logf"; LAST_RC=$rc
  log "  $key) $label, run $run: exit $rc, ${secs}s, CPU ${cpu:-?}%, peak RSS $((${rss:-0} / 1024)) MB"
  # The line is completed by `record` once the output has been counted.
  PENDING="$group	$key	$run	$label	$rc	$secs	${rss:-0}	${cpu:--}"
}
record() {  # record ROWS_OUT NOTE
  printf '%s\t%s\t%s\n' "$PENDING" "${1:--}" "${2:-}" >> "$RESULTS"
}
# Rows of a table in a SQLite file (or "-" if it cannot be read).
sqlite_rows() { sqlite3 "$1" "SELECT count(*) FROM \"$2\"" 2>/dev/null || echo -; }
duckdb_rows() {
  "$PY" -c 'import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True).execute("SELECT count(*) FROM t").fetchone()[0])' "$1" 2>/dev/null || echo -
}
# The row count that `apertura validate` printed ("NAME: N filas, M columnas").
validate_rows() { grep -m1 -oE ': [0-9]+ filas' "$1" | grep -oE '[0-9]+' || echo -; }
# First line of a tool's error, for the report.
first_error() { grep -m1 -iE 'error|exception|apertura:' "$1" | cut -c1-200 || true; }
# The Python exception DuckDB ended with.
duckdb_error() {
  "$PY" - "$1" <<'PYEOF'
import sys, re
text = open(sys.argv[1], errors="replace").read()
m = re.search(r"(\w+(Error|Exception)[^\n]*)", text)
print((m.group(1) if m else text.strip().splitlines()[-1] if text.strip() else "")[:200])
PYEOF
}

# run_one GROUP FILE KEY RUN: one timed run of tool KEY (a-e) on FILE, with the
# file in the page cache and no output left from an earlier run.
run_one() {
  local group="$1" file="$2" key="$3" run="$4" out="" note=""
  rm -f "$WORK"/*
  cat "$file" >/dev/null
  case "$key" in
    a)
      measure "$group" a "$run" "apertura validate" "$APERTURA_BIN" validate "$file"
      ((LAST_RC > 1)) && note="$(first_error "$LAST_LOG")"
      record "$(validate_rows "$LAST_LOG")" "$note" ;;
    b)
      out="$WORK/ours.db"
      measure "$group" b "$run" "apertura load --into" \
        env -u APERTURA_CONFIG APERTURA_LOG=warn "$APERTURA_BIN" load "$file" --into "$out"
      ((LAST_RC > 1)) && note="$(first_error "$LAST_LOG")"
      record "$(sqlite_rows "$out" ds_v1)" "$note" ;;
    c)
      # --trusted: frictionless refuses absolute paths otherwise ("not safe").
      measure "$group" c "$run" "frictionless validate" "$VENV/bin/frictionless" validate --trusted "$file"
      grep -q 'format-error\|encoding-error\|source-error\|scheme-error' "$LAST_LOG" && \
        note="$(grep -m1 -oE '(format|encoding|source|scheme)-error' "$LAST_LOG"): could not read the file"
      record - "$note" ;;
    d)
      # sqlite-utils 4 detects column types by default: its 3.x flag
      # --detect-types no longer exists (and --no-detect-types turns it off).
      out="$WORK/sqlite-utils.db"
      measure "$group" d "$run" "sqlite-utils insert --csv (types detected)" \
        "$VENV/bin/sqlite-utils" insert "$out" t "$file" --csv
      ((LAST_RC != 0)) && note="$(first_error "$LAST_LOG")"
      record "$(sqlite_rows "$out" t)" "$note" ;;
    e)
      out="$WORK/duck.duckdb"
      measure "$group" e "$run" "DuckDB CREATE TABLE AS read_csv" "$PY" "$BENCH_DIR/duckdb_load.py" "$out" "$file"
      ((LAST_RC != 0)) && note="$(duckdb_error "$LAST_LOG")"
      record "$(duckdb_rows "$out")" "$note" ;;
  esac
  rm -f "$WORK"/*
}

# run_tools GROUP FILE TOOLS: REPEAT runs of each tool named in TOOLS (a-e).
run_tools() {
  local group="$1" file="$2" tools="$3" key run why
  local ext="${file##*.}"; ext="${ext,,}"
  for key in $(grep -o . <<<"$tools"); do
    if [[ "$key" == e && ( "$ext" == xlsx || "$ext" == xls ) ]]; then
      # DuckDB reads XLSX only through its `excel` extension, which it
      # downloads at run time (no network here), and has no XLS reader at all.
      why="XLSX needs its excel extension, which it downloads at run time"
      [[ "$ext" == xls ]] && why="it has no XLS reader"
      printf '%s\te\t1\tDuckDB read_csv\tskip\t-\t-\t-\t-\tnot run: DuckDB cannot read %s here (%s)\n' \
        "$group" "${ext^^}" "$why" >> "$RESULTS"
      continue
    fi
    for run in $(seq 1 "$REPEAT"); do
      run_one "$group" "$file" "$key" "$run"
    done
  done
}

# --- 1. The generated file ---------------------------------------------------
GEN=""
if ((ONLY_REAL == 0)); then
  GEN="$(gen_csv "$ROWS")"
  log "Generated file: $GEN ($(human_size "$GEN"), $ROWS rows)"
  run_tools generated "$GEN" abcde
fi

# --- 2. The real government files --------------------------------------------
REAL_FILES=()
if ((SKIP_REAL == 0)) && [[ -d "$REAL_DIR" ]]; then
  while IFS= read -r f; do REAL_FILES+=("$f"); done < <(
    find "$REAL_DIR" -maxdepth 1 -type f \( -iname '*.csv' -o -iname '*.xlsx' -o -iname '*.xls' \) | sort)
  for f in "${REAL_FILES[@]}"; do
    log "Real file: $(basename "$f") ($(human_size "$f"))"
    run_tools "real:$(basename "$f")" "$f" abce
  done
fi

# --- 3. Report ---------------------------------------------------------------
MD="$OUT_DIR/$NAME.md"
python3 "$BENCH_DIR/report.py" ingest \
  --results "$RESULTS" \
  --generated "$GEN" --rows "$ROWS" --big-rows "$BIG_ROWS" \
  --real-dir "$REAL_DIR" \
  --code "$(code_description)" --machine "$(machine_description)" \
  --versions "$("$APERTURA_BIN" --version); frictionless $("$VENV/bin/frictionless" --version 2>/dev/null | tr -d '\n'); sqlite-utils $("$VENV/bin/sqlite-utils" --version | awk '{print $NF}'); duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)')" \
  --logs "$LOG_DIR" \
  > "$MD"
cat "$MD"
log "Written: $MD"
rm -rf "$WORK"
