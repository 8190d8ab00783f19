#!/usr/bin/env bash
# A local standalone Flink cluster built from Maven artifacts only (no Flink tarball needed), and
# the real Flink CLI (`flink run` = org.apache.flink.client.cli.CliFrontend) to submit and stop jobs.
#
# Usage: deploy/local-cluster.sh <command> [args]
#   assemble              <dir>/dist: lib/ from Maven (deploy/flink-dist/pom.xml), conf/ from deploy/flink/
#   start                 assemble if needed, start a JobManager (StandaloneSessionClusterEntrypoint)
#                         and a TaskManager (TaskManagerRunner), wait until its slots are registered,
#                         write <dir>/cluster.env (REST URL, Prometheus endpoints, pids)
#   submit [-s SAVEPOINT] JAR [ARGS...]
#                         flink run -d [-s SAVEPOINT] JAR ARGS...; prints JOB_ID=<id> on stdout
#   add-taskmanager       start one more TaskManager (taskmanager-2, -3, ...), wait until it registered
#   restart-taskmanager [NAME]
#                         stop the TaskManager NAME (default: taskmanager) if it still runs, start it
#                         again and wait until it registered (e.g. after it exited on a fatal error)
#   list                  flink list
#   stop-job JOB_ID       flink stop --savepointPath <dir>/savepoints JOB_ID; prints SAVEPOINT=<path>
#   down | stop           stop the JobManager and TaskManagers started from <dir> (TERM, then KILL)
#   cleanup               down, then delete <dir>
#   env                   print <dir>/cluster.env
#
# Environment (all optional):
#   DYNBATCH_CLUSTER_DIR  work directory: dist, logs, checkpoints, savepoints (default deploy/target/local-cluster)
#   FLINK_REST_PORTS      range to pick the REST/web UI port from (default 18081-18180)
#   FLINK_RPC_PORTS       range to pick the JobManager RPC port from (default 16123-16222)
#   FLINK_PROM_PORTS      Prometheus reporter port range (default: the one in deploy/flink/config.yaml)
#   MVN                   Maven command (default mvn); MAVEN_REPO_LOCAL: local repository to use
#   START_TIMEOUT, SUBMIT_TIMEOUT, STOP_TIMEOUT, DOWN_TIMEOUT   seconds (90, 180, 180, 30); START_TIMEOUT
#                         also bounds the wait for an added or restarted TaskManager
#
# Progress goes to stderr, results (JOB_ID=..., SAVEPOINT=...) to stdout. Every wait has a deadline.
# The database password is never an argument: pass --jdbc-password-env VAR and export VAR; the CLI
# (which runs the job's main) inherits it from this script's environment.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${DYNBATCH_CLUSTER_DIR:-$HERE/target/local-cluster}"
case "$DIR" in
  /*) ;;
  *) DIR="$PWD/$DIR" ;;
esac
DIST="$DIR/dist"
LIB="$DIST/lib"
CONF="$DIST/conf"
PLUGINS="$DIST/plugins"
LOG="$DIR/log"
ENV_FILE="$DIR/cluster.env"
MARKER="-Ddynbatch.cluster.dir=$DIR"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
START_TIMEOUT="${START_TIMEOUT:-90}"
SUBMIT_TIMEOUT="${SUBMIT_TIMEOUT:-180}"
STOP_TIMEOUT="${STOP_TIMEOUT:-180}"
DOWN_TIMEOUT="${DOWN_TIMEOUT:-30}"

# The --add-opens/--add-exports list: exactly env.java.opts.all of deploy/flink/config.yaml.
JAVA_OPTS_ALL="$(sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$HERE/flink/config.yaml")"

say() { echo "local-cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------------------------------------
# Ports

port_free() {
  local p=$1
  if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]; then
    return 1
  fi
  ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}

# free_port LOW-HIGH: a free port of the range, starting at a random offset (parallel runs).
free_port() {
  local lo=${1%-*} hi=${1#*-} n i p
  n=$((hi - lo + 1))
  ((n > 0)) || die "bad port range $1"
  local start=$((RANDOM % n))
  for ((i = 0; i < n; i++)); do
    p=$((lo + (start + i) % n))
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  die "no free port in $1"
}

# ------------------------------------------------------------------------------------------------
# Distribution

assemble() {
  mkdir -p "$LIB" "$CONF" "$PLUGINS" "$LOG" "$DIR/tmp" "$DIR/checkpoints" "$DIR/savepoints"
  touch "$DIR/.dynbatch-local-cluster"
  if [[ ! -f "$LIB/.complete" ]]; then
    local mvn
    read -r -a mvn <<<"${MVN:-mvn}"
    mvn+=(-B -q -f "$HERE/flink-dist/pom.xml")
    if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
      mvn+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
    fi
    say "assembling $LIB from Maven (flink-runtime, -clients, -runtime-web, -streaming-java, -metrics-prometheus, -statebackend-rocksdb, log4j)"
    if ! timeout 600 "${mvn[@]}" dependency:copy-dependencies -DoutputDirectory="$LIB" >"$LOG/assemble.log" 2>&1; then
      tail -n 40 "$LOG/assemble.log" >&2
      die "assembling lib/ failed (log: $LOG/assemble.log)"
    fi
    touch "$LIB/.complete"
  fi
  cp "$HERE/flink/log4j.properties" "$HERE/flink/log4j-cli.properties" "$CONF/"
  if [[ ! -f "$CONF/config.yaml" ]]; then
    write_conf 8081 6123
  fi
}

# write_conf REST_PORT RPC_PORT: deploy/flink/config.yaml with the machine-specific keys replaced.
write_conf() {
  local rest=$1 rpc=$2
  local -a overrides=(
    "jobmanager.rpc.port: $rpc"
    "rest.port: $rest"
    "rest.bind-port: $rest"
    "execution.checkpointing.dir: file://$DIR/checkpoints"
    "execution.checkpointing.savepoint-dir: file://$DIR/savepoints"
    "io.tmp.dirs: $DIR/tmp"
    "state.backend.rocksdb.localdir: $DIR/tmp/rocksdb"
    "web.tmpdir: $DIR/tmp/web"
  )
  if [[ -n "${FLINK_PROM_PORTS:-}" ]]; then
    overrides+=("metrics.reporter.prom.port: $FLINK_PROM_PORTS")
  fi
  local pattern="" o key
  for o in "${overrides[@]}"; do
    key=${o%%:*}
    pattern+="${pattern:+|}^${key//./\\.}:"
  done
  {
    grep -v -E "$pattern" "$HERE/flink/config.yaml"
    echo
    echo "# ---- overrides by deploy/local-cluster.sh for $DIR"
    printf '%s\n' "${overrides[@]}"
  } >"$CONF/config.yaml"
}

# ------------------------------------------------------------------------------------------------
# Processes

is_ours() { # PID -> started by this script for this work directory (guards against reused pids)
  local args
  if [[ -r "/proc/$1/cmdline" ]]; then
    args="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  else
    args="$(ps -ww -p "$1" -o args= 2>/dev/null)" || return 1
  fi
  [[ "$args" == *"$MARKER "* ]]
}

pid_of() { # jobmanager|taskmanager -> pid if alive and ours
  local f="$DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  is_ours "$pid" || return 1
  echo "$pid"
}

# resource_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS: two lines, JVM memory flags and
# dynamic properties (-D key=value ...), exactly what Flink's jobmanager.sh / taskmanager.sh use.
resource_params() {
  local out res
  # shellcheck disable=SC2086
  out="$("$JAVA" $JAVA_OPTS_ALL -Dlog.file="$LOG/bash-java-utils.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" -classpath "$LIB/*" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>&1)" ||
    { echo "$out" >&2; die "BashJavaUtils $1 failed"; }
  res="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ "$(wc -l <<<"$res")" -eq 2 ]] || { echo "$out" >&2; die "unexpected BashJavaUtils $1 output"; }
  echo "$res"
}

# launch NAME MAIN_CLASS JVM_MEMORY_FLAGS DYNAMIC_PROPERTIES
launch() {
  local name=$1 class=$2 jvm=$3 dyn=$4
  # A fresh log file (created after the JVM starts, so log4j's startup roll-over leaves it alone);
  # the previous run's is kept as .previous.
  if [[ -f "$LOG/$name.log" ]]; then
    mv -f "$LOG/$name.log" "$LOG/$name.log.previous"
  fi
  # Word splitting of the flag lists is intended (as in Flink's own scripts).
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$LIB" FLINK_PLUGINS_DIR="$PLUGINS" nohup "$JAVA" $jvm $JAVA_OPTS_ALL "$MARKER" \
    -Dlog.file="$LOG/$name.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -classpath "$LIB/*" "$class" --configDir "$CONF" $dyn \
    </dev/null >"$LOG/$name.out" 2>&1 &
  echo $! >"$DIR/$name.pid"
  say "$name started (pid $!, log $LOG/$name.log)"
}

launch_taskmanager() { # NAME
  local tm
  tm="$(resource_params GET_TM_RESOURCE_PARAMS)"
  launch "$1" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$(head -n 1 <<<"$tm")" "$(tail -n 1 <<<"$tm")"
}

taskmanager_names() { # every TaskManager this script started from <dir> (pid file present)
  local f
  for f in "$DIR"/taskmanager*.pid; do
    [[ -f "$f" ]] && basename "$f" .pid
  done
  return 0
}

conf_value() { sed -n "s/^${1//./\\.}:[[:space:]]*//p" "$CONF/config.yaml" | tail -n 1; }

