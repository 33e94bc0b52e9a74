public import HTTPTypes
import Synchronization

/// The paths the router serves and their methods, kept so a known path with the wrong
/// method is answered 405 with `Allow` rather than 404.
public final class RouteCatalogue: Sendable {
    private let routes = Mutex<[(path: String, segments: [Substring], method: HTTPRequest.Method)]>([])

    public init() {}

    /// Notes a route; `path` uses `{name}` or `:name` for parameters.
    public func record(_ path: String, method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        routes.withLock { $0.append((path, segments, method)) }
    }

    /// Every recorded route, in the order they were added.
    public var entries: [(path: String, method: HTTPRequest.Method)] {
        routes.withLock { $0.map { ($0.path, $0.method) } }
    }

    /// The methods the router accepts for this concrete path (HEAD wherever GET is).
    ///
    /// The router prefers a literal segment to a parameter, segment by segment, and does not
    /// fall back: `/v1/transactions/fund` is the POST-only route, never
    /// `/v1/transactions/{transactionId}`. So only the routes of the most literal pattern
    /// that matches count.
    public func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let requested = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        routes.withLock { routes in
            let matching = routes.filter { Self.matches($0.segments, requested) }
            guard let chosen = matching.map({ Self.literalness($0.segments) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return }
            for route in matching where Self.literalness(route.segments) == chosen && !methods.contains(route.method) {
                methods.append(route.method)
            }
        }
        if methods.contains(.get), !methods.contains(.head) { methods.append(.head) }
        return methods
    }

    /// 1 for each literal segment of a pattern, 0 for each parameter.
    private static func literalness(_ pattern: [Substring]) -> [Int] {
        pattern.map { isParameter($0) ? 0 : 1 }
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}"))
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { expected, actual in isParameter(expected) || expected == actual }
    }
}

import Hummingbird

extension RouterMethods {
    /// Adds a route and notes it in `catalogue`. Routes are registered with their full
    /// path (groups carry no prefix), so the catalogue sees the same paths as the router.
    @discardableResult
    func route(
        _ method: HTTPRequest.Method, _ path: String, in catalogue: RouteCatalogue,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        catalogue.record(path, method: method)
        return on(RouterPath(path), method: method, use: handler)
    }

    /// Adds a read at `path` for GET and HEAD alike (HEAD answers as GET would, without
    /// the bytes: the handler sees the method).
    func readRoute(
        _ path: String, in catalogue: RouteCatalogue,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) {
        for method in [HTTPRequest.Method.get, .head] {
            route(method, path, in: catalogue, use: handler)
        }
    }
}
