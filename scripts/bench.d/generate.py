"""Benchmark inputs, generated reproducibly (seed 7) from the real files.

usage: generate.py people ROWS OUT      people.csv rows: real UTF-8 names, real places, valid dates
       generate.py census ROWS OUT      the census sample repeated to ROWS rows
"""
import csv
import random
import sys

kind, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(7)
if kind == "people":
    people = list(csv.reader(open("data/people.csv", encoding="utf-8")))[1:]
    given = [p[0] for p in people]
    family = [p[1] for p in people]
    places = [p[0] for p in list(csv.reader(open("data/places.csv", encoding="utf-8")))[1:]]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("given_name,family_name,date_of_birth,place_of_birth\n")
        for _ in range(rows):
            f.write(f"{random.choice(given)},{random.choice(family)},"
                    f"{random.randint(1840, 2020)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d},"
                    f"{random.choice(places)}\n")
else:
    sample = open("data/census/census_income_sample.csv", encoding="utf-8").read().splitlines(keepends=True)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(rows):
            f.write(sample[i % len(sample)])
