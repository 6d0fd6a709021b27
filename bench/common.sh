# Shared helpers for bench/ingest.sh and bench/query.sh. Sourced, not run.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
DATA_DIR="$BENCH_DIR/data"       # generated CSVs, databases, binary snapshot (git-ignored)
OUT_DIR="$BENCH_DIR/out"         # Markdown results and logs (git-ignored)
VENV="$BENCH_DIR/.venv"          # Python reference tools (git-ignored)
TODAY="$(date +%Y-%m-%d)"

# Reference tools, pinned so that figures from different days compare.
PY_REQUIREMENTS=(
  "frictionless[excel]==5.21.0"
  "sqlite-utils==4.2.1"
  "duckdb==2.0.1"
  "datasette==0.65.5"
)

# How long to keep retrying a failing `cargo build` (other engineers may have
# the workspace half-edited for a while).
BUILD_WAIT_MINUTES="${BUILD_WAIT_MINUTES:-45}"
BUILD_RETRY_SECONDS="${BUILD_RETRY_SECONDS:-180}"

# Rows of the generated file: 1M by default, --big gives a ~1 GB file.
DEFAULT_ROWS=1000000
BIG_ROWS=7500000     # ~136 bytes a row: 7.5M rows ~ 1.02 GB

mkdir -p "$DATA_DIR" "$OUT_DIR"

# Other work on this machine (builds, tests) skews the figures: the reports
# give the load average at the start and at the end of the run.
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# Suffix of the report's name: none at the default size, "-big" for --big,
# "-<N>rows" otherwise (so that runs at other sizes don't replace the default).
size_suffix() {
  case "$1" in
    "$DEFAULT_ROWS") echo "" ;;
    "$BIG_ROWS") echo "-big" ;;
    *) echo "-${1}rows" ;;
  esac
}

log() { printf '\033[1m[%s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- Python tools in bench/.venv ---------------------------------------------
ensure_venv() {
  local stamp="$VENV/.bench-requirements"
  local wanted
  wanted="$(printf '%s\n' "${PY_REQUIREMENTS[@]}")"
  if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    return
  fi
  log "Installing the reference tools into $VENV: ${PY_REQUIREMENTS[*]}"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "${PY_REQUIREMENTS[@]}"
  printf '%s\n' "$wanted" > "$stamp"
}

# --- wrk (Debian package) ----------------------------------------------------
ensure_wrk() {
  command -v wrk >/dev/null && return
  [[ "$(id -u)" == 0 ]] || die "wrk is missing: run 'sudo apt-get install -y wrk' (or run this script as root)"
  log "Installing wrk with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}

# --- Our binary --------------------------------------------------------------
# Builds `apertura` in release mode, retrying while the workspace does not
# compile, then copies the binary to $DATA_DIR so that a rebuild by someone
# else in the middle of the benchmark does not change what is measured.
# Sets APERTURA_BIN. With NO_BUILD=1, uses target/release/apertura as it is;
# with APERTURA_BIN already set (e.g. another build), uses that binary. Honours
# CARGO_TARGET_DIR (relative to the repository, as cargo reads it there), so a
# separate target dir does not wait on someone else's build lock.
build_apertura() {
  local target="${CARGO_TARGET_DIR:-target}"
  [[ "$target" == /* ]] || target="$REPO_DIR/$target"
  local built="$target/release/apertura"
  if [[ -n "${APERTURA_BIN:-}" ]]; then
    [[ -x "$APERTURA_BIN" ]] || die "APERTURA_BIN=$APERTURA_BIN is not an executable"
    log "Using APERTURA_BIN=$APERTURA_BIN ($("$APERTURA_BIN" --version))"
    return
  fi
  if [[ "${NO_BUILD:-0}" == 1 ]]; then
    [[ -x "$built" ]] || die "--no-build given but $built does not exist"
  else
    local deadline=$(( $(date +%s) + BUILD_WAIT_MINUTES * 60 ))
    local attempt=1 blog="$OUT_DIR/build.log"
    while true; do
      log "cargo build --release -p apertura (attempt $attempt; log: $blog)"
      if (cd "$REPO_DIR" && cargo build --release -p apertura) >"$blog" 2>&1; then
        break
      fi
      log "Build failed; first errors:"
      grep -E '^error' -A6 "$blog" | head -30 >&2 || tail -20 "$blog" >&2
      if (( $(date +%s) + BUILD_RETRY_SECONDS > deadline )); then
        die "the workspace still does not compile after ${BUILD_WAIT_MINUTES} min; giving up (see $blog)"
      fi
      log "Retrying in ${BUILD_RETRY_SECONDS}s (until $(date -d "@$deadline" +%H:%M))"
      sleep "$BUILD_RETRY_SECONDS"
      attempt=$((attempt + 1))
    done
  fi
  cp "$built" "$DATA_DIR/apertura.tmp" && mv "$DATA_DIR/apertura.tmp" "$DATA_DIR/apertura"
  APERTURA_BIN="$DATA_DIR/apertura"
  log "Using $APERTURA_BIN ($("$APERTURA_BIN" --version))"
}

# --- Generated data ----------------------------------------------------------
# gen_csv ROWS: prints the path of the generated CSV (made once, then reused;
# the generator is deterministic, seed 42).
gen_csv() {
  local rows="$1" file="$DATA_DIR/gen-$1.csv"
  if [[ ! -s "$file" || "$BENCH_DIR/gen_csv.py" -nt "$file" ]]; then
    log "Generating $file ($rows rows)"
    python3 "$BENCH_DIR/gen_csv.py" --rows "$rows" --out "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  printf '%s\n' "$file"
}

# --- Misc --------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Describes the code being measured (read-only git commands).
code_description() {
  local commit dirty
  commit="$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  dirty="$(git -C "$REPO_DIR" status --porcelain 2>/dev/null | grep -vc '^?? bench/' || true)"
  printf 'commit %s, %s uncommitted paths in the work tree' "$commit" "$dirty"
}

machine_description() {
  printf '%s cores, %s GiB RAM, %s; load average %s at the start, %s at the end' "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" \
    "$(uname -sr)" "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

human_size() { numfmt --to=iec --suffix=B "$(stat -c %s "$1")"; }

# Starts Datasette on DB (a free port, facet suggestions off), logging to
# LOG; sets DS (its URL) and DS_PID. The caller waits for it (wait_http).
start_datasette() {  # DB LOG
  DS_PORT="$(free_port)"
  DS="http://127.0.0.1:$DS_PORT"
  log "Starting Datasette on $DS"
  "$VENV/bin/datasette" serve "$1" -h 127.0.0.1 -p "$DS_PORT" \
    --setting suggest_facets off --setting facet_time_limit_ms 1 >"$2" 2>&1 &
  DS_PID=$!
}
