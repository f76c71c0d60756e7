#!/usr/bin/env python3
"""Writes the example's data (run once; the files are committed): scikit-learn's breast cancer
set (569 tumours, 30 features, ships with scikit-learn, no download), split 80/20 with a fixed
seed into data/train/train.csv and data/validation/validation.csv ("label,feature…", header row).
Also the digits set for examples/pytorch-ddp, split alike.

    bash scripts/build-base-image.sh --with sklearn
    podman run --rm -v "$PWD/examples:/examples" localhost/sagekit-sklearn:latest \
      python3 /examples/sklearn/prepare-data.py /examples
"""
import csv
import os
import sys

from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split


def write(path, header, X, y, fmt):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        if header:
            out.writerow(header)
        for label, row in zip(y, X):
            out.writerow([int(label)] + [fmt(v) for v in row])


def split(dataset, directory, header):
    X_train, X_val, y_train, y_val = train_test_split(
        dataset.data, dataset.target, test_size=0.2, random_state=0, stratify=dataset.target)
    fmt = (lambda v: f"{v:.6g}") if header else (lambda v: str(int(v)))
    write(os.path.join(directory, "train", "train.csv"), header, X_train, y_train, fmt)
    write(os.path.join(directory, "validation", "validation.csv"), header, X_val, y_val, fmt)
    print(f"{directory}: {len(y_train)} training and {len(y_val)} validation rows")


examples = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cancer = load_breast_cancer()
split(cancer, os.path.join(examples, "sklearn", "data"), ["label"] + [n.replace(" ", "_") for n in cancer.feature_names])
# The PyTorch example reads plain "label,pixel0,…,pixel63" rows (pixel intensities 0–16).
split(load_digits(), os.path.join(examples, "pytorch-ddp", "data"), None)
