@testable import Server
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The HTTP conventions every route shares: problem+json errors, request ids, body limits.
@Suite struct ConventionsTests {
    @Test func unknownRouteIsProblem404() async throws {
        try await TestApp.make().test { client in
            let response = try await client.send(.get, "/no/such/route")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = response.json
            #expect(body["code"] as? String == "not_found")
            #expect(body["status"] as? Int == 404)
            #expect(body["type"] as? String == "urn:grey:problem:not_found")
            #expect(body["title"] as? String == "Not Found")
            #expect((body["detail"] as? String)?.isEmpty == false)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await TestApp.make().test { client in
            let response = try await client.send(.delete, "/healthz")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD")
            #expect(response.json["code"] as? String == "method_not_allowed")

            let parameterised = try await client.send(.put, "/v1/users/usr_123")
            #expect(parameterised.status == .methodNotAllowed)
            #expect(parameterised.headers[.allow] == "GET, HEAD")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let huge = "{\"externalId\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
            let response = try await client.send(.post, "/v1/users", key: key, json: huge)
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.json["code"] as? String == "too_large")
        }
    }

    @Test(arguments: [
        ("{\"externalId\":", "not valid JSON"),
        ("{}", "Missing field 'externalId'"),
        ("{\"externalId\": 7}", "'externalId' must be a string"),
        ("", "needs a JSON body"),
        (#"{"externalId":"a\u0000b"}"#, "NUL"),
    ])
    func malformedBodyIs400(body: String, detail: String) async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let response = try await client.send(.post, "/v1/users", key: key, json: body)
            #expect(response.status == .badRequest)
            #expect(response.json["code"] as? String == "invalid_request")
            #expect((response.json["detail"] as? String)?.contains(detail) == true)
        }
    }

    @Test func nonJSONBodyIs415() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let response = try await client.send(
                .post, "/v1/users", key: key, json: "externalId=a", headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(response.status == .unsupportedMediaType)
            #expect(response.json["code"] as? String == "unsupported_media_type")
        }
    }

    @Test func requestIDIsEchoedOrGenerated() async throws {
        try await TestApp.make().test { client in
            let given = try await client.send(.get, "/healthz", headers: [HTTPField.Name("X-Request-Id")!: "trace-42.a:b"])
            #expect(given.headers[HTTPField.Name("X-Request-Id")!] == "trace-42.a:b")

            let generated = try await client.send(.get, "/healthz")
            let id = try #require(generated.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id.count == 32)

            let hostile = try await client.send(.get, "/healthz", headers: [HTTPField.Name("X-Request-Id")!: "bad id\u{7f}<script>"])
            #expect(hostile.headers[HTTPField.Name("X-Request-Id")!] != "bad id\u{7f}<script>")

            let problem = try await client.send(.get, "/missing", headers: [HTTPField.Name("X-Request-Id")!: "req-1"])
            #expect(problem.json["requestId"] as? String == "req-1")
        }
    }

    @Test func corsAnswersConfiguredOriginsOnly() async throws {
        try await TestApp.make(corsOrigins: ["https://app.example"]).test { client in
            let preflight = try await client.send(
                .options, "/v1/users",
                headers: [.origin: "https://app.example", .accessControlRequestMethod: "POST"]
            )
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)

            let stranger = try await client.send(
                .options, "/v1/users",
                headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            )
            #expect(stranger.headers[.accessControlAllowOrigin] == nil)

            let simple = try await client.send(.get, "/healthz", headers: [.origin: "https://app.example"])
            #expect(simple.headers[.accessControlAllowOrigin] == "https://app.example")
            let unauthorized = try await client.send(.get, "/v1/users/x", headers: [.origin: "https://app.example"])
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.headers[.accessControlAllowOrigin] == "https://app.example")
        }
    }
}

/// Timestamps are formatted by hand on the hot path; they must read as Foundation's do.
@Suite struct TimestampFormatTests {
    @Test(arguments: [0.0, 1.5, 1_700_000_000.1234, 1_795_000_000.9994, 951_782_400.0, -1.25])
    func matchesFoundation(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let expected = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(rfc3339Milliseconds(date) == expected)
    }

    /// PostgreSQL keeps whole microseconds; a Double only approximates them (…122999 for
    /// .123). Such an instant prints its own millisecond however it reached a Date.
    @Test(arguments: [Int64(849_000_000_123_000), 849_000_000_999_000, 849_000_000_000_999, 1_000])
    func wholeMicrosecondsPrintTheirMillisecond(_ microsecondsSince2000: Int64) {
        let start2000 = Date(timeIntervalSince1970: 946_684_800)
        let asPostgresNIODecodes = Date(timeInterval: Double(microsecondsSince2000) / 1_000_000, since: start2000)
        let sinceEpoch = Date(timeIntervalSince1970: Double(microsecondsSince2000 + 946_684_800_000_000) / 1_000_000)
        let milliseconds = (microsecondsSince2000 % 1_000_000) / 1000
        let suffix = "." + String(repeating: "0", count: 3 - String(milliseconds).count) + String(milliseconds) + "Z"
        #expect(rfc3339Milliseconds(asPostgresNIODecodes).hasSuffix(suffix))
        #expect(rfc3339Milliseconds(asPostgresNIODecodes) == rfc3339Milliseconds(sinceEpoch))
    }
}
