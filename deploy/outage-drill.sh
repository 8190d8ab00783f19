#!/usr/bin/env bash
# A database outage drill on the local standalone cluster, with the real `flink run`: a private
# PostgreSQL (its own data directory and port, never a shared server) is stopped for OUTAGE seconds
# while the job writes to it, then started again; the job must finish by itself with no restart,
# the TaskManager must still run, and every arm's totals must add up to the generated events.
#
# Usage: deploy/outage-drill.sh JAR
#
# Environment (all optional):
#   DRILL_DIR       work directory: the PostgreSQL data directory and logs (default deploy/target/outage-drill)
#   DRILL_PG_PORT   the private PostgreSQL's port (default 55432)
#   PG_BIN          PostgreSQL server binaries (default: the newest /usr/lib/postgresql/*/bin)
#   OUTAGE          seconds the database is down (default 90)
#   EVENTS, DURATION   the generator's events and run length (default 400000, 3min)
#   and deploy/local-cluster.sh's variables (DYNBATCH_CLUSTER_DIR, ...). A cluster already running
#   from DYNBATCH_CLUSTER_DIR is used; otherwise one is started and stopped again at the end.
#
# Prints the figures and DRILL=PASSED or DRILL=FAILED; exits non-zero when it failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLUSTER="$HERE/local-cluster.sh"
DIR="${DRILL_DIR:-$HERE/target/outage-drill}"
PORT="${DRILL_PG_PORT:-55432}"
OUTAGE="${OUTAGE:-90}"
EVENTS="${EVENTS:-400000}"
DURATION="${DURATION:-3min}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
URL="jdbc:postgresql://127.0.0.1:$PORT/postgres"

say() { echo "outage-drill: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[[ $# -eq 1 && -f "$1" ]] || die "usage: $0 JAR (build it: mvn -B -pl job -am package -DskipTests)"
JAR=$1
[[ -x "$PG_BIN/pg_ctl" ]] || die "no PostgreSQL server binaries (set PG_BIN)"
command -v psql >/dev/null || die "psql is needed"

as_pg() { # the server refuses to run as root
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg() { as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/postgres.log" -w -t 60 "$@" >/dev/null; }
sql() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atq -c "$1" 2>/dev/null; }

mkdir -p "$DIR"
if [[ $(id -u) -eq 0 ]]; then chown postgres "$DIR"; fi
if [[ ! -f "$DIR/pg/PG_VERSION" ]]; then
  as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth=trust >"$DIR/initdb.log"
fi
pg -o "-p $PORT -k $DIR" start
say "private PostgreSQL up on port $PORT ($DIR/pg)"

started_cluster=0
if ! "$CLUSTER" env >/dev/null 2>&1; then
  "$CLUSTER" start >/dev/null
  started_cluster=1
fi
finish() {
  pg stop -m fast 2>/dev/null || true
  if ((started_cluster)); then "$CLUSTER" down || true; fi
}
trap finish EXIT
# shellcheck disable=SC1090
source <("$CLUSTER" env)

run="drill_$(date +%s)"
job="$("$CLUSTER" submit "$JAR" --jdbc-url "$URL" --jdbc-user postgres --events "$EVENTS" --duration "$DURATION" \
  --start-delay 10s --table "${run}_totals" --dead-letter-table "${run}_dead" --report-table "${run}_report" |
  sed -n 's/^JOB_ID=//p')"
[[ -n "$job" ]] || die "no job id"
say "job $job submitted"

deadline=$((SECONDS + 180))
until [[ "$(sql "SELECT coalesce(sum(events), 0) FROM ${run}_totals_static" || echo 0)" -gt 0 ]]; do
  ((SECONDS < deadline)) || die "no rows committed within 180 s"
  sleep 1
done
tm_pid="$TASKMANAGER_PID"
say "rows committed; stopping PostgreSQL for $OUTAGE s"
pg stop -m fast
down_at=$SECONDS
sleep "$OUTAGE" # the outage itself
pg -o "-p $PORT -k $DIR" start
say "PostgreSQL back after $((SECONDS - down_at)) s"

deadline=$((SECONDS + 900))
state=""
until [[ "$state" == FINISHED || "$state" == FAILED || "$state" == CANCELED ]]; do
  ((SECONDS < deadline)) || die "job not finished within 900 s after the outage (state $state)"
  sleep 2
  state="$(curl -sf --max-time 5 "$REST_URL/jobs/$job" | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p' | head -n 1 || true)"
done
exceptions="$(curl -sf --max-time 5 "$REST_URL/jobs/$job/exceptions" | grep -o '"stacktrace"' | wc -l || true)"
failed_cp="$(curl -sf --max-time 5 "$REST_URL/jobs/$job/checkpoints" | sed -n 's/.*"counts":{[^}]*"failed":\([0-9]*\).*/\1/p')"
tm_alive=no
if kill -0 "$tm_pid" 2>/dev/null; then tm_alive=yes; fi

ok=1
echo "job $job: $state; task failures $exceptions; failed checkpoints ${failed_cp:-?}; TaskManager $tm_pid alive: $tm_alive"
[[ "$state" == FINISHED && "$exceptions" -eq 0 && "$tm_alive" == yes ]] || ok=0
for arm in static adaptive; do
  total="$(sql "SELECT coalesce(sum(events), 0) FROM ${run}_totals_$arm")"
  dead="$(sql "SELECT coalesce(sum(events), 0) FROM ${run}_dead")"
  reported="$(sql "SELECT coalesce(sum(events), 0) FROM ${run}_report WHERE arm = '$arm'")"
  echo "arm $arm: written $total + dead-lettered $dead of $EVENTS generated; A/B report events $reported"
  [[ $((total + dead)) -eq "$EVENTS" && "$reported" -eq "$total" ]] || ok=0
done
if ((ok)); then echo "DRILL=PASSED"; else echo "DRILL=FAILED"; exit 1; fi
