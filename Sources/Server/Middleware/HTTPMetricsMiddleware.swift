public import Hummingbird

/// Records every request in ``HTTPMetrics`` once its final status is known.
public struct HTTPMetricsMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let metrics: HTTPMetrics

    public init(metrics: HTTPMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var status = 500
        defer {
            let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
            metrics.record(route: route, method: request.method.rawValue, status: status, duration: ContinuousClock.now - started)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
