#!/bin/sh
# The user's training script, run by the image's toolkit from /opt/ml/code with the
# hyperparameters as arguments: sh train.sh --epochs 200 --learning_rate 0.1
set -eu
. ./mymath/fit.sh          # a dependency, copied beside this script (dependencies: [lib/mymath])

epochs=100
rate=0.1
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs=$2; shift 2 ;;
    --learning_rate) rate=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 1 ;;
  esac
done

host=$(hostname)
echo "$host: fitting y = w*x + b for $epochs epochs (learning_rate=$rate)"
set -- $(cat /opt/ml/input/data/train/*.csv | fit_line "$epochs" "$rate")
echo "$host: w=$1 b=$2 loss=$3"
# Every host trains (data parallel in spirit); the first host saves the model.
if [ "$host" = algo-1 ]; then
  printf '{"w": %s, "b": %s, "epochs": %s}\n' "$1" "$2" "$epochs" > /opt/ml/model/model.json
fi
