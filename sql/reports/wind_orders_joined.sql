-- Each half-hour's wind forecasts and outturn with the Dynamic Containment order periods it falls in (DCL, DCH) and 6-hour rolling medians
SELECT j.starts_at, j.settlement_date, j.settlement_period, j.efa,
       j.initial_forecast_mw, j.latest_forecast_mw, j.outturn_mw, j.imputed,
       f.initial_forecast_median_6h,
       j.dcl_order_period_id, j.dcl_executed_volume_mw, j.dcl_bid_volume_mw, j.dcl_limit_price_gbp_per_mw_h, dcl.executed_volume_median_6h AS dcl_executed_volume_median_6h,
       j.dch_order_period_id, j.dch_executed_volume_mw, j.dch_bid_volume_mw, j.dch_limit_price_gbp_per_mw_h, dch.executed_volume_median_6h AS dch_executed_volume_median_6h
FROM wind.orders_joined j
JOIN wind.forecast_features f USING (starts_at)
LEFT JOIN wind.volume_features dcl ON dcl.market = 'DCL' AND dcl.delivery_start = (SELECT delivery_start FROM wind.order_periods WHERE order_period_id = j.dcl_order_period_id)
LEFT JOIN wind.volume_features dch ON dch.market = 'DCH' AND dch.delivery_start = (SELECT delivery_start FROM wind.order_periods WHERE order_period_id = j.dch_order_period_id)
ORDER BY j.starts_at;
