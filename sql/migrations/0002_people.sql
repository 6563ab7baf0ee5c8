-- People and the places they were born, normalised: a country has counties, a county has places (cities),
-- a person was born in one place.
CREATE SCHEMA people;
COMMENT ON SCHEMA people IS 'People and places, loaded by `ingest load people` from places.csv and people.csv.';

CREATE TABLE people.countries (
    country_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name <> '')
);
COMMENT ON TABLE people.countries IS 'Countries named in places.csv, numbered in order of first appearance.';

CREATE TABLE people.counties (
    county_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country_id integer NOT NULL REFERENCES people.countries,
    name text NOT NULL CHECK (name <> ''),
    UNIQUE (country_id, name)
);
COMMENT ON TABLE people.counties IS 'Counties of each country, from places.csv.';

CREATE TABLE people.places (
    place_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_id integer NOT NULL REFERENCES people.counties,
    city text NOT NULL CHECK (city <> ''),
    source_line integer NOT NULL CHECK (source_line >= 1),
    UNIQUE (county_id, city)
);
CREATE INDEX places_city_idx ON people.places (city);
COMMENT ON TABLE people.places IS 'Places (cities) of birth, one per row of places.csv.';
COMMENT ON COLUMN people.places.city IS 'The city name as written in places.csv, byte for byte; people.csv refers to places by it.';
COMMENT ON COLUMN people.places.source_line IS 'Line of places.csv the place was loaded from.';

CREATE TABLE people.people (
    person_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    given_name text NOT NULL CHECK (given_name <> ''),
    family_name text NOT NULL CHECK (family_name <> ''),
    date_of_birth date NOT NULL CHECK (date_of_birth <= CURRENT_DATE),
    place_of_birth_id integer NOT NULL REFERENCES people.places,
    source_line bigint NOT NULL CHECK (source_line >= 1)
);
CREATE INDEX people_place_of_birth_idx ON people.people (place_of_birth_id);
COMMENT ON TABLE people.people IS 'People from people.csv, each born in one known place.';
COMMENT ON COLUMN people.people.given_name IS 'Given name, UTF-8, stored exactly as in the file.';
COMMENT ON COLUMN people.people.family_name IS 'Family name, UTF-8, stored exactly as in the file.';
COMMENT ON COLUMN people.people.date_of_birth IS 'A real calendar date, never in the future.';
COMMENT ON COLUMN people.people.place_of_birth_id IS 'The place named by the place_of_birth column of people.csv (a city name naming exactly one place).';
COMMENT ON COLUMN people.people.source_line IS 'Line of people.csv the person was loaded from.';

CREATE VIEW people.people_born AS
SELECT p.person_id, p.given_name, p.family_name, p.date_of_birth,
       pl.city, k.name AS county, c.name AS country
FROM people.people p
JOIN people.places pl ON pl.place_id = p.place_of_birth_id
JOIN people.counties k ON k.county_id = pl.county_id
JOIN people.countries c ON c.country_id = k.country_id;
COMMENT ON VIEW people.people_born IS 'Each person with the city, county and country of birth spelled out: the easy table to query from psql.';
