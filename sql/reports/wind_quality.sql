-- Data quality of the wind files: one row per column and check, how many rows it fires on, the first line, what the cleaning does
SELECT source, column_name, check_name, detail, rows, first_line, action
FROM wind.quality
ORDER BY source, column_name COLLATE "C", check_name COLLATE "C", detail COLLATE "C";
