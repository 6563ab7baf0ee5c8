import Validation

extension Dataset {
    /// GB wind forecasts (BMRS, half-hourly, deliberately dirty) and Dynamic Containment linear orders (a CKAN
    /// response of the system operator's portal). Both are loaded as delivered into raw tables, every value
    /// as text with its line (and the order's position); sql/transforms/wind/ then assesses, cleans, imputes
    /// and joins them with set-based SQL, so every stage can be read in psql.
    public static let wind = Dataset(
        name: "wind",
        summary: "GB wind forecasts (CSV) and Dynamic Containment orders (JSON): raw, quality, cleaned, imputed, joined",
        inputs: [Wind.forecasts, Wind.orders],
        replacement: .everything(tables: Wind.tables.map { "wind.\($0)" }))
}

enum Wind {
    /// Everything the load replaces, children before parents.
    static let tables = [
        "quality", "half_hours", "order_steps", "order_periods", "orders",
        "forecast_raw", "orders_raw",
    ]

    /// The CSV's header, in file order, and the raw table's columns for them. The header ends with a comma:
    /// a 13th column without a name, which is sometimes filled (an EFA shifted one column right).
    static let forecastColumns: [(file: String, table: String)] = [
        ("Column1", "column1"), ("recordType", "record_type"), ("startTimeOfHalfHrPeriod", "start_time_of_half_hr_period"),
        ("settlementPeriod", "settlement_period"),
        ("initialForecastPublishingPeriodCommencingTime", "initial_forecast_publishing_period_commencing_time"),
        ("initialForecastSpnGeneration", "initial_forecast_spn_generation"),
        ("latestForecastPublishingPeriodCommencingTime", "latest_forecast_publishing_period_commencing_time"),
        ("latestForecastSpnGeneration", "latest_forecast_spn_generation"),
        ("outTurnPublishingPeriodCommencingTime", "out_turn_publishing_period_commencing_time"),
        ("fuelTypeGeneration", "fuel_type_generation"), ("activeFlag", "active_flag"), ("EFA", "efa"), ("", "unnamed_13"),
    ]

    static let forecasts = DatasetInput(
        name: "wind_forecasts", defaultFile: "wind/bmrs_wind_forecast_pair.csv", format: .csvWithHeader,
        columns: forecastColumns.map { Column($0.file, .rawText) }, uniqueKeys: [], copyTable: ("wind", "forecast_raw"),
        copyColumns: forecastColumns.map(\.table) + ["line"], before: [], after: [.transform("wind/forecasts.sql")])

    /// The keys of each record of `result.records`, and the raw table's columns for them; `_id` is the
    /// portal's row number, a JSON number, every other value a string.
    static let orderColumns: [(key: String, table: String)] = [
        ("_id", "portal_id"), ("_full_text", "full_text"), ("MarketName", "market_name"),
        ("BiddingLevelName", "bidding_level_name"), ("MemberName", "member_name"), ("OrderID", "order_id"),
        ("Portfolio", "portfolio"), ("OrderEntryTime", "order_entry_time"), ("OrderEntryUser", "order_entry_user"),
        ("SettlementCurrency", "settlement_currency"), ("OrderPeriodID", "order_period_id"), ("TradeID", "trade_id"),
        ("EFA", "efa"), ("DeliveryStart", "delivery_start"), ("DeliveryEnd", "delivery_end"),
        ("ExecutedVolume", "executed_volume"), ("1P", "p1"), ("1V", "v1"), ("2P", "p2"), ("2V", "v2"),
        ("3P", "p3"), ("3V", "v3"), ("4P", "p4"), ("4V", "v4"),
    ]

    static let orders = DatasetInput(
        name: "wind_orders", defaultFile: "wind/linear_orders_raw.json",
        format: .jsonRecords(path: ["result", "records"], numbers: ["_id"]),
        columns: orderColumns.map { Column($0.key, .rawText, nullable: true) }, uniqueKeys: [],
        copyTable: ("wind", "orders_raw"), copyColumns: orderColumns.map(\.table) + ["line", "position"],
        before: [], after: [.transform("wind/orders.sql")])
}
