-- The census model's inputs for the batch in the setting pgpipe.batch, one row per person in file order:
-- source_line, age, then the categories in the file's spelling (as the model's one-hot feature names use it).
COPY (
    SELECT p.source_line, p.age, sex.spelling, marital_stat.spelling, education.spelling, tax_filer_stat.spelling
    FROM census.persons p
    LEFT JOIN census.sex ON sex.id = p.sex_id
    LEFT JOIN census.marital_stat ON marital_stat.id = p.marital_stat_id
    LEFT JOIN census.education ON education.id = p.education_id
    LEFT JOIN census.tax_filer_stat ON tax_filer_stat.id = p.tax_filer_stat_id
    WHERE p.batch_date = current_setting('pgpipe.batch')::date
    ORDER BY p.source_line
) TO STDOUT
