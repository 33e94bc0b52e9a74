public import Hummingbird
import Logging

/// Turns every error into an RFC 9457 problem: known refusals keep their status and
/// code, a path that exists under other methods is a 405, and anything unexpected is
/// logged in full and answered with a bare 500.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let routes: RouteCatalogue

    public init(routes: RouteCatalogue) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = APIError.answering(error, logger: context.logger)
            if problem.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound" {
                let allowed = routes.allowedMethods(forPath: request.uri.path)
                if !allowed.isEmpty { problem = .methodNotAllowed(request.method, allowed: allowed) }
            }
            return problem.response(requestID: context.requestID)
        }
    }
}
