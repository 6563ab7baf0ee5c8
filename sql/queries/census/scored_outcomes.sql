-- Each person's predicted probability from the model in the setting pgpipe.model and actual outcome, in the
-- batch in pgpipe.batch, in file order (COPY takes no parameters: the tracker sets both with set_config).
COPY (
    SELECT pr.probability, p.income_over_50k
    FROM census.predictions pr JOIN census.persons p USING (batch_date, source_line)
    WHERE pr.model_id = current_setting('pgpipe.model')::integer AND pr.batch_date = current_setting('pgpipe.batch')::date
    ORDER BY pr.source_line
) TO STDOUT
