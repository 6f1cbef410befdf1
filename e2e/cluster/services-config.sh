# shellcheck shell=bash
# Configuration writers for services.sh (needs lib.sh and services.sh's SVC, REPOS, FILES, GIT_USER,
# GIT_PASSWORD, GIT_TOKEN).

write_nginx_conf() {
  # git-http-backend via fcgiwrap. GIT_CONFIG_* turn on push (http.receivepack) for every repo,
  # including anonymous pushes on the plain-HTTP port, and accept repos owned by anyone.
  cat >"$SVC/nginx/git-backend.conf" <<CONF
fastcgi_pass unix:$RUN/fcgiwrap.sock;
fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
fastcgi_param GIT_PROJECT_ROOT $REPOS;
fastcgi_param GIT_HTTP_EXPORT_ALL "";
fastcgi_param PATH_INFO \$git_path;
fastcgi_param QUERY_STRING \$query_string;
fastcgi_param REQUEST_METHOD \$request_method;
fastcgi_param CONTENT_TYPE \$content_type;
fastcgi_param CONTENT_LENGTH \$content_length;
fastcgi_param REMOTE_USER \$remote_user;
fastcgi_param REMOTE_ADDR \$remote_addr;
fastcgi_param GIT_PROTOCOL \$http_git_protocol;
fastcgi_param GIT_CONFIG_COUNT 2;
fastcgi_param GIT_CONFIG_KEY_0 http.receivepack;
fastcgi_param GIT_CONFIG_VALUE_0 true;
fastcgi_param GIT_CONFIG_KEY_1 safe.directory;
fastcgi_param GIT_CONFIG_VALUE_1 *;
CONF
  local user_line=""
  # As root, nginx would drop its workers to "nobody", who cannot use our socket or repos.
  [ "$(id -u)" != 0 ] || user_line="user root;"
  cat >"$SVC/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $RUN/nginx.own.pid;
error_log $LOGS/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $LOGS/nginx-access.log;
  client_body_temp_path $SVC/nginx/tmp/body;
  fastcgi_temp_path $SVC/nginx/tmp/fastcgi;
  proxy_temp_path $SVC/nginx/tmp/proxy;
  uwsgi_temp_path $SVC/nginx/tmp/uwsgi;
  scgi_temp_path $SVC/nginx/tmp/scgi;
  client_max_body_size 0;
  fastcgi_read_timeout 300s;

  # Plain HTTP: anonymous read and push.
  server {
    listen 127.0.0.1:${PORTS[git-http]};
    location = /healthz { return 200 "ok\n"; }
    location ~ ^/git(?<git_path>/.*)\$ { include $SVC/nginx/git-backend.conf; }
    location /files/ { alias $FILES/; }
  }
  # HTTPS with HTTP basic auth, certificate signed by the per-run CA ($PKI/ca.crt).
  server {
    listen 127.0.0.1:${PORTS[git-https]} ssl;
    ssl_certificate $PKI/git-server.crt;
    ssl_certificate_key $PKI/git-server.key;
    location = /healthz { return 200 "ok\n"; }
    location ~ ^/git(?<git_path>/.*)\$ {
      auth_basic "ferroflux git";
      auth_basic_user_file $SVC/nginx/htpasswd;
      include $SVC/nginx/git-backend.conf;
    }
    # The same repositories behind a bearer token (Flux's bearerToken secret key).
    location ~ ^/git-token(?<git_path>/.*)\$ {
      if (\$http_authorization != "Bearer $GIT_TOKEN") { return 401; }
      include $SVC/nginx/git-backend.conf;
    }
    # Static files (Helm repository indexes, charts, tarballs) with basic auth.
    location /files/ {
      auth_basic "ferroflux files";
      auth_basic_user_file $SVC/nginx/htpasswd;
      alias $FILES/;
    }
  }
}
CONF
}

