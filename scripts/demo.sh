#!/usr/bin/env bash
# The README's first command: on a fresh Debian/Ubuntu machine (as root) install what sagekit
# needs (and what `npm test` needs), then train the linear-regression example on this machine
# and show the model.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*" >&2; }

step "npm packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] || [ ! -f dist/cli/main.js ]; then
  npm ci --no-audit --no-fund >&2
else
  echo "up to date" >&2
fi

step "container engine"
eval "$(bash scripts/ensure-engine.sh)"

step "test tools (for the README's second command, npm test)"
bash scripts/ensure-test-tools.sh
# npm test runs the engine tests on Docker Engine too; without it they run on Podman alone.
bash scripts/ensure-docker.sh >/dev/null || echo "(no Docker Engine: npm test will run the engine tests on Podman only)" >&2

step "offline base image"
bash scripts/build-base-image.sh

step "training examples/linear-regression on this machine"
node bin/sagekit.js train --config examples/linear-regression/job.yaml --json > /tmp/sagekit-demo.json
model=$(node -e 'const d = JSON.parse(require("fs").readFileSync("/tmp/sagekit-demo.json", "utf8")); console.log(d.ModelArtifacts.S3ModelArtifacts)')

step "the trained model"
echo "model.tar.gz: $model" >&2
tar -xzOf "${model#file://}" model.json
