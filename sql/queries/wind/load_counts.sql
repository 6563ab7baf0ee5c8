-- What a wind load made: half-hours, those with imputed values, order periods and quality findings.
SELECT (SELECT count(*) FROM wind.half_hours), (SELECT count(*) FROM wind.half_hours WHERE imputed),
       (SELECT count(*) FROM wind.order_periods), (SELECT count(*) FROM wind.quality)
