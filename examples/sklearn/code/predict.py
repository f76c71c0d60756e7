#!/usr/bin/env python3
"""Loads a model this example trained and scores a CSV with it, as a serving container would.

    python3 predict.py MODEL_DIR CSV     # MODEL_DIR holds model.joblib (unpacked model.tar.gz)

Prints one JSON line: {"rows", "accuracy", "predictions": first ten}.
"""
import json
import os
import sys

import joblib
import numpy as np

model_dir, csv_path = sys.argv[1], sys.argv[2]
model = joblib.load(os.path.join(model_dir, "model.joblib"))
table = np.loadtxt(csv_path, delimiter=",", skiprows=1, ndmin=2)
predictions = model.predict(table[:, 1:])
print(json.dumps({"rows": len(table), "accuracy": round(float((predictions == table[:, 0]).mean()), 4),
                  "predictions": [int(p) for p in predictions[:10]]}))
