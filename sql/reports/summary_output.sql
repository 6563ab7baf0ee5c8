-- People born in each country, largest first: {"country": people, ...}
-- format: object
SELECT c.name AS country, count(*) AS people
FROM people.people p
JOIN people.places pl ON pl.place_id = p.place_of_birth_id
JOIN people.counties k ON k.county_id = pl.county_id
JOIN people.countries c ON c.country_id = k.country_id
GROUP BY c.name
ORDER BY people DESC, country;
