"""Reference probabilities of the provided census model, computed by the xgboost library itself.

The Swift scorer must match these within 1e-6 (Tests/EndToEndTests/CensusScoringTests.swift). Regenerate with:

    python3 -m venv .build-tools/ref && .build-tools/ref/bin/pip install xgboost-cpu pandas scikit-learn
    .build-tools/ref/bin/python scripts/reference/census_xgboost.py > Tests/Fixtures/census_xgboost_probabilities.csv

Features as the model was trained: `age`, then pandas get_dummies of the raw (unstripped) values of sex,
marital status, education and tax filer status, aligned to the model's feature names.
"""
import sys

import pandas as pd
import xgboost

SAMPLE = "data/census/census_income_sample.csv"
MODEL = "data/census/xgbc.json"
# Positions (0-based) of the model's inputs in the 42-field layout of the metadata's attribute list.
INPUTS = {"age": 0, "education": 4, "marital_stat": 7, "sex": 12, "tax_filer_stat": 19}

raw = pd.read_csv(SAMPLE, header=None, dtype=str, keep_default_na=False)
frame = pd.DataFrame({name: raw[position] for name, position in INPUTS.items()})
frame["age"] = frame["age"].astype(float)
booster = xgboost.Booster()
booster.load_model(MODEL)
dummies = pd.get_dummies(frame, columns=["sex", "marital_stat", "education", "tax_filer_stat"])
features = dummies.reindex(columns=booster.feature_names, fill_value=0).astype("float32")
probabilities = booster.predict(xgboost.DMatrix(features))

print(f"# xgboost {xgboost.__version__}, model {MODEL}, sample {SAMPLE}")
print("source_line,probability")
for line, probability in enumerate(probabilities, start=1):
    print(f"{line},{probability:.9g}")
