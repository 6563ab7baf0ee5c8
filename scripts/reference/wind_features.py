"""The wind features and aggregates, computed with pandas from the cleaned series alone (what `ingest wind` left
in wind.half_hours and wind.order_periods, exported as CSV), to be compared with the database's views within
1e-9: the 6-hour rolling medians (Series.rolling("6h").median(), a window (t - 6 h, t] over a time index) and
the daily and weekly aggregates.

usage (from the repository root; the first two files are written by the export below):
    psql -c "\\copy (SELECT extract(epoch FROM starts_at)::bigint AS starts_at, settlement_date, initial_forecast_mw,
                latest_forecast_mw, outturn_mw, j.imputed, h.source_line IS NOT NULL AS delivered,
                dcl_executed_volume_mw, dch_executed_volume_mw FROM wind.orders_joined j JOIN wind.half_hours h
                USING (starts_at) ORDER BY starts_at) TO 'Tests/Fixtures/wind_cleaned_half_hours.csv' CSV HEADER"
    psql -c "\\copy (SELECT market, extract(epoch FROM delivery_start)::bigint AS delivery_start, executed_volume_mw
                FROM wind.order_periods ORDER BY market, delivery_start) TO 'Tests/Fixtures/wind_cleaned_order_periods.csv' CSV HEADER"
    .build-tools/serve-peer/bin/python scripts/reference/wind_features.py Tests/Fixtures
writes wind_features_reference.csv, wind_volume_features_reference.csv, wind_daily_reference.csv and
wind_weekly_reference.csv in that folder.
"""
import sys

import pandas as pd

folder = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures"
h = pd.read_csv(f"{folder}/wind_cleaned_half_hours.csv")
h["time"] = pd.to_datetime(h["starts_at"], unit="s", utc=True)
o = pd.read_csv(f"{folder}/wind_cleaned_order_periods.csv")
o["time"] = pd.to_datetime(o["delivery_start"], unit="s", utc=True)

# rolling medians over (t - 6 h, t]; NaN values are skipped, a window with none gives NaN
forecast = h.set_index("time")["initial_forecast_mw"].rolling("6h").median()
pd.DataFrame({"starts_at": h["starts_at"], "initial_forecast_median_6h": forecast.values}).to_csv(
    f"{folder}/wind_features_reference.csv", index=False, float_format="%.17g")
volume = [group.set_index("time")["executed_volume_mw"].rolling("6h").median().values
          for _, group in o.groupby("market", sort=False)]
o["executed_volume_median_6h"] = pd.Series([v for values in volume for v in values], index=o.index)
o[["market", "delivery_start", "executed_volume_median_6h"]].to_csv(
    f"{folder}/wind_volume_features_reference.csv", index=False, float_format="%.17g")


def aggregate(frame):
    """The figures wind.daily and wind.weekly give for a group of half-hours."""
    both = frame.dropna(subset=["outturn_mw"])
    return pd.Series({
        "initial_forecast_mean_mw": frame["initial_forecast_mw"].mean(),
        "initial_forecast_min_mw": frame["initial_forecast_mw"].min(),
        "initial_forecast_max_mw": frame["initial_forecast_mw"].max(),
        "outturn_mean_mw": frame["outturn_mw"].mean(),
        "outturn_min_mw": frame["outturn_mw"].min(),
        "outturn_max_mw": frame["outturn_mw"].max(),
        "initial_forecast_mae_mw": (both["initial_forecast_mw"] - both["outturn_mw"]).abs().mean(),
        "initial_forecast_bias_mw": (both["initial_forecast_mw"] - both["outturn_mw"]).mean(),
        "latest_forecast_mae_mw": (both["latest_forecast_mw"] - both["outturn_mw"]).abs().mean(),
        "latest_forecast_bias_mw": (both["latest_forecast_mw"] - both["outturn_mw"]).mean(),
        "dcl_executed_volume_mean_mw": frame["dcl_executed_volume_mw"].mean(),
        "dch_executed_volume_mean_mw": frame["dch_executed_volume_mw"].mean(),
        "half_hours_delivered": int(frame["delivered"].sum()),
        "half_hours_with_outturn": int(frame["outturn_mw"].notna().sum()),
        "imputed_share": frame["imputed"].mean(),
    })


h["delivered"] = h["delivered"].map({"t": True, "f": False})
h["imputed"] = h["imputed"].map({"t": True, "f": False})
h.groupby("settlement_date").apply(aggregate, include_groups=False).reset_index().rename(
    columns={"settlement_date": "day"}).to_csv(f"{folder}/wind_daily_reference.csv", index=False, float_format="%.17g")
iso = pd.to_datetime(h["settlement_date"]).dt.isocalendar()
h["week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
h.groupby("week").apply(aggregate, include_groups=False).reset_index().to_csv(
    f"{folder}/wind_weekly_reference.csv", index=False, float_format="%.17g")
