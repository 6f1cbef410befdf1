#!/usr/bin/env bash
# Install the system packages the test cluster and its services need on Debian bookworm.
# Idempotent and quick when everything is there: apt is only touched when a package is missing.
# Go (for build.sh) is expected on PATH already; it is not a Debian package here.
set -euo pipefail

# package -> why
PACKAGES=(
  openssl          # CA and certificates under .cluster/
  util-linux       # flock (up.sh/build.sh locking)
  procps           # pgrep/pkill limited to our binaries, ps
  iproute2         # ss: who listens on our ports
  curl             # readiness probes
  git              # the Git server (git-http-backend) and test clients
  nginx-light      # smart-HTTP(S) front end for git-http-backend
  fcgiwrap         # runs git-http-backend as FastCGI
  apache2-utils    # htpasswd
  openssh-server   # sshd for Git over ssh
  openssh-client   # ssh, ssh-keygen
  docker-registry  # OCI/Docker distribution registry
)

missing=()
for p in "${PACKAGES[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d refusal keeps the packages' own services (nginx, sshd, registry) from being started:
# the harness starts its own unprivileged instances on its own ports.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$created_policy" = 0 ] || $SUDO rm -f "$policy"
echo "install-deps.sh: done"
