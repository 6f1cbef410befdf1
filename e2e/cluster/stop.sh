# shellcheck shell=bash
# stop_everything: stop every process the harness started for $CLUSTER_DIR. Sourced by up.sh and down.sh.

# stop_pids DESCRIPTION PID...: TERM the processes (and their process groups), KILL what is left after 10s.
stop_pids() {
  local what=$1 pid alive
  shift
  [ $# -gt 0 ] || return 0
  for pid in "$@"; do
    kill -TERM -- "-$pid" 2>/dev/null || true # the process group started by setsid
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do
    alive=0
    for pid in "$@"; do [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || return 0
    sleep 0.2
  done
  log "$what did not stop after 10s; killing"
  for pid in "$@"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
}

stop_everything() {
  local name pids=()
  # All at once: the cluster is being thrown away, so nobody minds a dependency vanishing first,
  # and down.sh takes as long as the slowest component instead of the sum of them.
  for name in "${SERVICE_COMPONENTS[@]}" "${CLUSTER_COMPONENTS[@]}"; do
    if pid_alive "$name"; then pids+=("$(cat "$RUN/$name.pid")"); fi
    rm -f "$RUN/$name.pid"
  done
  stop_pids "cluster processes" "${pids[@]}"
  # Fallback for lost pidfiles (a crashed or interrupted up.sh): only our binaries, only for this cluster dir.
  mapfile -t pids < <(our_pids)
  if [ "${#pids[@]}" -gt 0 ]; then
    log "stopping leftover processes without pidfile: ${pids[*]}"
    stop_pids leftovers "${pids[@]}"
  fi
}

# check_ports_free: fail if any of our ports is still listened on (by anyone).
check_ports_free() {
  local name port owner bad=0
  for name in "${!PORTS[@]}"; do
    port=${PORTS[$name]}
    if port_listening "$port"; then
      owner=$(port_owner "$port")
      log "port $port ($name) is in use by: ${owner:-unknown process}"
      bad=1
    fi
  done
  return "$bad"
}
