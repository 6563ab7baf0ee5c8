-- People born in each county, with the county's share of its country's births, largest first.
SELECT c.name AS country,
       k.name AS county,
       count(p.person_id) AS people,
       round(100.0 * count(p.person_id) / nullif(sum(count(p.person_id)) OVER (PARTITION BY c.country_id), 0), 2)
           AS percent_of_country
FROM people.counties k
JOIN people.countries c ON c.country_id = k.country_id
JOIN people.places pl ON pl.county_id = k.county_id
LEFT JOIN people.people p ON p.place_of_birth_id = pl.place_id
GROUP BY c.country_id, c.name, k.name
ORDER BY people DESC, country, county;