write_sshd_conf() {
  local ssh=$SVC/ssh
  [ -f "$ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C ferroflux-e2e-host -f "$ssh/ssh_host_ed25519_key"
  [ -f "$ssh/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C ferroflux-e2e-client -f "$ssh/client_ed25519"
  # Clients verify the host against this file (StrictHostKeyChecking=yes).
  echo "[127.0.0.1]:${PORTS[sshd]} $(cut -d' ' -f1,2 "$ssh/ssh_host_ed25519_key.pub")" >"$ssh/known_hosts"
  # Key-only login for the invoking user, forced into git-shell: the key can push and fetch, nothing else.
  echo "restrict,command=\"git-shell -c \\\"\$SSH_ORIGINAL_COMMAND\\\"\" $(cat "$ssh/client_ed25519.pub")" \
    >"$ssh/authorized_keys"
  chmod 600 "$ssh/authorized_keys" "$ssh/client_ed25519"
  cat >"$ssh/sshd_config" <<CONF
Port ${PORTS[sshd]}
ListenAddress 127.0.0.1
HostKey $ssh/ssh_host_ed25519_key
PidFile $RUN/sshd.own.pid
AuthorizedKeysFile $ssh/authorized_keys
AllowUsers $(id -un)
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel INFO
CONF
}

# write_registry_conf NAME DIR: a docker-registry config; with AUTH=1 it serves HTTPS (certificate from
# the per-run CA) and requires the basic-auth user of the Git server.
write_registry_conf() {
  local name=$1 dir=$2 auth=${3:-0}
  mkdir -p "$dir/data"
  {
    cat <<CONF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${PORTS[$name]}
  secret: $(openssl rand -hex 16)
CONF
    if [ "$auth" = 1 ]; then
      cat <<CONF
  tls:
    certificate: $PKI/git-server.crt
    key: $PKI/git-server.key
auth:
  htpasswd:
    realm: ferroflux-registry
    path: $SVC/nginx/htpasswd
CONF
    fi
  } >"$dir/config.yml"
}

# write_service_facts: services.env (shell) and services.json (tests), same facts.
write_service_facts() {
  local ssh_base
  ssh_base="ssh://$(id -un)@127.0.0.1:${PORTS[sshd]}$REPOS"
  cat >"$CLUSTER_DIR/services.env" <<ENV
FERROFLUX_KUBECONFIG=$KUBECONFIG_ADMIN
FERROFLUX_GIT_HTTPS_BASE=https://127.0.0.1:${PORTS[git-https]}/git
FERROFLUX_GIT_HTTP_BASE=http://127.0.0.1:${PORTS[git-http]}/git
FERROFLUX_GIT_USERNAME=$GIT_USER
FERROFLUX_GIT_PASSWORD=$GIT_PASSWORD
FERROFLUX_GIT_TOKEN_BASE=https://127.0.0.1:${PORTS[git-https]}/git-token
FERROFLUX_GIT_TOKEN=$GIT_TOKEN
FERROFLUX_FILES_DIR=$FILES
FERROFLUX_FILES_HTTP_BASE=http://127.0.0.1:${PORTS[git-http]}/files
FERROFLUX_FILES_HTTPS_BASE=https://127.0.0.1:${PORTS[git-https]}/files
FERROFLUX_CA_CERT=$PKI/ca.crt
FERROFLUX_GIT_SSH_BASE=$ssh_base
FERROFLUX_SSH_IDENTITY=$SVC/ssh/client_ed25519
FERROFLUX_SSH_KNOWN_HOSTS=$SVC/ssh/known_hosts
FERROFLUX_GIT_REPOS_DIR=$REPOS
FERROFLUX_REGISTRY=127.0.0.1:${PORTS[registry]}
FERROFLUX_REGISTRY_AUTH=127.0.0.1:${PORTS[registry-auth]}
ENV
  cat >"$CLUSTER_DIR/services.json" <<JSON
{
  "git_https_base": "https://127.0.0.1:${PORTS[git-https]}/git",
  "git_http_base": "http://127.0.0.1:${PORTS[git-http]}/git",
  "git_username": "$GIT_USER",
  "git_password": "$GIT_PASSWORD",
  "git_token_base": "https://127.0.0.1:${PORTS[git-https]}/git-token",
  "git_token": "$GIT_TOKEN",
  "files_dir": "$FILES",
  "files_http_base": "http://127.0.0.1:${PORTS[git-http]}/files",
  "files_https_base": "https://127.0.0.1:${PORTS[git-https]}/files",
  "ca_cert": "$PKI/ca.crt",
  "git_ssh_base": "$ssh_base",
  "ssh_identity": "$SVC/ssh/client_ed25519",
  "ssh_known_hosts": "$SVC/ssh/known_hosts",
  "git_repos_dir": "$REPOS",
  "registry": "127.0.0.1:${PORTS[registry]}",
  "registry_auth": "127.0.0.1:${PORTS[registry-auth]}"
}
JSON
  chmod 600 "$CLUSTER_DIR/services.env" "$CLUSTER_DIR/services.json"
}
