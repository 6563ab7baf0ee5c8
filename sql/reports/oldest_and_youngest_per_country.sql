-- The oldest and the youngest person born in each country (earliest loaded first on a tie of birth dates).
WITH ranked AS (
    SELECT c.name AS country,
           p.given_name || ' ' || p.family_name AS name,
           p.date_of_birth,
           pl.city,
           row_number() OVER (PARTITION BY c.country_id ORDER BY p.date_of_birth, p.person_id) AS from_oldest,
           row_number() OVER (PARTITION BY c.country_id ORDER BY p.date_of_birth DESC, p.person_id) AS from_youngest
    FROM people.people p
    JOIN people.places pl ON pl.place_id = p.place_of_birth_id
    JOIN people.counties k ON k.county_id = pl.county_id
    JOIN people.countries c ON c.country_id = k.country_id
)
SELECT o.country,
       o.name AS oldest_name, o.date_of_birth AS oldest_born, o.city AS oldest_city,
       y.name AS youngest_name, y.date_of_birth AS youngest_born, y.city AS youngest_city
FROM ranked o
JOIN ranked y ON y.country = o.country AND y.from_youngest = 1
WHERE o.from_oldest = 1
ORDER BY o.country;
