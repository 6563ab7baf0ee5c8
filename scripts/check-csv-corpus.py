"""The corpus check's work (scripts/check-csv-corpus starts the database): load each corpus file with a contract
written from its annotated dialect, read the table back, compare it with the clean table; run `ingest infer`
on each file and compare the dialect it finds with the annotation. Prints one line per file that does not
match, the totals, and fails when a file listed in EXPECTED no longer matches."""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml  # PyYAML, as Airflow and the notebook checks have it

ingest, corpus, expected_path = sys.argv[1:4]
update = "--update" in sys.argv[4:]
ENCODINGS = {"ascii": "utf-8", "utf-8": "utf-8", "latin1": "latin-1", "CP949": "cp949"}


def parameters(name):
    with open(os.path.join(corpus, "parameters", name + "_parameters.json")) as handle:
        p = json.load(handle)
    return {
        "encoding": ENCODINGS.get(p["encoding"], p["encoding"]),
        "delimiter": p["delimiter"],
        "quoteChar": p["quotechar"],
        "escapeChar": "" if p["escapechar"] == p["quotechar"] else p["escapechar"],
        "headerRows": int(p["header_lines"]),
        "preambleRows": int(p["preamble_lines"]),
        "footerRows": int(p["footnote_lines"]),
    }


def clean_table(name):
    with open(os.path.join(corpus, "clean", name), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def trailing(name):
    """Whether the clean table's rows all have one value more than its header, the last one empty: records that
    end with a delimiter the header lacks, which the annotation does not say (the dialect's trailingDelimiter)."""
    header, rows = clean_table(name)
    return bool(rows) and all(len(r) == len(header) + 1 and r[-1] == "" for r in rows)


def load(index, name, dialect, work):
    """Loads the file by a contract of string fields; returns (header as loaded, rows) or (None, reason)."""
    header, rows = clean_table(name)
    # Rows wider than the header (a header without the row names' column): the fields are taken by position.
    width = max([len(header)] + [len(r) for r in rows])
    if trailing(name):
        dialect = dict(dialect, trailingDelimiter=True)
    by_name = dialect["headerRows"] > 0 and len(set(header)) == len(header) and all(
        0 < len(h.encode()) <= 63 for h in header)
    by_name = by_name and (width == len(header) or trailing(name))
    fields = header if by_name else [f"col_{i}" for i in range(width - (1 if trailing(name) else 0))]
    table = f"corpus.file_{index:02d}"
    contract = {
        "dataset": f"corpus_{index:02d}",
        "table": table,
        "mode": "replace",
        "input": {"file": name, "format": "csv", "dialect": dict(dialect, matchFields="byName" if by_name else "byPosition")},
        "schema": {"fields": [{"name": f, "type": "string"} for f in fields]},
        "rejects": {"max": 1_000_000},
    }
    path = os.path.join(work, f"corpus_{index:02d}.yaml")
    with open(path, "w") as handle:
        json.dump(contract, handle, ensure_ascii=False)
    for command in (["apply", "--contract", path],
                    ["load", "--contract", path, "--data-dir", os.path.join(corpus, "csv"),
                     "--rejects", os.path.join(work, f"rejects_{index:02d}.jsonl")]):
        run = subprocess.run([ingest, *command], capture_output=True, text=True)
        if run.returncode not in (0, 65) or "error:" in run.stderr:
            return None, (run.stderr.strip().splitlines() or ["exit %d" % run.returncode])[-1]
    columns = ", ".join('"%s"' % f.replace('"', '""') for f in fields)
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", os.environ["DATABASE_URL"], "-c",
                          f"COPY (SELECT {columns} FROM {table} ORDER BY source_line) TO STDOUT (FORMAT csv)"],
                         capture_output=True, text=True, check=True)
    rows = list(csv.reader(out.stdout.splitlines(keepends=True)))
    return (header if by_name else None), rows


def infer(name):
    run = subprocess.run([ingest, "infer", os.path.join(corpus, "csv", name)], capture_output=True, text=True)
    if run.returncode != 0:
        return None, (run.stderr.strip().splitlines() or ["exit %d" % run.returncode])[-1]
    contract = yaml.safe_load(run.stdout)
    return contract, run.stdout


