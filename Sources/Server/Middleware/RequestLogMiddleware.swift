import Database
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// Gives every request an id (from `X-Request-Id` when it is sane, else a new one), echoes
/// it, and writes one access-log line per request.
public struct RequestLogMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.acceptedID(request.headers[.requestID]) ?? Self.makeID()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ProblemMiddleware answers every error; anything here escaped it.
            response = APIError.unexpected.response(requestID: context.requestID)
        }
        response.headers[.requestID] = context.requestID
        Self.log(
            context.logger, method: request.method.rawValue, route: context.endpointPath ?? "unmatched", path: request.uri.path,
            status: response.status.code, elapsed: ContinuousClock.now - started, tenant: context.trace.tenant, keyID: context.trace.keyID
        )
        return response
    }

    /// The access-log line of one request (also written for reads answered on the
    /// connection, ``DirectReadHandler``); `logger` carries the request id.
    static func log(
        _ logger: Logger, method: String, route: String, path: String, status: Int, elapsed: Duration, tenant: String? = nil, keyID: String? = nil
    ) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "method": .string(method),
            "route": .string(route),
            "path": .string(path),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible(milliseconds(elapsed)),
        ]
        if let tenant { metadata["tenant"] = .string(tenant) }
        if let keyID { metadata["key_id"] = .string(keyID) }
        logger.info("request", metadata: metadata)
    }

    /// A duration in milliseconds, to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let exact = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return (exact * 1000).rounded() / 1000
    }

    /// A client's id is kept when it is 1-128 characters of `[A-Za-z0-9._:-]`.
    static func acceptedID(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
            })
        else { return nil }
        return value
    }

    /// A random (version 4) UUID as 32 hex digits.
    static func makeID() -> String {
        Identifier.hex(Identifier.makeRandomUUID())
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
