#!/usr/bin/env bash
# HTTP load benchmark on the demo clinic, on SQLite and PostgreSQL: requests per second and
# p50/p99 latency for open slots (API) and the day view (the staff page and its API list),
# with wrk at 8 and 32 connections, plus the server's idle and peak memory.
#
#   scripts/bench-http.sh [seconds-per-run]
#
# Needs wrk (Debian package `wrk`), curl, python3 and a PostgreSQL server that the
# KNEAD_BENCH_POSTGRES_ADMIN URL can create databases on (default: the local one as postgres).
# Only loopback addresses are used. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10}
admin=${KNEAD_BENCH_POSTGRES_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
port=18088
base="http://127.0.0.1:$port"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release -p knead >/dev/null 2>&1
knead=target/release/knead

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

start_server() {
  local database=$1
  # The demo clinic is made by its own process, so the server's memory is that of a server
  # opening an existing database, not what building the demo left behind.
  "$knead" demo --database "$database" --data-dir "$work/data" >"$work/serve.out" 2>"$work/demo.log"
  "$knead" serve --database "$database" --data-dir "$work/data" --listen "127.0.0.1:$port" \
    >/dev/null 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 1 300); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server did not start" >&2
  cat "$work/serve.log" >&2
  exit 1
}

# Signs in through the login form and prints the session cookie's value.
session_cookie() {
  local email=$1 password=$2 jar="$work/jar"
  rm -f "$jar"
  curl -fs -c "$jar" "$base/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "knead_csrf" {print $7}' "$jar")
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login"
  awk '$6 == "knead_session" {print $7}' "$jar"
}

# Runs wrk against a path with one extra header; prints "rps p50 p99".
load() {
  local connections=$1 path=$2 header=$3
  cat >"$work/header.lua" <<LUA
wrk.headers["$(cut -d: -f1 <<<"$header")"] = "$(cut -d' ' -f2- <<<"$header")"
LUA
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/header.lua" "$base$path" \
    >"$work/wrk.out"
  python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)" % label, text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {ms('50%'):.2f} {ms('99%'):.2f} {errors.group(1) if errors else 0}")
PY
}

run_backend() {
  local name=$1 database=$2
  start_server "$database"
  local email password token location service today
  email=$(awk -F': ' '/email/ {print $2; exit}' "$work/serve.out")
  password=$(awk -F': ' '/password/ {print $2; exit}' "$work/serve.out")
  token=$("$knead" token create --role owner --name bench --database "$database" \
    --data-dir "$work/data" 2>/dev/null)
  location=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/locations" | json 'd["items"][0]["id"]')
  service=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/services" | json 'd["items"][2]["id"]')
  today=$(date +%F)
  until_day=$(date -d "+6 days" +%F)
  local cookie
  cookie=$(session_cookie "$email" "$password")
  sleep 1
  local idle
  idle=$(rss_kb "$server")
  local slots="/api/v1/availability?service_id=$service&location_id=$location&from=$today&to=$until_day"
  local day_api="/api/v1/appointments?location_id=$location&from=$today&to=$today"
  local day_page="/schedule?location=$location&date=$today"
  for connections in 8 32; do
    for target in "open slots (7 days, API)|$slots|Authorization: Bearer $token" \
                  "day view (API)|$day_api|Authorization: Bearer $token" \
                  "day view (page)|$day_page|Cookie: knead_session=$cookie"; do
      IFS='|' read -r label path header <<<"$target"
      read -r rps p50 p99 errors < <(load "$connections" "$path" "$header")
      echo "| $name | $label | $connections | $rps | $p50 | $p99 | $errors |"
    done
  done
  echo "| $name | memory | idle $((idle / 1024)) MB | peak $(( $(hwm_kb "$server") / 1024 )) MB | | | |"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

echo "| backend | request | connections | req/s | p50 ms | p99 ms | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
run_backend sqlite "sqlite://$work/knead.sqlite3"
db="knead_bench_$$"
psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
run_backend postgres "${admin%/*}/$db"
psql "$admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
