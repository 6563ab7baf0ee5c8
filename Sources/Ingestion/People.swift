import Validation

extension Dataset {
    /// People and the places they were born: places.csv (city, county, country) normalised into countries,
    /// counties and places; people.csv with each place of birth resolved to one place.
    public static let people = Dataset(
        name: "people",
        summary: "people and places: places.csv then people.csv",
        inputs: [
            DatasetInput(
                name: "places",
                defaultFile: "places.csv",
                format: .csvWithHeader,
                columns: ["city", "county", "country"].map { Column($0, .text, maxBytes: Column.indexedTextLimit) },
                uniqueKeys: [["city", "county", "country"]],
                copyTable: ("pg_temp", "places_stage"),
                copyColumns: ["city", "county", "country", "source_line"],
                before: [.transform("people/places_stage.sql")],
                after: [.transform("people/places_normalise.sql")]),
            DatasetInput(
                name: "people",
                defaultFile: "people.csv",
                format: .csvWithHeader,
                columns: [
                    Column("given_name", .text), Column("family_name", .text),
                    Column("date_of_birth", .pastDate), Column("place_of_birth", .reference(.place)),
                ],
                uniqueKeys: [],
                copyTable: ("people", "people"),
                copyColumns: ["given_name", "family_name", "date_of_birth", "place_of_birth_id", "source_line"],
                before: [],
                after: []),
        ],
        replacement: .everything(tables: ["people.people", "people.places", "people.counties", "people.countries"]))
}

extension Reference {
    /// A place of birth is a city name; the same city in two counties is ambiguous.
    static let place = Reference(noun: "place", query: "people/place_keys.sql")
}
