"""scikit-learn's class-balanced logistic regression on the combined accident data: the numbers the Swift
trainer must come within 0.02 of (balanced accuracy and log loss on the test split).

    .build-tools/ref/bin/python scripts/reference/accident_logistic.py > Tests/Fixtures/accident_sklearn_metrics.json

The data is combined as `ingest accidents` combines it by default: the CSV export's code, else the legacy
database's single value; -1 is missing. The split is the trainer's: stratified by severity, within each class
ordered by md5("42:" + accident index), the first 20% (rounded) for test.
"""
import csv
import hashlib
import json
import sqlite3
from collections import defaultdict

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.preprocessing import OneHotEncoder

DATA = "data/accidents/"
SEED = 42
FEATURES = ["police_force", "officer_attended", "light_conditions", "weather_conditions", "road_surface_conditions",
            "special_conditions_at_site", "carriageway_hazards", "urban_or_rural_area"]
CSV_COLUMNS = {
    "cond.csv": {"Light_Conditions": "light_conditions", "Weather_Conditions": "weather_conditions",
                 "Road_Surface_Conditions": "road_surface_conditions",
                 "Special_Conditions_at_Site": "special_conditions_at_site",
                 "Carriageway_Hazards": "carriageway_hazards", "Urban_or_Rural_Area": "urban_or_rural_area"},
    "police.csv": {"Police_Force": "police_force", "Did_Police_Officer_Attend_Scene_of_Accident": "officer_attended"},
    "response.csv": {"Accident_Severity": "severity"},
}

csv_values = defaultdict(lambda: defaultdict(list))
for name, columns in CSV_COLUMNS.items():
    for row in csv.DictReader(open(DATA + name)):
        for column, field in columns.items():
            csv_values[row["Accident_Index"]][field].append(None if row[column] == "-1" else row[column])
db_values = defaultdict(lambda: defaultdict(list))
db = sqlite3.connect(DATA + "de.db")
for key, force, attended in db.execute("SELECT acc_i, police_force, did_police_officer_attend_scene_of_accident FROM police"):
    db_values[str(key)]["police_force"].append(None if force in (None, -1) else str(force))
    db_values[str(key)]["officer_attended"].append(None if attended in (None, -1) else str(attended))
for key, severity in db.execute("SELECT acc_i, accident_severity FROM response"):
    db_values[str(key)]["severity"].append(None if severity in (None, -1) else str(severity))


def single(values):
    return values[0] if len(values) > 0 and len(set(values)) == 1 and None not in values else None


def resolved(key, field):
    value = single(csv_values[key][field])
    return value if value is not None else single(db_values[key][field])


keys = sorted(set(csv_values) | set(db_values))
rows = [(key, resolved(key, "severity"), [resolved(key, f) or "missing" for f in FEATURES]) for key in keys]
rows = [r for r in rows if r[1] is not None]
by_class = defaultdict(list)
for row in rows:
    by_class[row[1]].append(row)
test = set()
for severity, members in by_class.items():
    members.sort(key=lambda r: hashlib.md5(f"{SEED}:{r[0]}".encode()).hexdigest())
    test.update(r[0] for r in members[:round(0.2 * len(members))])
train_rows = [r for r in rows if r[0] not in test]
test_rows = [r for r in rows if r[0] in test]
encoder = OneHotEncoder(handle_unknown="ignore")
x_train = encoder.fit_transform([r[2] for r in train_rows])
x_test = encoder.transform([r[2] for r in test_rows])
y_train = [r[1] for r in train_rows]
y_test = [r[1] for r in test_rows]
model = LogisticRegression(class_weight="balanced", max_iter=5000).fit(x_train, y_train)
probabilities = model.predict_proba(x_test)
majority = max(set(y_train), key=y_train.count)
print(json.dumps({
    "train_rows": len(train_rows), "test_rows": len(test_rows), "classes": list(model.classes_),
    "balanced_accuracy": balanced_accuracy_score(y_test, model.predict(x_test)),
    "log_loss": log_loss(y_test, probabilities, labels=model.classes_),
    "accuracy": float(np.mean(model.predict(x_test) == np.array(y_test))),
    "majority_class": majority,
    "majority_accuracy": float(np.mean(np.array(y_test) == majority)),
}, indent=2))
