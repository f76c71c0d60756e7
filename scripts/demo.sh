#!/usr/bin/env bash
# The README's first command: on a fresh Debian/Ubuntu machine (as root) install what sagekit
# needs (and what `npm test` needs), then train an example on this machine and show the model.
#   bash scripts/demo.sh            linear regression (shell + awk, seconds)
#   bash scripts/demo.sh pytorch    2-host PyTorch DDP (builds the torch base once: ≈2-3 min)
#   bash scripts/demo.sh sklearn    scikit-learn gradient boosting (builds its base once: ≈1-2 min)
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*" >&2; }
EXAMPLE=${1:-linear-regression}
case "$EXAMPLE" in
  linear-regression|pytorch|sklearn) ;;
  *) echo "usage: bash scripts/demo.sh [pytorch|sklearn]  (got '$EXAMPLE')" >&2; exit 2 ;;
esac

step "npm packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] || [ ! -f dist/cli/main.js ]; then
  npm ci --no-audit --no-fund >&2
else
  echo "up to date" >&2
fi

step "the sagekit command"
# `sagekit …` as the README writes it: this checkout linked onto PATH (npm link), once.
here=$(pwd -P)
if [ "$(readlink -f "$(command -v sagekit 2>/dev/null || echo /nonexistent)")" != "$here/bin/sagekit.js" ]; then
  if npm link --no-audit --no-fund >/dev/null 2>&1; then
    echo "linked: $(command -v sagekit) -> $here/bin/sagekit.js (remove with: npm rm -g sagekit)" >&2
  else
    echo "could not link sagekit onto PATH (npm link); run it as node $here/bin/sagekit.js" >&2
  fi
else
  echo "sagekit on PATH: $(command -v sagekit)" >&2
fi

step "container engine"
eval "$(bash scripts/ensure-engine.sh)"

step "test tools (for the README's second command, npm test)"
bash scripts/ensure-test-tools.sh
# npm test runs the engine tests on Docker Engine too; without it they run on Podman alone.
bash scripts/ensure-docker.sh >/dev/null || echo "(no Docker Engine: npm test will run the engine tests on Podman only)" >&2

# Prints the path of the artifact `$2` (model or output) of the job whose --json document is in $1.
artifact() {
  node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const m = d.ModelArtifacts.S3ModelArtifacts.replace(/^file:\/\//, "");
    console.log(process.argv[2] === "model" ? m : m.replace(/model\.tar\.gz$/, "output.tar.gz"))' "$1" "$2"
}

if [ "$EXAMPLE" = pytorch ]; then
  step "offline PyTorch base image (built once per machine)"
  bash scripts/build-base-image.sh --with torch
  step "training examples/pytorch-ddp on 2 hosts (DistributedDataParallel, gloo)"
  # A fresh start: with its checkpoints left from an earlier run the job would resume instead.
  rm -rf examples/pytorch-ddp/checkpoints
  node bin/sagekit.js train --config examples/pytorch-ddp/job.yaml --json > /tmp/sagekit-demo.json
  step "the trained model (rank 0) and each replica's parameter checksum"
  echo "model.tar.gz: $(artifact /tmp/sagekit-demo.json model)" >&2
  tar -xzOf "$(artifact /tmp/sagekit-demo.json model)" model.json
  for rank in 0 1; do tar -xzOf "$(artifact /tmp/sagekit-demo.json output)" "replica-rank$rank.json"; done
  exit 0
fi

if [ "$EXAMPLE" = sklearn ]; then
  step "offline scikit-learn base image (built once per machine)"
  bash scripts/build-base-image.sh --with sklearn
  step "training examples/sklearn (gradient boosting, breast cancer set)"
  node bin/sagekit.js train --config examples/sklearn/job.yaml --json > /tmp/sagekit-demo.json
  step "the trained model"
  echo "model.tar.gz: $(artifact /tmp/sagekit-demo.json model) (model.joblib + model.json)" >&2
  tar -xzOf "$(artifact /tmp/sagekit-demo.json model)" model.json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`${m.model} ${JSON.stringify(m.hyperparameters)} on ${m.features.length} features`);
    console.log(`validation accuracy ${m.metrics.validation_accuracy}, AUC ${m.metrics.validation_auc} (train accuracy ${m.metrics.train_accuracy})`);
    console.log(`most important: ${m.top_features.map((f) => `${f.feature} ${f.importance}`).join(", ")}`);'
  exit 0
fi

step "offline base image"
bash scripts/build-base-image.sh

step "training examples/linear-regression on this machine"
node bin/sagekit.js train --config examples/linear-regression/job.yaml --json > /tmp/sagekit-demo.json
model=$(node -e 'const d = JSON.parse(require("fs").readFileSync("/tmp/sagekit-demo.json", "utf8")); console.log(d.ModelArtifacts.S3ModelArtifacts)')

step "the trained model"
echo "model.tar.gz: $model" >&2
tar -xzOf "${model#file://}" model.json
