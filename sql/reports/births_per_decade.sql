-- Births per decade and country, oldest decade first.
SELECT (extract(year FROM p.date_of_birth)::integer / 10) * 10 AS decade,
       c.name AS country,
       count(*) AS people
FROM people.people p
JOIN people.places pl ON pl.place_id = p.place_of_birth_id
JOIN people.counties k ON k.county_id = pl.county_id
JOIN people.countries c ON c.country_id = k.country_id
GROUP BY decade, c.name
ORDER BY decade, country;