def load_draft(index, name, draft, work):
    """Loads the file by infer's draft as it is (its table renamed); returns (read, loaded, rejected) or a reason."""
    path = os.path.join(work, f"draft_{index:02d}.yaml")
    with open(path, "w") as handle:
        handle.write(draft.replace("\ntable: imports.", f"\ntable: drafts.d{index:02d}_", 1))
    out = ""
    for command in (["apply", "--contract", path],
                    ["load", "--contract", path, "--data-dir", os.path.join(corpus, "csv"), "--max-rejects", "1000000",
                     "--rejects", os.path.join(work, f"draft_rejects_{index:02d}.jsonl")]):
        run = subprocess.run([ingest, *command], capture_output=True, text=True)
        if run.returncode not in (0, 65) or "error:" in run.stderr:
            return (run.stderr.strip().splitlines() or ["exit %d" % run.returncode])[-1]
        out = run.stdout
    # The counts line a load prints on standard output (Ledger's `read N, loaded N, rejected N`; one per load).
    counts = re.search(r"read (\d+), loaded (\d+), rejected (\d+)", out)
    if not counts:
        return "no counts in the load's output"
    return tuple(int(number) for number in counts.groups())


def main():
    names = sorted(os.listdir(os.path.join(corpus, "csv")))
    expected = set()
    if os.path.exists(expected_path):
        with open(expected_path) as handle:
            expected = {line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")}
    matched, inferred, headers_checked, drafts = set(), set(), 0, set()
    with tempfile.TemporaryDirectory() as work:
        for index, name in enumerate(names):
            dialect = parameters(name)
            header, rows = clean_table(name)
            if trailing(name):
                rows = [r[:-1] for r in rows]
            loaded_header, loaded = load(index, name, dialect, work)
            if loaded_header is None and isinstance(loaded, str):
                print(f"load  {name}: {loaded}")
            elif loaded != rows:
                diff = next((i for i, (a, b) in enumerate(zip(loaded, rows)) if a != b), min(len(loaded), len(rows)))
                got = loaded[diff] if diff < len(loaded) else "(no row)"
                want = rows[diff] if diff < len(rows) else "(no row)"
                if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
                    cell = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
                    got, want = f"column {cell + 1}: {got[cell]!r:.100}", f"{want[cell]!r:.100}"
                print(f"rows  {name}: {len(loaded)} rows, clean {len(rows)}; row {diff + 1}: {got!s:.160} != {want!s:.160}")
            else:
                matched.add(f"load {name}")
                headers_checked += loaded_header is not None
            contract, draft = infer(name)
            if contract is None:
                print(f"infer {name}: {draft}")
                continue
            counts = load_draft(index, name, draft, work)
            if isinstance(counts, str):
                print(f"draft {name}: {counts}")
            elif counts[1] != len(rows) or counts[2] != 0:
                print(f"draft {name}: read {counts[0]}, loaded {counts[1]}, rejected {counts[2]}; the clean table has {len(rows)} rows")
            else:
                drafts.add(f"draft {name}")
            found = contract.get("input", {}).get("dialect", {})
            wanted = {k: v for k, v in dialect.items()}
            got = {k: found.get(k, default) for k, default in
                   (("encoding", "utf-8"), ("delimiter", ","), ("quoteChar", '"'), ("escapeChar", ""),
                    ("headerRows", 1), ("preambleRows", 0), ("footerRows", 0), ("trailingDelimiter", False))}
            wanted["trailingDelimiter"] = trailing(name)
            # A file without a quote in it is read the same whatever quote character is assumed.
            with open(os.path.join(corpus, "csv", name), "rb") as handle:
                raw = handle.read()
            for key in ("quoteChar", "escapeChar"):
                if all(not q or q.encode() not in raw for q in (wanted[key], got[key])):
                    wanted[key] = got[key] = ""
            if got == wanted:
                inferred.add(f"infer {name}")
            else:
                differ = {k: (got[k], wanted[k]) for k in wanted if got[k] != wanted[k]}
                print(f"infer {name}: found {differ} (found, annotated)")
    now = matched | inferred | drafts
    print(f"check-csv-corpus: {len(matched)} of {len(names)} files load to the clean table cell for cell "
          f"({headers_checked} with the header names matched); infer finds {len(inferred)} of {len(names)} dialects as annotated; "
          f"its draft, loaded as it is, takes every row of the clean table with no reject in {len(drafts)} of {len(names)}")
    if update:
        with open(expected_path, "w") as handle:
            handle.write("# What scripts/check-csv-corpus matched; a file that drops out of this list fails CI.\n")
            handle.writelines(line + "\n" for line in sorted(now))
        return 0
    lost = sorted(expected - now)
    for line in lost:
        print(f"check-csv-corpus: regression: {line} matched before and does not now", file=sys.stderr)
    return 1 if lost else 0


sys.exit(main())
