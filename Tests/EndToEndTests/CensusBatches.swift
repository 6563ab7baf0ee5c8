import TestSupport

/// Runs `ingest census FILE --batch-date DATE` against `database`, its rejects file going to `folder`.
func loadCensusBatch(
    _ file: String = "data/census/census_income_sample.csv", date: String, into database: ScratchDatabase,
    folder: TemporaryFolder, _ extra: [String] = []
) throws -> ToolRun {
    try runTool(
        "ingest", ["census", file, "--batch-date", date, "--data-dir", folder.path, "--quiet"] + extra,
        environment: database.environment)
}
