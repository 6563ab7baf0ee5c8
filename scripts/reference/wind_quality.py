"""The wind_quality report, computed independently with pandas from the two raw files alone (the SQL of
`ingest wind` must give the same lines): one line per (source, column, check, detail) with the rows the check
fires on and the first physical line it fires on (CSV: the header is line 1, the first data row line 2; JSON:
the line of the record's opening brace). Checks that can fire on any row are printed even at 0 rows (then
first_line is empty); checks keyed by a detail (null spellings, constant values)
only when found. Every value is read as text, so 'NULL', 'NaN' and '' stay three different spellings.

usage (from the repository root):
    .build-tools/serve-peer/bin/python scripts/reference/wind_quality.py [CSV] [JSON] > wind_quality.csv
defaults: data/wind/bmrs_wind_forecast_pair.csv data/wind/linear_orders_raw.json
"""
import csv
import json
import re
import sys

import pandas as pd

CSV_PATH = sys.argv[1] if len(sys.argv) > 1 else "data/wind/bmrs_wind_forecast_pair.csv"
JSON_PATH = sys.argv[2] if len(sys.argv) > 2 else "data/wind/linear_orders_raw.json"
# A number as the SQL reads one: at most 15 digits either side of the point and a two-digit exponent, so that
# every value it accepts is a finite double (1e-400 or 1e131072 are not numbers here, they are garbage).
NUMBER = r"[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})([eE][+-]?[0-9]{1,2})?"
CAPACITY_MW = 25_700  # UK installed wind capacity at the end of 2021 (14.5 GW onshore + 11.2 GW offshore)
out = []


def report(source, column, check, fires, lines, detail="", always=True):
    """fires: boolean Series; lines: the physical line of each row (aligned)."""
    n = int(fires.sum())
    if n or always:
        out.append((source, column, check, detail, n, int(lines[fires].min()) if n else ""))


def number(values):
    """The numbers of the values that look like one, NaN elsewhere (spellings such as 'NaN' are not numbers)."""
    ok = values.str.fullmatch(NUMBER)
    return pd.to_numeric(values.where(ok), errors="coerce"), ok


# ---- forecast: the CSV, every field as text; pandas names the 13th (unnamed) column "Unnamed: 12" ----
f = pd.read_csv(CSV_PATH, dtype=str, keep_default_na=False, skip_blank_lines=False)
f = f.rename(columns={"Unnamed: 12": "unnamed_13"})
f["line"] = f.index + 2
L = f["line"]
S = "forecast"
NAMED = [c for c in f.columns if c not in ("line", "unnamed_13")]
MARKERS = {"NULL": "NULL", "NaN": "NaN", "": "empty"}
for column in NAMED:  # the 13th column is empty by construction (trailing comma): its values are shifted_column
    for spelling, detail in MARKERS.items():
        report(S, column, "null_marker", f[column] == spelling, L, detail, always=False)

NUMERIC = ["Column1", "settlementPeriod", "initialForecastSpnGeneration", "latestForecastSpnGeneration",
           "fuelTypeGeneration", "EFA"]
for column in NUMERIC:
    report(S, column, "unparsable_number", ~f[column].isin(MARKERS) & ~f[column].str.fullmatch(NUMBER), L)

DATE = "startTimeOfHalfHrPeriod"  # the settlement date, DD/MM/YYYY; the three times are DD/MM/YYYY HH:MM
PUBLISHED = ["initialForecastPublishingPeriodCommencingTime", "latestForecastPublishingPeriodCommencingTime",
             "outTurnPublishingPeriodCommencingTime"]
stamps = {}
for column in [DATE] + PUBLISHED:
    shape, form = ((r"\d\d/\d\d/\d{4}", "%d/%m/%Y") if column == DATE
                   else (r"\d\d/\d\d/\d{4} \d\d:\d\d", "%d/%m/%Y %H:%M"))
    stamps[column] = pd.to_datetime(f[column].where(f[column].str.fullmatch(shape)), format=form, errors="coerce")
    report(S, column, "unparsable_timestamp", ~f[column].isin(MARKERS) & stamps[column].isna(), L)

