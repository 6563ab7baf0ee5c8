-- Wind per ISO week: forecast against outturn (mean, min, max, MAE, bias), executed volume per market, coverage, share imputed
SELECT * FROM wind.weekly ORDER BY week;
