#!/usr/bin/env bash
# Lifecycle checks for the cluster scripts themselves, on their own ports and directory so a
# developer's running cluster is never touched:
#   parallel up.sh calls start one cluster; a second up is fast; a crashed run is recovered;
#   a foreign process on our port is reported; down.sh and with-cluster.sh leave no process or port;
#   with-cluster.sh returns the command's exit code.
# Usage: e2e/cluster/selftest.sh    (about a minute with cached binaries)
set -euo pipefail

export FERROFLUX_PORT_BASE=${SELFTEST_PORT_BASE:-26000}
FERROFLUX_CLUSTER_DIR=$(mktemp -d /tmp/ferroflux-selftest.XXXXXX)
export FERROFLUX_CLUSTER_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S=$E2E_CLUSTER_SCRIPTS
out=$CLUSTER_DIR.out
mkdir -p "$out"

passed=0
failed=0
check() { # check DESCRIPTION CMD...
  local what=$1
  shift
  if "$@"; then
    echo "ok    $what"
    passed=$((passed + 1))
  else
    echo "FAIL  $what"
    failed=$((failed + 1))
  fi
}
cleanup() {
  "$S/down.sh" >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_DIR" "$out"
}
trap cleanup EXIT

nothing_left() { [ -z "$(our_pids)" ] && check_ports_quiet; }
check_ports_quiet() {
  local p
  for p in "${PORTS[@]}"; do ! port_listening "$p" || return 1; done
}
apiserver_ready() { kapi GET /readyz >/dev/null; }
all_ok() { local f; for f in "$@"; do [ "$(cat "$f")" = 0 ] || return 1; done; }

# 1. Three parallel starts: all succeed, exactly one of them starts the cluster.
for i in 1 2 3; do ( rc=0; "$S/up.sh" >"$out/up$i.log" 2>&1 || rc=$?; echo "$rc" >"$out/up$i.rc" ) & done
wait
check "parallel up.sh calls all succeed" all_ok "$out"/up{1,2,3}.rc
check "exactly one parallel call started the cluster" \
  test "$(grep -l 'cluster up in' "$out"/up{1,2,3}.log | wc -l)" = 1
check "apiserver ready" apiserver_ready

# 2. A second up returns at once.
start=$(now_ms)
"$S/up.sh" 2>"$out/again.log"
check "second up.sh reports the running cluster" grep -q 'already running' "$out/again.log"
check "second up.sh takes under 2 s" test $(($(now_ms) - start)) -lt 2000

# 2b. Restarting only the services works (fcgiwrap must not trip over its old socket).
git_backend_status() {
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORTS[git-http]}/git/none.git/info/refs?service=git-upload-pack"
}
git init -q --bare "$CLUSTER_DIR/services/git/repos/kept.git"
cp "$CLUSTER_DIR/services.json" "$out/services-before.json"
"$S/services.sh" up 2>/dev/null
check "services restart: git-http-backend answers (404 for a missing repo, not 502)" \
  test "$(git_backend_status)" = 404
check "services restart keeps repositories" test -d "$CLUSTER_DIR/services/git/repos/kept.git"
check "services restart keeps credentials and keys" cmp -s "$out/services-before.json" "$CLUSTER_DIR/services.json"

# 3. A crashed run: apiserver killed, pidfiles lost. up.sh cleans up and starts afresh.
kill -KILL "$(cat "$RUN/kube-apiserver.pid")"
rm -f "$RUN"/*.pid
check "up.sh --check notices the crash" bash -c "! '$S/up.sh' --check"
"$S/up.sh" 2>"$out/recover.log"
check "up.sh stopped the leftovers" grep -q 'leftover processes' "$out/recover.log"
check "recovered cluster is ready" apiserver_ready

# 4. down.sh leaves nothing.
"$S/down.sh" 2>/dev/null
check "down.sh leaves no process and no port" nothing_left

# 5. A foreign listener on one of our ports is named, nothing is left running.
if command -v python3 >/dev/null; then
  python3 -m http.server "${PORTS[registry]}" --bind 127.0.0.1 >/dev/null 2>&1 &
  foreign=$!
  wait_for "foreign listener" 10 port_listening "${PORTS[registry]}"
  rc=0
  "$S/up.sh" 2>"$out/conflict.log" || rc=$?
  kill "$foreign"
  wait "$foreign" 2>/dev/null || true
  check "up.sh fails when a port is taken" test "$rc" != 0
  check "the failure names the port and the process" grep -q "port ${PORTS[registry]} (registry) is in use by: $foreign" "$out/conflict.log"
  check "the failed start left nothing running" test -z "$(our_pids)"
else
  echo "skip  foreign-port checks (no python3 to play the foreign listener)"
fi

# 6. with-cluster.sh: starts, passes the exit code through, stops what it started.
rc=0
# shellcheck disable=SC2016 # expanded by the inner bash, with the variable with-cluster.sh exports
"$S/with-cluster.sh" bash -c 'test -f "$FERROFLUX_CLUSTER_DIR/kubeconfig" && exit 7' 2>/dev/null || rc=$?
check "with-cluster.sh returns the command's exit code" test "$rc" = 7
check "with-cluster.sh leaves no process and no port" nothing_left

echo "cluster selftest: $passed passed, $failed failed"
[ "$failed" = 0 ]
