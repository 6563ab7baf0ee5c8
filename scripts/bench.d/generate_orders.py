"""Writes a CKAN datastore_search_sql response like data/wind/linear_orders_raw.json, but of about SIZE MiB:
the file's 750 records repeated with fresh ids, pretty-printed as the portal does, written as a stream.

usage: generate_orders.py SIZE_MIB OUT.json"""
import json
import sys

size, out = int(sys.argv[1]) << 20, sys.argv[2]
source = json.load(open("data/wind/linear_orders_raw.json", encoding="utf-8"))
records, fields = source["result"]["records"], source["result"]["fields"]
with open(out, "w", encoding="utf-8") as file:
    file.write('{\n    "help": %s,\n    "success": true,\n    "result": {\n        "records": [\n' % json.dumps(source["help"]))
    written, n = 0, 0
    while written < size:
        record = dict(records[n % len(records)], _id=n + 1, OrderPeriodID=str(100000000000000 + n), TradeID=str(100000000000000 + n))
        text = ("" if n == 0 else ",\n") + "\n".join("            " + line for line in json.dumps(record, indent=4).split("\n"))
        file.write(text)
        written += len(text)
        n += 1
    file.write("\n        ],\n        \"fields\": %s,\n        \"sql\": %s\n    }\n}\n" % (json.dumps(fields), json.dumps(source["result"]["sql"])))
print(n)