# MW values: below 0 or above the whole UK's installed wind capacity cannot be a GB wind figure
for column in ["initialForecastSpnGeneration", "latestForecastSpnGeneration", "fuelTypeGeneration"]:
    value, _ = number(f[column])
    report(S, column, "outlier", (value < 0) | (value > CAPACITY_MW), L)

# settlement periods: 1..48 (November 2021 has no clock change, so every settlement day has 48)
period, period_ok = number(f["settlementPeriod"])
period_ok &= f["settlementPeriod"].str.fullmatch("[0-9]+") & period.between(1, 48)
report(S, "settlementPeriod", "invalid_settlement_period", ~period_ok, L)

# the outturn is published when its period ends: SP 1 -> 00:30 of the settlement date, SP 48 -> 00:00 next day.
# Its time of day must agree with the period; where it does, its date proves the settlement date.
outturn = stamps["outTurnPublishingPeriodCommencingTime"]
start = outturn - pd.Timedelta(minutes=30)
minute_of_day = start.dt.hour * 60 + start.dt.minute
time_bad = outturn.notna() & period_ok & (minute_of_day != (period - 1) * 30)
report(S, "outTurnPublishingPeriodCommencingTime", "time_mismatch", time_bad, L)
proven = outturn.notna() & ~time_bad & (outturn.dt.minute % 30 == 0)  # the outturn time proves date and period
report(S, DATE, "date_mismatch", proven & stamps[DATE].notna() & (start.dt.normalize() != stamps[DATE]), L)

