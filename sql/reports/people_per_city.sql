-- People born in each place, places nobody was born in included, largest first.
SELECT pl.city,
       k.name AS county,
       c.name AS country,
       count(p.person_id) AS people
FROM people.places pl
JOIN people.counties k ON k.county_id = pl.county_id
JOIN people.countries c ON c.country_id = k.country_id
LEFT JOIN people.people p ON p.place_of_birth_id = pl.place_id
GROUP BY pl.place_id, pl.city, k.name, c.name
ORDER BY people DESC, city, county;
