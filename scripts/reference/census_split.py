"""Reference for `ingest census-split`, written from its documented rule alone: line n (from 1) of the file
goes to day splitmix64(seed + n) mod days; each day keeps its lines in file order.

usage: census_split.py FILE FIRST_DAY DAYS SEED FOLDER
writes FOLDER/YYYY-MM-DD.csv per day and prints one line per day: its date and line count.
"""
import datetime
import os
import sys

MASK = (1 << 64) - 1


def splitmix64(value):
    z = (value + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


path, first, days, seed, folder = sys.argv[1], datetime.date.fromisoformat(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
content = open(path, "rb").read()
lines = content.split(b"\n")
lines = [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
out = [[] for _ in range(days)]
for number, line in enumerate(lines, start=1):
    out[splitmix64((seed + number) & MASK) % days].append(line)
os.makedirs(folder, exist_ok=True)
for day, chunk in enumerate(out):
    date = first + datetime.timedelta(days=day)
    with open(os.path.join(folder, f"{date}.csv"), "wb") as file:
        file.write(b"".join(chunk))
    print(date, len(chunk))
