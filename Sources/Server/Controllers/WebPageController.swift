import HTTPTypes
import Foundation
import Hummingbird

/// The receipts web page: `index.html` at `/` and its scripts and styles at
/// `/web/{name}`, read once from the bundle's `web` folder. Every answer carries a strict
/// Content-Security-Policy (no inline script, nothing from another origin), `nosniff`,
/// and an ETag with `no-cache`, so a browser revalidates and gets 304 when unchanged.
///
/// The routes are not noted in the ``RouteCatalogue``: the catalogue lists the API that
/// `openapi.yaml` describes, and the page is not part of that contract.
struct WebPageController {
    /// One file of the page, ready to send.
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let entityTag: String
    }

    /// What the page may load: its own scripts, styles, API and signed URLs; previews may
    /// also be `data:`/`blob:` images; it may not be framed itself.
    static let contentSecurityPolicy = [
        "default-src 'self'", "img-src 'self' data: blob:", "media-src 'self'", "frame-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml", "ico": "image/x-icon", "png": "image/png",
    ]

    /// The files by name (`index.html`, `app.js`, …).
    let assets: [String: Asset]

    init(assets: [String: Asset] = Self.loadAssets()) {
        self.assets = assets
    }

    /// Registered in the catalogue like every route, so another method on them is a 405
    /// with `Allow: GET, HEAD`.
    func addRoutes(to router: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        router.route(.get, "/", in: catalogue) { request, _ in try respond(to: request, with: "index.html") }
        router.route(.get, "/web/{name}", in: catalogue) { request, context in
            try respond(to: request, with: context.parameters.get("name") ?? "")
        }
    }

    /// The named asset, or 304 when the client already holds it, or 404.
    func respond(to request: Request, with name: String) throws -> Response {
        guard let asset = assets[name] else { throw APIError.notFound("No such page file.") }
        var headers: HTTPFields = [
            .contentType: asset.contentType, .eTag: asset.entityTag, .cacheControl: "no-cache",
            .contentSecurityPolicy: Self.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Frame-Options")!: "DENY",
        ]
        let held = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
        if held.contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.entityTag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }

    /// Every file of the bundle's `web` folder whose extension has a known type.
    static func loadAssets() -> [String: Asset] {
        guard let folder = Bundle.module.url(forResource: "web", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var assets: [String: Asset] = [:]
        for name in names {
            let url = folder.appendingPathComponent(name)
            guard let type = contentTypes[url.pathExtension], let data = try? Data(contentsOf: url) else { continue }
            let bytes = Array(data)
            assets[name] = Asset(bytes: ByteBuffer(bytes: bytes), contentType: type, entityTag: entityTag(of: bytes))
        }
        return assets
    }

    /// A strong tag from the bytes' 64-bit FNV-1a hash and length: it only has to change
    /// when a file does (the files are ours, not an adversary's).
    static func entityTag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "-" + String(bytes.count, radix: 16) + "\""
    }
}
