#!/usr/bin/env bash
# Builds the offline base images the examples and tests use on machines without registry access.
# Idempotent: an image the engine already has is left alone.
#
#   bash scripts/build-base-image.sh [IMAGE]                 busybox (default localhost/sagekit-busybox:latest)
#   bash scripts/build-base-image.sh --with torch [IMAGE]    Debian's python3-torch (localhost/sagekit-torch:latest)
#   bash scripts/build-base-image.sh --with sklearn [IMAGE]  Debian's python3-sklearn (localhost/sagekit-sklearn:latest)
#   --force rebuilds the image (and the cached root file system of a framework base).
# Exit codes: 0 ready, 1 the build failed, 2 bad arguments.
#
# busybox: a static busybox and its applet links, FROM scratch, no RUN step (Docker and Podman
# build it alike). Framework bases: a Debian root file system made with mmdebstrap from this
# machine's Debian mirror (installed with apt when missing), imported into the engine. The root
# file system tar is cached in $SAGEKIT_CACHE_DIR (default /var/cache/sagekit as root, else
# ~/.cache/sagekit), so a second engine on the same machine only pays the import.
#
# Engine: with DOCKER_HOST set, the docker CLI against it (Docker Engine or Podman's compatible
# socket; podman --remote when only podman is installed), else podman, else docker.
# Elsewhere, build the examples with a public base instead (see each example's Dockerfile).
set -euo pipefail

log() { echo "build-base-image: $*" >&2; }
die() { log "$*"; exit 1; }
usage_error() { log "$*"; exit 2; }

FLAVOR=busybox
FORCE=
IMAGE=
while [ $# -gt 0 ]; do
  case "$1" in
    --with) [ $# -ge 2 ] || usage_error "--with needs a value: torch or sklearn"; FLAVOR=$2; shift 2 ;;
    --with=*) FLAVOR=${1#--with=}; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) usage_error "unknown option '$1' (expected --with torch|sklearn, --force, or an image name)" ;;
    *) [ -z "$IMAGE" ] || usage_error "one image name at most (got '$IMAGE' and '$1')"; IMAGE=$1; shift ;;
  esac
done

# Debian packages of each framework base (what `python3 -c "import <module>"` checks after import).
case "$FLAVOR" in
  busybox) PACKAGES= ; MODULE= ; ESTIMATE= ;;
  torch) PACKAGES=python3-torch,python3-numpy; MODULE=torch; ESTIMATE="measured on 2 busy cores: ≈110 s bootstrap + ≈20-60 s import, 1.2 GB" ;;
  sklearn) PACKAGES=python3-sklearn,python3-joblib; MODULE=sklearn; ESTIMATE="measured on 2 busy cores: ≈95 s bootstrap + ≈20-30 s import, 850 MB" ;;
  *) usage_error "--with must be torch or sklearn (got '$FLAVOR')" ;;
esac
IMAGE=${IMAGE:-localhost/sagekit-$FLAVOR:latest}

# The engine the caller points at (see the header).
if [ -n "${DOCKER_HOST:-}" ]; then
  if command -v docker >/dev/null 2>&1; then ENGINE=(docker)
  elif command -v podman >/dev/null 2>&1; then ENGINE=(podman --remote --url "$DOCKER_HOST")
  else die "DOCKER_HOST=$DOCKER_HOST is set but neither the docker CLI nor podman is installed"
  fi
elif command -v podman >/dev/null 2>&1; then ENGINE=(podman)
elif command -v docker >/dev/null 2>&1; then ENGINE=(docker)
else die "neither podman nor docker is installed (on Debian: eval \"\$(bash scripts/ensure-engine.sh)\")"
fi
ENGINE_NAME="${ENGINE[0]}${DOCKER_HOST:+ at $DOCKER_HOST}"

# mmdebstrap's step lines (I:, W:, E:), each with the seconds since $1.
progress() {
  local line
  while IFS= read -r line; do
    case "$line" in I:*|W:*|E:*) printf '      [%3d s] %s\n' $(( $(now) - $1 )) "$line" >&2 ;; esac
  done
}

present() { "${ENGINE[@]}" image inspect "$IMAGE" >/dev/null 2>&1; }
now() { date +%s; }