# the recovered key: from the outturn time where it proves it, else the row's own (valid) date and period
f["date"] = start.dt.normalize().where(proven, stamps[DATE])
f["period"] = (minute_of_day // 30 + 1).where(proven, period.where(period_ok))
keyed = f["date"].notna() & f["period"].notna()

# EFA: the 13th column holds it when EFA is empty (shifted one column right)
report(S, "EFA", "shifted_column", (f["EFA"] == "") & (f["unnamed_13"] != ""), L)
efa = f["EFA"].where(f["EFA"] != "", f["unnamed_13"])
efa_ok = efa.isin(list("123456"))
report(S, "EFA", "invalid_efa", (efa != "") & ~efa_ok, L)
# standard EFA of the period's start: block 1 = 23:00-03:00 local, ..., 6 = 19:00-23:00
standard = ((f["period"] - 1) * 30 + 60) % 1440 // 240 + 1
report(S, "EFA", "efa_mismatch", keyed & efa_ok & (efa.astype(float) != standard), L)

# a forecast published after its period started is not a forecast of it
period_start = f["date"] + pd.to_timedelta((f["period"] - 1) * 30, unit="min")
for column in PUBLISHED[:2]:
    report(S, column, "published_after_start", keyed & (stamps[column] > period_start), L)

# duplicates: the running index Column1 restarts every 144 rows, so it is no identity
content = [c for c in f.columns if c not in ("Column1", "line")]
report(S, "*", "duplicate_row", f.duplicated(content), L)
distinct = f[~f.duplicated(content)]
conflicting = distinct[keyed[distinct.index]].duplicated(["date", "period"])
report(S, "*", "conflicting_duplicate", conflicting.reindex(f.index, fill_value=False), L)

# missing periods per recovered settlement day, first_line = the line of the key just before the first gap
keys = f[keyed].sort_values(["date", "period", "line"]).drop_duplicates(["date", "period"])
present = set(zip(keys["date"], keys["period"]))
for day in pd.date_range(keys["date"].min(), keys["date"].max()):
    absent = [p for p in range(1, 49) if (day, p) not in present]
    if absent:
        before = keys[(keys["date"] < day) | ((keys["date"] == day) & (keys["period"] < absent[0]))]
        out.append((S, "settlementPeriod", "missing_period", day.strftime("%Y-%m-%d"), len(absent),
                    int(before["line"].iloc[-1]) if len(before) else ""))

for column in NAMED + ["unnamed_13"]:
    if f[column].nunique() == 1:
        out.append((S, column, "constant_column", f[column].iloc[0], len(f), 2))

# ---- orders: the records of result.records, each with the line of its opening brace ----
with open(JSON_PATH, encoding="utf-8") as file:
    text = file.read()
decoder = json.JSONDecoder()
position = text.index("[", text.index('"records"', text.index('"result"'))) + 1
records, lines = [], []
while True:  # walk the array with raw_decode so every record keeps its offset in the file
    position = re.compile(r"[\s,]*").match(text, position).end()
    if text[position] == "]":
        break
    lines.append(text.count("\n", 0, position) + 1)
    record, position = decoder.raw_decode(text, position)
    records.append(record)
document = json.loads(text)
assert records == document["result"]["records"]
# text as the raw table holds it (a JSON null spelled 'null'); _full_text is the portal's search index, not data
o = pd.DataFrame([{key: "null" if value is None else str(value) for key, value in record.items()
                   if key != "_full_text"} for record in records])
o["line"] = lines
L, S = o["line"], "orders"
FIELDS = [c for c in o.columns if c != "line"]
O_MARKERS = ["NA", "N/A", "NULL", "NaN", "None", "null", ""]
for column in FIELDS:
    for spelling in O_MARKERS:
        report(S, column, "null_marker", o[column] == spelling, L, spelling or "empty", always=False)

PRICES, VOLUMES = ["1P", "2P", "3P", "4P"], ["1V", "2V", "3V", "4V"]
O_NUMERIC = ["OrderID", "OrderPeriodID", "TradeID", "EFA", "ExecutedVolume"] + PRICES + VOLUMES
values = {}
for column in O_NUMERIC:
    values[column], ok = number(o[column])
    report(S, column, "unparsable_number", ~o[column].isin(O_MARKERS) & ~ok, L)
# keys must fit a bigint (whole, at most 18 digits), the currency is an ISO code
for column in ["OrderID", "OrderPeriodID", "TradeID"]:
    report(S, column, "invalid_id", ~o[column].isin(O_MARKERS) & o[column].str.fullmatch(NUMBER) & ~o[column].str.fullmatch("[0-9]{1,18}"), L)
report(S, "SettlementCurrency", "invalid_value", ~o["SettlementCurrency"].isin(O_MARKERS) & ~o["SettlementCurrency"].str.fullmatch("[A-Z]{3}"), L, "not a currency code")

when = {}
for column in ["OrderEntryTime", "DeliveryStart", "DeliveryEnd"]:
    when[column] = pd.to_datetime(o[column], format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    report(S, column, "unparsable_timestamp", when[column].isna(), L)

for columns, detail in [(["_id"], ""), (["OrderPeriodID"], ""), (["TradeID"], ""),
                        (["OrderID", "DeliveryStart"], "OrderID+DeliveryStart"),
                        (["MarketName", "DeliveryStart"], "MarketName+DeliveryStart")]:
    report(S, columns[0], "duplicate_key", o.duplicated(columns), L, detail)

# EFA blocks are 4 hours of UK local wall-clock time; across the October clock change one lasts 5 real hours
start, end = when["DeliveryStart"], when["DeliveryEnd"]
report(S, "DeliveryEnd", "delivery_duration", (end - start) != pd.Timedelta(hours=4), L, "wall_clock")
utc = lambda t: t.dt.tz_localize("Europe/London", ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
report(S, "DeliveryEnd", "delivery_duration", (utc(end) - utc(start)) != pd.Timedelta(hours=4), L, "elapsed")
expected_efa = (start.dt.hour * 60 + start.dt.minute + 60) % 1440 // 240 + 1
report(S, "EFA", "efa_mismatch", values["EFA"] != expected_efa, L)
# blocks start on the EFA grid: 23:00, 03:00, ... on the hour
report(S, "DeliveryStart", "off_grid", start.notna() & ((start.dt.minute != 0) | (start.dt.second != 0) | ((start.dt.hour + 1) % 4 != 0)), L)
report(S, "OrderEntryTime", "entry_after_delivery_start", when["OrderEntryTime"] >= start, L)

for column in ["MarketName", "BiddingLevelName"]:
    report(S, column, "invalid_value", ~o[column].isin(["DCL", "DCH"]), L, "not DCL/DCH")
report(S, "BiddingLevelName", "invalid_value", o["BiddingLevelName"] != o["MarketName"], L, "differs from MarketName")

# ranges: prices in [0, 999.99] (999.99 is the curve's cap point), volumes >= 0, executed within the curve's maximum
for column in PRICES:
    report(S, column, "outlier", (values[column] < 0) | (values[column] > 999.99), L)
for column in VOLUMES:
    report(S, column, "outlier", values[column] < 0, L)
offered = pd.concat([values[c] for c in VOLUMES], axis=1).max(axis=1)
report(S, "ExecutedVolume", "outlier", (values["ExecutedVolume"] < 0) | (values["ExecutedVolume"] > offered), L)
# a buy curve: prices never fall and volumes never rise from one point to the next (a pair with an absent point
# is not compared)
bad_curve = pd.Series(False, index=o.index)
for a, b in [(1, 2), (2, 3), (3, 4)]:
    bad_curve |= values[f"{b}P"] < values[f"{a}P"]
    bad_curve |= values[f"{b}V"] > values[f"{a}V"]
report(S, "*", "curve_not_monotonic", bad_curve, L)

# an order's own fields are one value across its periods: the order takes the value most of its periods have
# (the earliest of a tie), counting only usable values; a period with another one is a finding
order_known = ~o["OrderID"].isin(O_MARKERS)
for column, usable in [("MemberName", ~o["MemberName"].isin(O_MARKERS)), ("Portfolio", ~o["Portfolio"].isin(O_MARKERS)),
                       ("OrderEntryTime", when["OrderEntryTime"].notna()), ("OrderEntryUser", ~o["OrderEntryUser"].isin(O_MARKERS)),
                       ("SettlementCurrency", o["SettlementCurrency"].str.fullmatch("[A-Z]{3}"))]:
    g = o[order_known & usable].assign(position=lambda f: f.index)
    tally = g.groupby(["OrderID", column]).agg(n=("position", "size"), first=("position", "min")).reset_index()
    chosen = tally.sort_values(["OrderID", "n", "first"], ascending=[True, False, True]).drop_duplicates("OrderID").set_index("OrderID")[column]
    fires = pd.Series(False, index=o.index)
    fires[g.index] = g[column] != g["OrderID"].map(chosen)
    report(S, column, "conflicting_value", fires, L, "within one OrderID")

# every 4-hour block between a market's first and last delivery is ordered; first_line as for the forecast's days
for market, group in o.assign(start=start)[o["MarketName"].isin(["DCL", "DCH"])].sort_values(["start", "line"]).groupby("MarketName"):
    absent = sorted(set(pd.date_range(group["start"].min(), group["start"].max(), freq="4h")) - set(group["start"]))
    before = group[group["start"] < absent[0]] if absent else group.iloc[:0]
    first = int(before["line"].iloc[-1]) if absent else ""
    out.append((S, "DeliveryStart", "missing_period", market, len(absent), first))

for column in FIELDS:
    if o[column].nunique() == 1:
        out.append((S, column, "constant_column", o[column].iloc[0], len(o), lines[0]))

writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["source", "column_name", "check_name", "detail", "rows", "first_line"])
writer.writerows(sorted(out, key=lambda row: row[:4]))
