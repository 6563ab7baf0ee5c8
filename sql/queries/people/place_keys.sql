-- A place of birth is a city name: each city with the place it names and where that place is, for the
-- message when a city names several places.
SELECT p.city, p.place_id::text, k.name || ', ' || c.name
FROM people.places p
JOIN people.counties k USING (county_id)
JOIN people.countries c USING (country_id)
ORDER BY p.place_id