fail_start() {
  local n
  for n in jobmanager taskmanager; do
    if [[ -f "$LOG/$n.log" ]]; then
      say "---- last lines of $n.log / $n.out"
      tail -n 30 "$LOG/$n.log" >&2 || true
      tail -n 10 "$LOG/$n.out" >&2 || true
    fi
  done
  down || true
  die "$1"
}

prometheus_port() { # NAME -> port the reporter bound, from the log
  [[ -f "$LOG/$1.log" ]] || return 0
  sed -n 's/.*Started PrometheusReporter HTTP server on port \([0-9]*\).*/\1/p' "$LOG/$1.log" | tail -n 1
}

start() {
  if pid_of jobmanager >/dev/null || pid_of taskmanager >/dev/null; then
    die "a cluster from $DIR is already running; run '$0 down' first"
  fi
  assemble
  local rest rpc
  rest="$(free_port "${FLINK_REST_PORTS:-18081-18180}")"
  rpc="$(free_port "${FLINK_RPC_PORTS:-16123-16222}")"
  write_conf "$rest" "$rpc"
  rm -f "$ENV_FILE"
  # Whatever fails from here on (including Ctrl-C), nothing started here stays running.
  trap 'rc=$?; if ((rc != 0)); then say "start failed: stopping what was started"; down || true; fi' EXIT
  trap 'exit 130' INT TERM

  local jm
  jm="$(resource_params GET_JM_RESOURCE_PARAMS)"
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(head -n 1 <<<"$jm")" "$(tail -n 1 <<<"$jm")"
  launch_taskmanager taskmanager

  local url="http://localhost:$rest" slots overview="" jm_prom="" tm_prom=""
  slots="$(conf_value taskmanager.numberOfTaskSlots)"
  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    pid_of jobmanager >/dev/null || fail_start "the JobManager exited during start-up"
    pid_of taskmanager >/dev/null || fail_start "the TaskManager exited during start-up"
    overview="$(curl -sf --max-time 2 "$url/overview" 2>/dev/null || true)"
    jm_prom="$(prometheus_port jobmanager)"
    tm_prom="$(prometheus_port taskmanager)"
    if [[ "$overview" == *'"taskmanagers":1,'* && "$overview" == *"\"slots-total\":$slots,"* &&
      -n "$jm_prom" && -n "$tm_prom" ]]; then
      break
    fi
    ((SECONDS < deadline)) || fail_start "cluster not ready within ${START_TIMEOUT}s (overview: ${overview:-none})"
    sleep 0.5
  done
  cat >"$ENV_FILE" <<EOF
REST_URL=$url
JOBMANAGER_PID=$(<"$DIR/jobmanager.pid")
TASKMANAGER_PID=$(<"$DIR/taskmanager.pid")
JOBMANAGER_PROMETHEUS=http://localhost:$jm_prom/metrics
TASKMANAGER_PROMETHEUS=http://localhost:$tm_prom/metrics
CHECKPOINT_DIR=$DIR/checkpoints
SAVEPOINT_DIR=$DIR/savepoints
LOG_DIR=$LOG
FLINK_CONF_DIR=$CONF
EOF
  trap - EXIT INT TERM
  say "cluster up in ${SECONDS}s: web UI $url, Prometheus JM :$jm_prom TM :$tm_prom ($slots slots)"
  cat "$ENV_FILE"
}

