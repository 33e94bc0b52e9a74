import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Tenancy
import Testing

/// Bearer keys: who may call, with which scopes, and what they may see.
@Suite struct AuthenticationTests {
    @Test(arguments: [nil, "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-key", "Bearer grey_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
    func missingOrInvalidKeyIs401(authorization: String?) async throws {
        try await TestApp.make().test { client in
            var headers: HTTPFields = [:]
            if let authorization { headers[.authorization] = authorization }
            let response = try await client.send(.get, "/v1/users/usr_01a2038c690c7f26b227ab5bb08037d4", headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(response.json["code"] as? String == "unauthorized")
        }
    }

    @Test func wrongSecretForARealKeyIs401() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        let middle = key.index(key.endIndex, offsetBy: -10)
        let tampered = key.replacingCharacters(in: middle...middle, with: key[middle] == "A" ? "B" : "A")
        try await app.test { client in
            let response = try await client.send(.get, "/v1/users/usr_01a2038c690c7f26b227ab5bb08037d4", key: tampered)
            #expect(response.status == .unauthorized)
        }
    }

    @Test func nonCanonicalSpellingOfARealKeyIs401() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        // The last base64url character carries two spare bits; flipping one keeps the bytes.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: key.last!)!
        let twin = String(key.dropLast()) + String(alphabet[last ^ 1])
        try await app.test { client in
            let response = try await client.send(.get, "/v1/users/usr_01a2038c690c7f26b227ab5bb08037d4", key: twin)
            #expect(response.status == .unauthorized)
        }
    }

    @Test func revokedKeyIs401() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let before = try await client.send(.post, "/v1/users", key: key, json: #"{"externalId":"u-1"}"#)
            #expect(before.status == .created)
            #expect(try await app.withKeyStore { try await $0.revoke(key) })
            let after = try await client.send(.post, "/v1/users", key: key, json: #"{"externalId":"u-2"}"#)
            #expect(after.status == .unauthorized)
            #expect(after.json["code"] as? String == "unauthorized")
        }
    }

    @Test func keyWithoutScopeIs403() async throws {
        let app = try await TestApp.make()
        let readOnly = try await app.makeKey(scopes: [.ledgerRead])
        try await app.test { client in
            let response = try await client.send(.post, "/v1/users", key: readOnly, json: #"{"externalId":"u-1"}"#)
            #expect(response.status == .forbidden)
            #expect(response.json["code"] as? String == "forbidden")
            #expect((response.json["detail"] as? String)?.contains("ledger:write") == true)
        }
    }

    @Test func tenantCannotReadAnotherTenantsObjects() async throws {
        let app = try await TestApp.make()
        let keyA = try await app.makeKey(tenant: "tenant-a")
        let keyB = try await app.makeKey(tenant: "tenant-b")
        try await app.test { client in
            let created = try await client.send(.post, "/v1/users", key: keyA, json: #"{"externalId":"shared-id","displayName":"Ada"}"#)
            #expect(created.status == .created)
            let userID = try #require(created.json["id"] as? String)
            #expect(userID.hasPrefix("usr_"))

            let own = try await client.send(.get, "/v1/users/\(userID)", key: keyA)
            #expect(own.status == .ok)
            #expect(own.json["displayName"] as? String == "Ada")

            let foreign = try await client.send(.get, "/v1/users/\(userID)", key: keyB)
            #expect(foreign.status == .notFound)
            #expect(foreign.json["code"] as? String == "not_found")

            // The same external id is free in another tenant, and taken in the same one.
            #expect((try await client.send(.post, "/v1/users", key: keyB, json: #"{"externalId":"shared-id"}"#)).status == .created)
            let duplicate = try await client.send(.post, "/v1/users", key: keyA, json: #"{"externalId":"shared-id"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["code"] as? String == "user_exists")
        }
    }

    @Test func malformedIdentifierIs404() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            for id in ["usr_", "usr_XYZ", "key_01a2038c690c7f26b227ab5bb08037d4", "usr_01A2038C690C7F26B227AB5BB08037D4"] {
                let response = try await client.send(.get, "/v1/users/\(id)", key: key)
                #expect(response.status == .notFound, "\(id)")
            }
        }
    }
}

/// The key store itself: what is stored, what authenticates.
@Suite struct APIKeyStoreTests {
    @Test func keysAuthenticateUntilRevoked() async throws {
        try await TestDatabase.withClient { client in
            let store = APIKeyStore(client: client, logger: TestDatabase.logger)
            let issued = try await store.create(tenantName: "acme", scopes: [.filesRead])
            let key = try #require(try await store.authenticate(bearer: issued.token))
            #expect(key.tenant.name == "acme")
            #expect(key.scopes == [.filesRead])

            // A second key joins the same tenant.
            let second = try await store.create(tenantName: "acme")
            #expect(second.key.tenant.id == issued.key.tenant.id)
            #expect(try await store.list(tenantName: "acme").count == 2)

            #expect(try await store.revoke(APIKeyStore.identifier.format(issued.key.id)))
            #expect(try await store.authenticate(bearer: issued.token) == nil)
            #expect(try await store.revoke(issued.token) == false)
            #expect(try await store.authenticate(bearer: second.token) != nil)
        }
    }

    @Test func cachedKeysAreForgottenWhenRevokedElsewhere() async throws {
        try await TestDatabase.withClient { client in
            let cache = APIKeyCache()
            let store = APIKeyStore(client: client, logger: TestDatabase.logger, cache: cache)
            let issued = try await store.create(tenantName: "cached")
            // Without a listener the cache stays off.
            #expect(try await store.authenticate(bearer: issued.token) != nil)
            #expect(cache.count == 0)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await APIKeyRevocationListener(client: client, cache: cache, logger: TestDatabase.logger).run() }
                let cached = try await eventually { try await store.authenticate(bearer: issued.token) != nil && cache.count == 1 }
                #expect(cached)
                // The cached key still needs its own secret.
                var forged = Array(issued.token)
                forged[forged.count - 10] = forged[forged.count - 10] == "A" ? "B" : "A"
                #expect(try await store.authenticate(bearer: String(forged)) == nil)

                // Revoked by hand in SQL, as an operator or another Grey process would.
                try await client.query("UPDATE api_keys SET revoked_at = now() WHERE id = \(issued.key.id)", logger: TestDatabase.logger)
                let refused = try await eventually { try await store.authenticate(bearer: issued.token) == nil }
                #expect(refused)
                #expect(cache.count == 0)
                group.cancelAll()
            }
        }
    }

    @Test func secretsAreNotStored() async throws {
        try await TestDatabase.withClient { client in
            let store = APIKeyStore(client: client, logger: TestDatabase.logger)
            let issued = try await store.create(tenantName: "acme")
            let secret = String(issued.token.split(separator: "_").last!)
            let rows = try await client.query("SELECT encode(secret_sha256, 'base64') FROM api_keys", logger: TestDatabase.logger)
            for try await stored in rows.decode(String.self) {
                #expect(!stored.contains(secret))
                #expect(stored.count == 44)
            }
        }
    }

    @Test(arguments: ["", "Acme Corp", "-leading", String(repeating: "a", count: 101), "naïve"])
    func invalidTenantNamesAreRefused(name: String) async throws {
        #expect(!Tenant.isValidName(name))
        try await TestDatabase.withClient { client in
            await #expect(throws: APIKeyStoreError.self) {
                try await APIKeyStore(client: client, logger: TestDatabase.logger).create(tenantName: name)
            }
        }
    }
}
