/** Files written by `sagekit init`: a job that follows the SageMaker container contract. */

/** Template files, relative path → content (and whether it is executable). */
export function initTemplates(name: string, baseImage: string): Array<{ path: string; content: string; mode?: number }> {
  return [
    {
      path: 'job.yaml',
      content: `# sagekit job file: every key is documented in the sagekit README ("Job options").
# Run it here:            sagekit train --config job.yaml
# Run it on SageMaker:    push the image to ECR, then set imageUri, role and instanceType: ml.m5.xlarge
imageUri: localhost/${name}:latest
instanceType: local
instanceCount: 1
outputPath: ./output            # model.tar.gz lands in ./output/<job name>/output/
inputs:
  train: ./data                 # a local folder; use s3://bucket/prefix on SageMaker
hyperparameters:
  epochs: 200
  learning_rate: 0.05
metricDefinitions:
  - name: train:loss
    regex: "loss=([0-9.eE+-]+)"
maxRun: 600
local:
  buildContext: .               # build imageUri from this folder's Dockerfile before running
  buildArgs:
    BASE_IMAGE: ${baseImage}
`,
    },
    {
      path: 'Dockerfile',
      content: `# Any base with a POSIX shell and awk works; on SageMaker use an image from your registry.
ARG BASE_IMAGE=${baseImage}
FROM \${BASE_IMAGE}
# SageMaker runs "docker run <image> train": the program must be on PATH and named "train".
COPY train /usr/local/bin/train
`,
    },
    {
      path: 'train',
      mode: 0o755,
      content: `#!/bin/sh
# A training program under the SageMaker container contract:
#   /opt/ml/input/config/hyperparameters.json  hyperparameters (all values are strings)
#   /opt/ml/input/data/<channel>/              the data of each channel
#   /opt/ml/model/                             the model  -> model.tar.gz
#   /opt/ml/output/data/                       other outputs -> output.tar.gz
#   /opt/ml/output/failure                     why it failed (shown as FailureReason)
# It fits y = w*x + b by gradient descent on CSV rows "x,y".
set -eu
fail() { echo "$1" > /opt/ml/output/failure; echo "error: $1" >&2; exit 1; }
hp() { sed -n "s/.*\\"$1\\": *\\"\\([^\\"]*\\)\\".*/\\1/p" /opt/ml/input/config/hyperparameters.json; }

epochs=$(hp epochs); epochs=\${epochs:-100}
rate=$(hp learning_rate); rate=\${rate:-0.05}
data=/opt/ml/input/data/train
[ -d "$data" ] || fail "no 'train' channel: expected data in $data"
ls "$data"/* >/dev/null 2>&1 || fail "the 'train' channel is empty"

cat "$data"/* | awk -F, -v epochs="$epochs" -v rate="$rate" '
  NF >= 2 && $1 + 0 == $1 { x[n] = $1; y[n] = $2; n++ }
  END {
    if (n == 0) { print "no numeric rows" > "/opt/ml/output/failure"; exit 1 }
    w = 0; b = 0
    for (e = 1; e <= epochs; e++) {
      gw = 0; gb = 0; loss = 0
      for (i = 0; i < n; i++) { err = w * x[i] + b - y[i]; gw += err * x[i]; gb += err; loss += err * err }
      w -= rate * 2 * gw / n; b -= rate * 2 * gb / n
      if (e % 20 == 0 || e == epochs) printf "epoch=%d loss=%.6f\\n", e, loss / n
    }
    printf "{\\"w\\": %.6f, \\"b\\": %.6f, \\"rows\\": %d}\\n", w, b, n > "/opt/ml/model/model.json"
    printf "final loss %.6f over %d rows\\n", loss / n, n > "/opt/ml/output/data/report.txt"
  }'
echo "model written to /opt/ml/model/model.json"
`,
    },
    {
      path: 'data/train.csv',
      content:
        ['x,y', ...Array.from({ length: 20 }, (_, i) => `${(i / 10).toFixed(1)},${(3 * (i / 10) + 1 + ((i % 3) - 1) * 0.05).toFixed(3)}`)].join('\n') + '\n',
    },
  ];
}
