-- Wind per settlement day: forecast against outturn (mean, min, max, MAE, bias), executed volume per market, coverage, share imputed
SELECT * FROM wind.daily ORDER BY day;
