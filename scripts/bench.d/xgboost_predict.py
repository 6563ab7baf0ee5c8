"""xgboost's own scoring speed on the census model: inplace_predict over ROWS rows of the file's features.

usage: xgboost_predict.py FILE    prints rows and seconds of the best of three inplace_predict calls
"""
import sys
import time

import pandas as pd
import xgboost

INPUTS = {"age": 0, "education": 4, "marital_stat": 7, "sex": 12, "tax_filer_stat": 19}
raw = pd.read_csv(sys.argv[1], header=None, dtype=str, keep_default_na=False, usecols=list(INPUTS.values()))
frame = pd.DataFrame({name: raw[position] for name, position in INPUTS.items()})
frame["age"] = frame["age"].astype(float)
booster = xgboost.Booster()
booster.load_model("data/census/xgbc.json")
features = pd.get_dummies(frame, columns=["sex", "marital_stat", "education", "tax_filer_stat"]) \
    .reindex(columns=booster.feature_names, fill_value=0).astype("float32").to_numpy()
best = min(
    (lambda start: (booster.inplace_predict(features), time.perf_counter() - start)[1])(time.perf_counter())
    for _ in range(3))
print(len(features), best)
