import Foundation
import Logging
import NIOHTTP1
import Origin

/// What the middleware and Hummingbird do around every answer, done by a connection's
/// handlers that answer below the router (``DirectReadHandler``, ``DirectPostingHandler``):
/// the fields added to the answer, its metrics and its access-log line. One per
/// connection, which keeps the `Date` text and the metric series it asked for.
struct DirectAnswerBookkeeping {
    private var second: Int64 = 0
    private var date = ""
    /// The metric series this connection's answers went to: a connection asks for the same
    /// few again and again, and the shared table behind them takes a lock.
    private var series: [(route: String, method: HTTPMethod, status: Int, recorder: RequestSeriesRecorder)] = []

    /// Whether the router may be bypassed for `head` at all: HTTP/1.1, and none of the
    /// fields with which the router's loop ends or changes the connection (`Connection`;
    /// `keep-alive` is HTTP/1.1's default), waits for a go-ahead (`Expect`) or shapes the
    /// answer (`Origin`, for CORS).
    static func leavesConnectionAlone(_ head: HTTPRequestHead) -> Bool {
        guard head.version == .http1_1, !head.headers.contains(name: "expect"), !head.headers.contains(name: "origin") else { return false }
        return head.headers["connection"].allSatisfy { $0.trimmingCharacters(in: .whitespaces).lowercased() == "keep-alive" }
    }

    /// The request id the answer carries: the client's when it is sane, else a new one.
    static func requestID(of head: HTTPRequestHead) -> String {
        RequestLogMiddleware.acceptedID(head.headers.first(name: "x-request-id")) ?? RequestLogMiddleware.makeID()
    }

    /// Adds `X-Request-Id`, `Date` (formatted once a second) and `Server`.
    mutating func addFields(to headers: inout HTTPHeaders, requestID: String, serverName: String?) {
        headers.add(name: "X-Request-Id", value: requestID)
        let now = Int64(Date().timeIntervalSince1970)
        if now != second { (second, date) = (now, HTTPDate.format(now)) }
        headers.add(name: "Date", value: date)
        if let serverName { headers.add(name: "Server", value: serverName) }
    }

    /// Records the answer's duration in its metric series and writes its access-log line
    /// when `logsRequests`.
    mutating func record(
        method: HTTPMethod, route: String, path: String, status: Int, elapsed: Duration, requestID: String,
        metrics: HTTPMetrics, logger: Logger, logsRequests: Bool, tenant: String? = nil, keyID: String? = nil
    ) {
        recorder(route: route, method: method, status: status, metrics: metrics).record(elapsed)
        guard logsRequests else { return }
        var logger = logger
        logger[metadataKey: "request_id"] = .string(requestID)
        RequestLogMiddleware.log(logger, method: method.rawValue, route: route, path: path, status: status, elapsed: elapsed, tenant: tenant, keyID: keyID)
    }

    private mutating func recorder(route: String, method: HTTPMethod, status: Int, metrics: HTTPMetrics) -> RequestSeriesRecorder {
        if let known = series.first(where: { $0.status == status && $0.method == method && $0.route == route }) { return known.recorder }
        let made = metrics.series(route: route, method: method.rawValue, status: status)
        series.append((route, method, status, made))
        return made
    }
}
