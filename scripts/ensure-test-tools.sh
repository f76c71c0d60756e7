#!/usr/bin/env bash
# Installs the system tools the test suite needs besides the container engine: an image
# registry (Debian's docker-registry, the CNCF distribution server) and openssl for its
# throw-away TLS certificate — the image-pull tests push to and pull from it on 127.0.0.1 —,
# git, which gitConfig (script mode) clones with, Debian's AWS CLI and boto3, the real
# clients the `sagekit serve` tests drive, and the Python packages of the S3 compatibility suite
# (ceph/s3-tests) that measures serve's S3 store.
# Does nothing when they are present.
set -euo pipefail

log() { echo "ensure-test-tools: $*" >&2; }
missing=()
command -v docker-registry >/dev/null 2>&1 || [ -x /usr/local/bin/registry ] || missing+=(docker-registry)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# gitConfig (script mode) clones with the system git; its tests clone a file:// repository.
command -v git >/dev/null 2>&1 || missing+=(git)
# Debian's own builds (under /usr/bin), not whatever a version manager put first on PATH.
[ -x /usr/bin/aws ] || missing+=(awscli)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1; } || missing+=(python3-boto3)
s3_suite=(python3-munch python3-gevent python3-isodate python3-lxml python3-httplib2 python3-tz python3-pytest python3-yaml python3-requests)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import munch, gevent, isodate, lxml, httplib2, pytz, pytest, yaml, requests' >/dev/null 2>&1; } ||
  missing+=("${s3_suite[@]}")
if [ ${#missing[@]} -eq 0 ]; then
  log "docker-registry, openssl, git, awscli, python3-boto3 and the S3 suite's Python packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "the image-pull, script-mode and serve tests need ${missing[*]}; install them (as root on Debian/Ubuntu: apt-get install ${missing[*]})"
  exit 1
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: refresh them only if needed.
apt-get install -y -qq "${missing[@]}" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2; }