build_busybox() {
  # busybox-static installs a static /bin/busybox; a dynamic one would not run FROM scratch.
  [ -x /bin/busybox ] || die "install busybox-static first (apt-get install busybox-static)"
  local context
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  mkdir -p "$context/rootfs/bin" "$context/rootfs/tmp" "$context/rootfs/usr/local/bin"
  cp /bin/busybox "$context/rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$context/rootfs/bin/$applet"
  done
  printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\nCMD ["sh"]\n' > "$context/Dockerfile"
  log "building $IMAGE with $ENGINE_NAME"
  "${ENGINE[@]}" build -q -t "$IMAGE" "$context" >&2
}

# The Debian mirror apt uses on this machine (no registry needed, only Debian packages).
debian_mirror() {
  local uri=
  [ -f /etc/apt/sources.list.d/debian.sources ] &&
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  [ -n "$uri" ] || [ ! -f /etc/apt/sources.list ] ||
    uri=$(awk '$1 == "deb" && $0 ~ /debian/ && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
  echo "${SAGEKIT_DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

ensure_mmdebstrap() {
  command -v mmdebstrap >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "mmdebstrap is missing: install it (apt-get install mmdebstrap) or run this as root"
  log "installing mmdebstrap (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2
}

# Makes (or reuses) the cached root file system tar of this flavor; prints its path.
root_tar() {
  local suite=${SAGEKIT_DEBIAN_SUITE:-bookworm} mirror tar partial start mode
  tar="$CACHE_DIR/sagekit-$FLAVOR-$suite.tar"
  partial="$CACHE_DIR/.sagekit-$FLAVOR-$suite.partial.tar"
  if [ -s "$tar" ] && [ -z "$FORCE" ]; then
    log "[1/2] reusing the cached root file system $tar ($(du -h "$tar" | cut -f1))"
    echo "$tar"; return 0
  fi
  ensure_mmdebstrap
  mirror=$(debian_mirror)
  mode=root; [ "$(id -u)" = 0 ] || mode=unshare
  log "[1/2] bootstrapping Debian $suite with $PACKAGES from $mirror into $tar"
  log "      (once per machine: $ESTIMATE)"
  start=$(now)
  # dpkg without fsync (a half-written root file system is thrown away anyway); no
  # documentation, man pages or translations. mmdebstrap installs no Recommends by default.
  # Unpacking and then deleting ~1.5 GB of small files is most of the time on a busy disk: in
  # RAM (tmpfs) when there is room for it.
  local tmp=${TMPDIR:-/tmp}
  [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 4194304 ] 2>/dev/null && tmp=/dev/shm
  TMPDIR=$tmp mmdebstrap --variant=apt --format=tar --mode="$mode" --include="$PACKAGES" --dpkgopt=force-unsafe-io \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    "$suite" "$partial" "$mirror" 2>&1 | progress "$start" ||
    { rm -f "$partial"; die "mmdebstrap failed (see above); is $mirror reachable?"; }
  mv "$partial" "$tar"
  log "      bootstrapped in $(( $(now) - start )) s ($(du -h "$tar" | cut -f1))"
  echo "$tar"
}

build_framework() {
  local tar start
  tar=$(root_tar)
  log "[2/2] importing $tar into $ENGINE_NAME as $IMAGE"
  start=$(now)
  "${ENGINE[@]}" import --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$tar" "$IMAGE" >/dev/null
  log "      imported in $(( $(now) - start )) s"
  log "checking: python3 -c 'import $MODULE' in $IMAGE"
  "${ENGINE[@]}" run --rm "$IMAGE" python3 -c "import $MODULE; print('$MODULE', $MODULE.__version__)" >&2 ||
    die "$IMAGE was imported but 'import $MODULE' fails in it"
}

if [ "$FLAVOR" = busybox ]; then
  if present && [ -z "$FORCE" ]; then log "$IMAGE is present"; exit 0; fi
  build_busybox
  exit 0
fi

if [ "$(id -u)" = 0 ]; then CACHE_DIR=${SAGEKIT_CACHE_DIR:-/var/cache/sagekit}; else CACHE_DIR=${SAGEKIT_CACHE_DIR:-$HOME/.cache/sagekit}; fi
mkdir -p "$CACHE_DIR"
# One build per flavor at a time (parallel test files, two engines): the others wait, then reuse it.
exec 9>"$CACHE_DIR/sagekit-$FLAVOR.lock"
flock -n 9 || { log "another build of the $FLAVOR base is running; waiting for it"; flock 9; }
if present && [ -z "$FORCE" ]; then log "$IMAGE is present ($ENGINE_NAME)"; exit 0; fi
START=$(now)
log "building the $FLAVOR base image $IMAGE offline from Debian packages"
build_framework
log "$IMAGE is ready ($(( $(now) - START )) s)"
