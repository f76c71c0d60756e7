#!/usr/bin/env bash
# Makes sure a Docker Engine answers, so the engine tests run on Docker as well as Podman:
#   bash scripts/ensure-docker.sh
# Does nothing when Docker already answers at /var/run/docker.sock or at sagekit's own socket
# (unix:///run/sagekit-docker.sock). Otherwise (Debian/Ubuntu, as root) installs Debian's
# docker.io and starts dockerd on that socket, without iptables rules or the default bridge
# (machines like this one allow neither; user-defined networks work), leaving any existing
# /var/run/docker.sock set-up alone. Prints the socket's DOCKER_HOST on stdout.
set -euo pipefail

log() { echo "ensure-docker: $*" >&2; }
SOCKET=/run/sagekit-docker.sock
DATA_ROOT=/var/lib/sagekit-docker
SERVICE_LOG=/var/log/sagekit-docker.log

is_docker() { # $1: socket path — answers, and is Docker (Podman's /version names "Podman Engine")
  [ -S "$1" ] || return 1
  local version
  version=$(curl -sf --max-time 5 --unix-socket "$1" http://d/version 2>/dev/null) || return 1
  ! grep -q 'Podman Engine' <<<"$version"
}

for socket in /var/run/docker.sock "$SOCKET"; do
  if is_docker "$socket"; then
    log "Docker answers at unix://$socket"
    echo "unix://$socket"
    exit 0
  fi
done

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "no Docker Engine answers; install and start one (Debian: apt-get install docker.io) to run the engine tests on Docker too"
  exit 1
fi
if ! command -v dockerd >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  log "installing docker.io (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq docker.io curl >&2 || { apt-get update -qq >&2 && apt-get install -y -qq docker.io curl >&2; }
fi

log "starting dockerd on unix://$SOCKET (data in $DATA_ROOT, log in $SERVICE_LOG)"
mkdir -p "$DATA_ROOT"
# From /, detached: it outlives this shell, and a removed clone must not be its working directory.
(cd / && exec setsid nohup dockerd --host "unix://$SOCKET" --iptables=false --bridge=none --data-root "$DATA_ROOT" \
  --exec-root /run/sagekit-docker --pidfile /run/sagekit-docker.pid >"$SERVICE_LOG" 2>&1 </dev/null) &
for _ in $(seq 1 60); do
  if is_docker "$SOCKET"; then
    log "Docker answers at unix://$SOCKET"
    echo "unix://$SOCKET"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 30 s; its log ($SERVICE_LOG) ends with:"
tail -n 20 "$SERVICE_LOG" >&2 || true
exit 1
