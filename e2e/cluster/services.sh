#!/usr/bin/env bash
# The test services next to the cluster, all on 127.0.0.1 and all started as the invoking user:
#   Git over smart HTTP (nginx + fcgiwrap + git-http-backend): HTTPS with basic auth (/git) or a bearer
#   token (/git-token), plain HTTP anonymous (/git); static files under /files (HTTPS: basic auth)
#   Git over ssh (sshd with its own config and host key, key-only login forced into git-shell)
#   OCI registries (Debian's docker-registry): plain HTTP without auth, and HTTPS with basic auth
# Connection facts go to $CLUSTER_DIR/services.env and services.json.
#
#   e2e/cluster/services.sh up|down      (up.sh calls `up`; it needs the CA that up.sh generated)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$E2E_CLUSTER_SCRIPTS/stop.sh"
source "$E2E_CLUSTER_SCRIPTS/services-config.sh"

SVC=$CLUSTER_DIR/services
REPOS=$SVC/git/repos
FILES=$SVC/files
GIT_USER=ferroflux

# up.sh already holds the lock when it calls us.
if [ "${FERROFLUX_LOCK_HELD:-0}" != 1 ]; then
  mkdir -p "$CLUSTER_DIR"
  exec 9>"$CLUSTER_DIR/.lock"
  flock 9
fi

services_down() {
  local name
  for name in "${SERVICE_COMPONENTS[@]}"; do
    if pid_alive "$name"; then stop_pids "$name" "$(cat "$RUN/$name.pid")"; fi
    rm -f "$RUN/$name.pid"
  done
}

registry_auth_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" "https://127.0.0.1:${PORTS[registry-auth]}/v2/")" = 401 ]
}

services_up() {
  [ -f "$PKI/ca.crt" ] || die "no CA in $PKI: run e2e/cluster/up.sh (it starts the services too)"
  services_down
  local name
  for name in git-http git-https sshd registry registry-auth; do
    if port_listening "${PORTS[$name]}"; then
      die "port ${PORTS[$name]} ($name) is taken by: $(port_owner "${PORTS[$name]}")"
    fi
  done
  # A restart keeps repositories, files, registry data, credentials and ssh keys, so tests that
  # already read services.json keep working; up.sh wipes everything for a fresh cluster.
  mkdir -p "$REPOS" "$FILES" "$SVC/nginx/tmp" "$SVC/ssh" "$RUN" "$LOGS"
  if [ ! -f "$SVC/credentials" ]; then
    # Fresh random basic-auth password and bearer token per cluster.
    printf 'GIT_PASSWORD=%s\nGIT_TOKEN=%s\n' "$(openssl rand -hex 12)" "$(openssl rand -hex 16)" >"$SVC/credentials"
    chmod 600 "$SVC/credentials"
  fi
  # shellcheck source=/dev/null
  source "$SVC/credentials"
  htpasswd -bcB "$SVC/nginx/htpasswd" "$GIT_USER" "$GIT_PASSWORD" 2>/dev/null

  log "starting Git smart HTTP on :${PORTS[git-http]} and HTTPS on :${PORTS[git-https]}"
  # fcgiwrap leaves its socket behind when stopped, and will not bind over it.
  rm -f "$RUN/fcgiwrap.sock"
  start_daemon fcgiwrap /usr/sbin/fcgiwrap -c 4 -s "unix:$RUN/fcgiwrap.sock"
  write_nginx_conf
  start_daemon nginx /usr/sbin/nginx -p "$SVC/nginx" -e "$LOGS/nginx-error.log" -c "$SVC/nginx/nginx.conf" -g 'daemon off;'

  log "starting sshd on :${PORTS[sshd]}"
  write_sshd_conf
  # sshd running as root insists on its privilege separation directory.
  if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd && chmod 755 /run/sshd; fi
  start_daemon sshd /usr/sbin/sshd -D -e -f "$SVC/ssh/sshd_config"

  log "starting docker-registry on :${PORTS[registry]} (HTTP) and :${PORTS[registry-auth]} (HTTPS + basic auth)"
  write_registry_conf registry "$SVC/registry"
  start_daemon registry /usr/bin/docker-registry serve "$SVC/registry/config.yml"
  write_registry_conf registry-auth "$SVC/registry-auth" 1
  start_daemon registry-auth /usr/bin/docker-registry serve "$SVC/registry-auth/config.yml"

  wait_for "Git HTTPS" 20 curl -sf --cacert "$PKI/ca.crt" -u "$GIT_USER:$GIT_PASSWORD" \
    "https://127.0.0.1:${PORTS[git-https]}/healthz" || die "nginx not answering; see $LOGS/nginx*.log"
  wait_for "fcgiwrap socket" 20 test -S "$RUN/fcgiwrap.sock" || die "fcgiwrap did not start; see $LOGS/fcgiwrap.log"
  pid_alive fcgiwrap || die "fcgiwrap exited; see $LOGS/fcgiwrap.log"
  wait_for "sshd" 20 port_listening "${PORTS[sshd]}" || die "sshd not listening; see $LOGS/sshd.log"
  wait_for "registry" 20 curl -sf "http://127.0.0.1:${PORTS[registry]}/v2/" ||
    die "registry not answering; see $LOGS/registry.log"
  # Without credentials the authenticated registry answers 401, which is how we know it is up.
  wait_for "registry with auth" 20 registry_auth_answers ||
    die "registry with auth not answering; see $LOGS/registry-auth.log"
  write_service_facts
  log "services up; facts in $CLUSTER_DIR/services.env"
}

case ${1:-} in
  up) services_up ;;
  down) services_down ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
