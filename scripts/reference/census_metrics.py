"""scikit-learn's metrics of the provided census model on the sample, at threshold 0.5.

The Swift metrics must equal these (Tests/EndToEndTests/CensusPerformanceTests.swift). Regenerate with the
environment of census_xgboost.py:

    .build-tools/ref/bin/python scripts/reference/census_metrics.py > Tests/Fixtures/census_sklearn_metrics.json
"""
import json

import numpy as np
import pandas as pd
from sklearn import metrics

SAMPLE = "data/census/census_income_sample.csv"
PROBABILITIES = "Tests/Fixtures/census_xgboost_probabilities.csv"

labels = pd.read_csv(SAMPLE, header=None, dtype=str, keep_default_na=False)[41].str.strip()
y = (labels == "50000+.").to_numpy()
p = pd.read_csv(PROBABILITIES, comment="#")["probability"].to_numpy(dtype=np.float64)
predicted = p >= 0.5
tn, fp, fn, tp = metrics.confusion_matrix(y, predicted).ravel()
print(json.dumps({
    "rows": int(len(y)),
    "accuracy": metrics.accuracy_score(y, predicted),
    "precision": metrics.precision_score(y, predicted, zero_division=0),
    "recall": metrics.recall_score(y, predicted, zero_division=0),
    "f1": metrics.f1_score(y, predicted, zero_division=0),
    "roc_auc": metrics.roc_auc_score(y, p),
    "log_loss": metrics.log_loss(y, p),
    "brier": metrics.brier_score_loss(y, p),
    "true_positives": int(tp), "false_positives": int(fp), "true_negatives": int(tn), "false_negatives": int(fn),
}, indent=2))
