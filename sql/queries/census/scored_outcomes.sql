-- Each person's predicted probability from the model in the setting pgpipe.model and actual outcome, in file
-- order, from one batch's partitions :"predictions" and :"persons" (COPY takes no parameters: the tracker
-- sets the model with set_config).
COPY (
    SELECT pr.probability, p.income_over_50k
    FROM census.:"predictions" pr JOIN census.:"persons" p USING (batch_date, source_line)
    WHERE pr.model_id = current_setting('pgpipe.model')::integer
    ORDER BY pr.source_line
) TO STDOUT
