#!/usr/bin/env python3
"""Trains a scikit-learn gradient-boosting classifier under the SageMaker container contract.

  in:  /opt/ml/input/config/hyperparameters.json (n_estimators, learning_rate, max_depth,
       subsample, random_state: strings), /opt/ml/input/data/{train,validation}/*.csv with a
       header row "label,<feature>,…"
  out: /opt/ml/model/model.joblib (the fitted classifier) + model.json,
       /opt/ml/output/failure + exit 1 on error
"""
import glob
import json
import os
import sys
import traceback

import joblib
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

DATA = "/opt/ml/input/data"
MODEL_DIR = "/opt/ml/model"


def hyperparameters():
    with open("/opt/ml/input/config/hyperparameters.json") as f:
        raw = json.load(f)
    spec = {"n_estimators": (int, 100), "learning_rate": (float, 0.1), "max_depth": (int, 3),
            "subsample": (float, 1.0), "random_state": (int, 0)}
    parsed = {}
    for name, (kind, default) in spec.items():
        value = raw.get(name, default)
        try:
            parsed[name] = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"hyperparameter {name} must be {kind.__name__}, got {value!r}")
    # sagemaker_* keys are the platform's (script mode adds some), not the model's.
    unknown = sorted(k for k in set(raw) - set(spec) if not k.startswith("sagemaker_"))
    if unknown:
        raise ValueError(f"unknown hyperparameters {unknown}; known: {sorted(spec)}")
    return parsed


def load_channel(name):
    files = sorted(glob.glob(os.path.join(DATA, name, "*.csv")))
    if not files:
        raise ValueError(f"no CSV files in the '{name}' channel ({DATA}/{name})")
    header = open(files[0]).readline().strip().split(",")
    table = np.vstack([np.loadtxt(f, delimiter=",", skiprows=1, ndmin=2) for f in files])
    return table[:, 1:], table[:, 0].astype(int), header[1:]


def main():
    hp = hyperparameters()
    X_train, y_train, features = load_channel("train")
    X_val, y_val, _ = load_channel("validation")
    print(f"training GradientBoostingClassifier{hp} on {len(y_train)} rows, {len(features)} features", flush=True)
    model = GradientBoostingClassifier(**hp)
    # staged_predict_proba scores the ensemble after each boosting stage: a learning curve for free.
    step = max(1, hp["n_estimators"] // 10)
    model.fit(X_train, y_train)
    for stage, proba in enumerate(model.staged_predict_proba(X_val), start=1):
        if stage % step == 0 or stage == hp["n_estimators"]:
            print(f"stage={stage} validation_logloss={log_loss(y_val, proba):.4f}", flush=True)
    metrics = {
        "train_accuracy": accuracy_score(y_train, model.predict(X_train)),
        "validation_accuracy": accuracy_score(y_val, model.predict(X_val)),
        "validation_auc": roc_auc_score(y_val, model.predict_proba(X_val)[:, 1]),
    }
    print(" ".join(f"{k.replace('_', ':', 1)}={v:.4f}" for k, v in metrics.items()), flush=True)

    path = os.path.join(MODEL_DIR, "model.joblib")
    joblib.dump(model, path)
    # Load it back, as a serving container would, and check it predicts what was just measured.
    reloaded = joblib.load(path)
    if accuracy_score(y_val, reloaded.predict(X_val)) != metrics["validation_accuracy"]:
        raise RuntimeError("the saved model does not predict like the trained one")
    top = sorted(zip(model.feature_importances_, features), reverse=True)[:5]
    with open(os.path.join(MODEL_DIR, "model.json"), "w") as f:
        json.dump({"model": "GradientBoostingClassifier", "hyperparameters": hp, "features": features,
                   "metrics": {k: round(v, 4) for k, v in metrics.items()},
                   "top_features": [{"feature": n, "importance": round(float(i), 4)} for i, n in top]}, f, indent=2)
        f.write("\n")
    print(f"model saved to {path}; most important: {', '.join(n for _, n in top[:3])}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        with open("/opt/ml/output/failure", "w") as f:
            f.write(f"{type(error).__name__}: {error}"[:1024])
        traceback.print_exc()
        sys.exit(1)
