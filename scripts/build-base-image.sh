#!/usr/bin/env bash
# Builds the offline base image used by the examples and tests on machines without registry
# access: a static busybox plus its applet links, FROM scratch, no RUN step (so Docker and
# Podman build it alike). Idempotent. Usage: bash scripts/build-base-image.sh [IMAGE]
# Elsewhere, build the examples with --build-arg BASE_IMAGE=busybox:1.36 instead.
set -euo pipefail
IMAGE=${1:-localhost/sagekit-busybox:latest}
ENGINE=$(command -v podman || command -v docker || true)
[ -n "$ENGINE" ] || { echo "build-base-image: neither podman nor docker is installed" >&2; exit 1; }
if "$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-base-image: $IMAGE is present" >&2
  exit 0
fi
# busybox-static installs a static /bin/busybox; a dynamic one would not run FROM scratch.
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=
[ -n "$BUSYBOX" ] || { echo "build-base-image: install busybox-static first (apt-get install busybox-static)" >&2; exit 1; }
CONTEXT=$(mktemp -d)
trap 'rm -rf "$CONTEXT"' EXIT
mkdir -p "$CONTEXT/rootfs/bin" "$CONTEXT/rootfs/tmp" "$CONTEXT/rootfs/usr/local/bin"
cp "$BUSYBOX" "$CONTEXT/rootfs/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$CONTEXT/rootfs/bin/$applet"
done
printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\nCMD ["sh"]\n' > "$CONTEXT/Dockerfile"
echo "build-base-image: building $IMAGE with $(basename "$ENGINE")" >&2
"$ENGINE" build -q -t "$IMAGE" "$CONTEXT" >&2