require_running() {
  pid_of jobmanager >/dev/null || die "no JobManager running from $DIR (run '$0 start')"
}

# cli TIMEOUT ARGS...: the Flink CLI, i.e. `flink ARGS...`
cli() {
  local t=$1
  shift
  local -a cmd
  # shellcheck disable=SC2206
  cmd=("$JAVA" $JAVA_OPTS_ALL -Dlog.file="$LOG/client.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties"
    -classpath "$LIB/*" org.apache.flink.client.cli.CliFrontend "$@")
  say "flink $(printf '%q ' "$@")"
  {
    printf '%s $' "$(date '+%F %T')"
    printf ' %q' "${cmd[@]}"
    echo
  } >>"$LOG/cli-commands.log"
  FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$LIB" FLINK_PLUGINS_DIR="$PLUGINS" \
    timeout --kill-after=10 "$t" "${cmd[@]}" </dev/null
}

submit() {
  local -a from=()
  if [[ "${1:-}" == "-s" ]]; then
    [[ $# -ge 2 ]] || die "usage: $0 submit [-s SAVEPOINT] JAR [job args...]"
    from=(-s "$2")
    shift 2
  fi
  [[ $# -ge 1 ]] || die "usage: $0 submit [-s SAVEPOINT] JAR [job args...]"
  local jar=$1
  shift
  [[ -f "$jar" ]] || die "no job jar at $jar (build it: mvn -B -pl job -am package -DskipTests)"
  require_running
  local out rc=0 id
  out="$(cli "$SUBMIT_TIMEOUT" run -d "${from[@]}" "$jar" "$@" 2>&1)" || rc=$?
  echo "$out" >>"$LOG/cli.out"
  id="$(grep -oE 'JobID [0-9a-f]{32}' <<<"$out" | tail -n 1 | cut -d' ' -f2)"
  if [[ $rc -ne 0 || -z "$id" ]]; then
    echo "$out" | tail -n 40 >&2
    die "flink run failed (exit $rc)"
  fi
  say "submitted job $id"
  echo "JOB_ID=$id"
}

stop_job() {
  [[ $# -eq 1 ]] || die "usage: $0 stop-job JOB_ID"
  require_running
  local out rc=0 path
  out="$(cli "$STOP_TIMEOUT" stop --savepointPath "file://$DIR/savepoints" "$1" 2>&1)" || rc=$?
  echo "$out" >>"$LOG/cli.out"
  path="$(sed -n 's/.*Savepoint completed\. Path: *//p' <<<"$out" | tail -n 1)"
  if [[ $rc -ne 0 || -z "$path" ]]; then
    echo "$out" | tail -n 40 >&2
    die "flink stop failed (exit $rc)"
  fi
  say "job $1 stopped with savepoint $path"
  echo "SAVEPOINT=$path"
}

# await_registration NAME: until the TaskManager NAME has registered at the JobManager (its log says so).
await_registration() {
  local deadline=$((SECONDS + START_TIMEOUT))
  while ! grep -q "Successful registration at resource manager" "$LOG/$1.log" 2>/dev/null; do
    pid_of "$1" >/dev/null || { tail -n 30 "$LOG/$1.log" "$LOG/$1.out" >&2 2>/dev/null || true; die "$1 exited during start-up"; }
    ((SECONDS < deadline)) || die "$1 did not register within ${START_TIMEOUT}s (log $LOG/$1.log)"
    sleep 0.5
  done
  say "$1 registered (pid $(<"$DIR/$1.pid"), Prometheus :$(prometheus_port "$1"))"
}

add_taskmanager() {
  require_running
  local i=2
  while pid_of "taskmanager-$i" >/dev/null; do
    i=$((i + 1))
  done
  launch_taskmanager "taskmanager-$i"
  await_registration "taskmanager-$i"
}

restart_taskmanager() {
  local name=${1:-taskmanager} pid
  [[ "$name" =~ ^taskmanager(-[0-9]+)?$ ]] || die "not a TaskManager name: $name"
  require_running
  if pid="$(pid_of "$name")"; then
    stop_pid "$name" "$pid"
  fi
  launch_taskmanager "$name"
  await_registration "$name"
  if [[ "$name" == taskmanager && -f "$ENV_FILE" ]]; then
    sed -i "s/^TASKMANAGER_PID=.*/TASKMANAGER_PID=$(<"$DIR/taskmanager.pid")/" "$ENV_FILE"
  fi
}

# stop_pid NAME PID: TERM, then KILL after DOWN_TIMEOUT.
stop_pid() {
  say "stopping $1 (pid $2)"
  kill -TERM "$2" 2>/dev/null || true
  local deadline=$((SECONDS + DOWN_TIMEOUT))
  while is_ours "$2" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if is_ours "$2"; then
    say "pid $2 did not exit within ${DOWN_TIMEOUT}s: KILL"
    kill -KILL "$2" 2>/dev/null || true
  fi
}

list_jobs() {
  require_running
  cli 60 list -a
}

down() {
  local n pid
  for n in $(taskmanager_names) jobmanager; do
    if pid="$(pid_of "$n")"; then
      stop_pid "$n" "$pid"
    fi
  done
  rm -f "$DIR/jobmanager.pid" "$DIR"/taskmanager*.pid "$ENV_FILE"
  say "down"
}

cleanup() {
  down
  if [[ -f "$DIR/.dynbatch-local-cluster" ]]; then
    rm -rf "$DIR"
    say "removed $DIR"
  fi
}

command_name="${1:-}"
shift || true
case "$command_name" in
  assemble) assemble ;;
  start) start ;;
  submit) submit "$@" ;;
  add-taskmanager) add_taskmanager ;;
  restart-taskmanager) restart_taskmanager "$@" ;;
  list) list_jobs ;;
  stop-job) stop_job "$@" ;;
  down | stop) down ;;
  cleanup) cleanup ;;
  env)
    [[ -f "$ENV_FILE" ]] || die "no cluster started from $DIR"
    cat "$ENV_FILE"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
