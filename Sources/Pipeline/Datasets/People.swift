extension Dataset {
    /// People and the places they were born: places.csv (city, county, country) normalised into countries,
    /// counties and places; people.csv with each place of birth resolved to one place.
    public static let people = Dataset(
        name: "people",
        summary: "people and places: places.csv then people.csv",
        inputs: [
            Input(
                name: "places",
                defaultFile: "places.csv",
                format: .csvWithHeader,
                columns: [Column("city", .text), Column("county", .text), Column("country", .text)],
                uniqueKey: ["city", "county", "country"],
                copyTable: "pg_temp.places_stage",
                copyColumns: ["city", "county", "country", "source_line"],
                before: """
                    CREATE TEMP TABLE places_stage (city text, county text, country text, source_line int)
                        ON COMMIT DROP
                    """,
                after: """
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
                    ORDER BY s.source_line
                    """),
            Input(
                name: "people",
                defaultFile: "people.csv",
                format: .csvWithHeader,
                columns: [
                    Column("given_name", .text), Column("family_name", .text),
                    Column("date_of_birth", .pastDate), Column("place_of_birth", .reference(.place)),
                ],
                uniqueKey: [],
                copyTable: "people.people",
                copyColumns: ["given_name", "family_name", "date_of_birth", "place_of_birth_id", "source_line"],
                before: nil,
                after: nil),
        ],
        replacement: .everything(tables: ["people.people", "people.places", "people.counties", "people.countries"]))
}

extension Reference {
    /// A place of birth is a city name; the same city in two counties is ambiguous.
    static let place = Reference(
        noun: "place",
        query: """
            SELECT p.city, p.place_id::text, k.name || ', ' || c.name
            FROM people.places p
            JOIN people.counties k USING (county_id)
            JOIN people.countries c USING (country_id)
            ORDER BY p.place_id
            """)
}
