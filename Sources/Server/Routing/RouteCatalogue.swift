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

    /// The methods some route accepts for this concrete path (HEAD wherever GET is).
    public func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let requested = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        routes.withLock { routes in
            for route in routes where Self.matches(route.segments, requested) && !methods.contains(route.method) {
                methods.append(route.method)
            }
        }
        if methods.contains(.get), !methods.contains(.head) { methods.append(.head) }
        return methods
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { expected, actual in
            expected.hasPrefix(":") || (expected.hasPrefix("{") && expected.hasSuffix("}")) || expected == actual
        }
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
