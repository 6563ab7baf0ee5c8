-- The staged places become countries, counties and places, each numbered in order of first appearance.
INSERT INTO people.countries (name)
SELECT country FROM places_stage GROUP BY country ORDER BY min(source_line);

INSERT INTO people.counties (country_id, name)
SELECT c.country_id, s.county
FROM places_stage s JOIN people.countries c ON c.name = s.country
GROUP BY c.country_id, s.county ORDER BY min(s.source_line);

INSERT INTO people.places (county_id, city, source_line)
SELECT k.county_id, s.city, s.source_line
FROM places_stage s
JOIN people.countries c ON c.name = s.country
JOIN people.counties k ON k.country_id = c.country_id AND k.name = s.county
ORDER BY s.source_line;
