-- places.csv as read, before it is normalised.
CREATE TEMP TABLE places_stage (city text, county text, country text, source_line int) ON COMMIT DROP;
