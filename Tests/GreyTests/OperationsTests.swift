import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Testing
import Yams

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml`.
@Suite struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        try await TestApp.make().test { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            #expect((try await client.send(.head, "/healthz")).status == .ok)

            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect((ready.json["checks"] as? [String: String]) == ["database": "ok", "storage": "ok"])
        }
    }

    @Test func readinessFailsWithoutStorage() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            // The storage goes away while the server runs.
            try FileManager.default.removeItem(atPath: app.configuration.blobDirectory)
            let response = try await client.send(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["code"] as? String == "not_ready")
            #expect(response.json["storage"] as? String == "unwritable")
            #expect(response.json["database"] as? String == "ok")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestApp.make().test { client in
            _ = try await client.send(.get, "/healthz")
            _ = try await client.send(.get, "/v1/users/usr_01a2038c690c7f26b227ab5bb08037d4")
            _ = try await client.send(.get, "/nowhere/\(UUID())")
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"grey_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains(#"grey_http_requests_total{route="/v1/users/{userId}",method="GET",status="401"} 1"#))
            #expect(text.contains(#"grey_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
            #expect(text.contains(#"grey_http_request_duration_seconds_bucket{route="/healthz",method="GET",status="200",le="+Inf"} 1"#))
            // Raw paths never become labels.
            #expect(!text.contains("nowhere"))
            // The job queue, by state.
            #expect(text.contains(#"grey_jobs_in_state{state="queued"} 0"#))
            #expect(text.contains(#"grey_jobs_in_state{state="dead"} 0"#))
        }
    }

    @Test func openAPIDescribesEveryRoute() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            let document = try #require(try Yams.load(yaml: response.text) as? [String: Any])
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            for (path, method) in app.catalogue.entries {
                let operations = paths[path] as? [String: Any]
                #expect(operations?[method.rawValue.lowercased()] != nil, "openapi.yaml lacks \(method.rawValue) \(path)")
            }
        }
    }
}
