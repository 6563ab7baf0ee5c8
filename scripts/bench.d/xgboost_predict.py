"""xgboost's own scoring speed on the census model: inplace_predict over the file's rows, features in memory.

usage: xgboost_predict.py FILE [FEATURES.f32 PREDICTIONS.f32]
prints rows, the best of three inplace_predict calls on one thread, and on every core (seconds); with the
two paths, also writes the float32 feature matrix and xgboost's predictions, for score-benchmark.
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


def best(threads):
    booster.set_param({"nthread": threads})
    times = []
    for _ in range(3):
        start = time.perf_counter()
        predictions = booster.inplace_predict(features)
        times.append(time.perf_counter() - start)
    return min(times), predictions


one, predictions = best(1)
every, _ = best(0)
if len(sys.argv) == 4:
    features.tofile(sys.argv[2])
    predictions.astype("float32").tofile(sys.argv[3])
print(len(features), one, every)
