import Prometheus

/// The service's Prometheus metrics: requests by route and status, latency by route, predictions by model
/// and version, reloads and models loaded.
public final class ServeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "pgpipe", subsystem: "serve", metricName: metric, unitName: unit, helpText: help)
    }
    static var requests: MetricNameDescriptor { name("requests", "total", "HTTP requests by route template and status") }
    static var latency: MetricNameDescriptor { name("request_duration", "seconds", "HTTP request latency by route template") }
    static var predictions: MetricNameDescriptor { name("predictions", "total", "Records predicted, by model and version") }
    static var reloads: MetricNameDescriptor { name("reloads", "total", "Times the models were read from ml.models") }
    static var loaded: MetricNameDescriptor { name("loaded", "models", "Model versions being served") }
    static var recorded: MetricNameDescriptor { name("predictions_recorded", "total", "Served predictions written to ml.served_predictions") }
    static var journalFailures: MetricNameDescriptor { name("journal_write_failures", "total", "Served predictions serve could not append to its --journal (the disk full, say): recorded only from memory") }
    static var dropped: MetricNameDescriptor { name("predictions_dropped", "total", "Served predictions not recorded: the queue was full while the database could not be written, or the database refused the entry (the log says why)") }

    public init() {}

    func request(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    func predicted(model: String, version: Int, count: Int) {
        registry.makeCounter(descriptor: Self.predictions, labels: [("model", model), ("version", String(version))])
            .increment(by: Int64(count))
    }

    public func reloaded(models: Int) {
        registry.makeCounter(descriptor: Self.reloads).increment()
        registry.makeGauge(descriptor: Self.loaded).record(Int64(models))
    }

    func recorded(_ count: Int) {
        registry.makeCounter(descriptor: Self.recorded).increment(by: Int64(count))
    }

    func journalFailed(_ count: Int) {
        registry.makeCounter(descriptor: Self.journalFailures).increment(by: Int64(count))
    }

    func dropped(_ count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: Self.dropped).increment(by: Int64(count))
    }

    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
