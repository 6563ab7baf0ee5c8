"""The expected reconciliation counts of the accident sources, computed by Python's csv and sqlite3 modules
straight from the files in data/accidents/ (Tests/EndToEndTests/AccidentSourcesTests.swift compares the
loader's accident.reconciliation with them). Run from the repository root; prints one JSON object.
"""
import csv, sqlite3, json, collections
d = "data/accidents/"
keys = set()
csv_values = {}
for name, column, field in [("police.csv", "Police_Force", "police_force"),
                            ("police.csv", "Did_Police_Officer_Attend_Scene_of_Accident", "officer_attended"),
                            ("response.csv", "Accident_Severity", "severity")]:
    for row in csv.DictReader(open(d + name)):
        keys.add(row["Accident_Index"])
        value = None if row[column] == "-1" else row[column]
        csv_values.setdefault((row["Accident_Index"], field), []).append(value)
for row in csv.DictReader(open(d + "cond.csv")):
    keys.add(row["Accident_Index"])
db = sqlite3.connect(d + "de.db")
db_values = {}
for table, columns in [("police", [("police_force", "police_force"), ("did_police_officer_attend_scene_of_accident", "officer_attended")]),
                       ("response", [("accident_severity", "severity")])]:
    for row in db.execute(f"SELECT acc_i, {', '.join(c for c, _ in columns)} FROM {table}"):
        key = str(row[0])
        keys.add(key)
        for (column, field), value in zip(columns, row[1:]):
            value = None if value is None or value == -1 else str(value)
            db_values.setdefault((key, field), []).append(value)
kinds = collections.Counter()
for key in keys:
    for field in ["police_force", "officer_attended", "severity"]:
        c, b = csv_values.get((key, field)), db_values.get((key, field))
        if c is None: kinds["missing_in_csv"] += 1; continue
        if b is None: kinds["missing_in_database"] += 1; continue
        if len(set(c)) > 1 or len(set(b)) > 1: kinds["conflicting_duplicates"] += 1; continue
        if len(c) > 1 or len(b) > 1: kinds["duplicate_key"] += 1; continue
        if c[0] is None and b[0] is not None: kinds["null_in_csv"] += 1
        elif b[0] is None and c[0] is not None: kinds["null_in_database"] += 1
        elif c[0] != b[0]: kinds["disagreement"] += 1
kinds["accidents"] = len(keys)
print(json.dumps(kinds))
