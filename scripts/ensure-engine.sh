#!/usr/bin/env bash
# Makes sure a Docker-compatible container engine answers, and prints the DOCKER_HOST to use:
#   eval "$(bash scripts/ensure-engine.sh)"
# Does nothing when an engine already answers (DOCKER_HOST, Docker's or Podman's socket).
# Otherwise (Debian/Ubuntu, as root) installs Podman, writes the containers.conf this kind of
# machine needs (runc, cgroupfs, modest rlimits) and starts Podman's API service.
# Progress goes to stderr; stdout carries only the export line.
set -euo pipefail

log() { echo "ensure-engine: $*" >&2; }
PODMAN_SOCKET=/run/podman/podman.sock
SERVICE_LOG=/var/log/sagekit-podman.log

ping_socket() { # $1: socket path
  [ -S "$1" ] || return 1
  curl -sf --max-time 3 --unix-socket "$1" http://d/_ping >/dev/null 2>&1
}

answer() { # $1: unix:// URL
  log "engine answers at $1"
  echo "export DOCKER_HOST=$1"
  exit 0
}

need_curl() {
  command -v curl >/dev/null 2>&1 && return 0
  log "installing curl"
  apt-get update -qq >&2 && apt-get install -y -qq curl >&2
}

need_curl
if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" == unix://* ]] && ping_socket "${DOCKER_HOST#unix://}"; then answer "$DOCKER_HOST"; fi
for socket in /var/run/docker.sock "${XDG_RUNTIME_DIR:-/nonexistent}/podman/podman.sock" "$PODMAN_SOCKET"; do
  if ping_socket "$socket"; then answer "unix://$socket"; fi
done

if [ "$(id -u)" != 0 ]; then
  log "no container engine answers and this is not root: start Docker, or run 'podman system service --time=0 &' and set DOCKER_HOST"
  exit 1
fi

if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1; then
  log "installing podman, runc and busybox-static (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq podman runc busybox-static >&2
fi

CONF=/etc/containers/containers.conf
if ! grep -qs 'cgroup_manager *= *"cgroupfs"' "$CONF"; then
  mkdir -p /etc/containers
  [ -f "$CONF" ] && cp "$CONF" "$CONF.sagekit-backup"
  log "writing $CONF (runc, cgroupfs, rlimits this machine allows)"
  cat > "$CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi

log "starting the Podman API service on $PODMAN_SOCKET"
mkdir -p "$(dirname "$PODMAN_SOCKET")"
# From /: the service outlives this shell, and a deleted working directory (say, a removed clone)
# would make every container start fail with "exit status 1".
(cd / && exec setsid nohup podman system service --time=0 "unix://$PODMAN_SOCKET" >"$SERVICE_LOG" 2>&1 < /dev/null) &
for _ in $(seq 1 60); do
  if ping_socket "$PODMAN_SOCKET"; then answer "unix://$PODMAN_SOCKET"; fi
  sleep 0.5
done
log "the Podman API service did not answer within 30 s; its log ($SERVICE_LOG) ends with:"
tail -n 20 "$SERVICE_LOG" >&2 || true
exit 1
