import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Ingest
import Origin
import Storage

/// A signed read answered on its connection, below the router (``DirectReadHandler``):
/// the response's head, its body when it is small enough to be held in memory, else the
/// private field that names the file to send, and the route it stands for in the log and
/// the metrics.
struct DirectAnswer: Sendable {
    var status: HTTPResponse.Status
    /// In NIO's form: the answer is written below Hummingbird's codec.
    var headers: HTTPHeaders
    var body: ByteBuffer?
    /// Whether `headers` name a file for ``FileRegionSender`` to send.
    var sendsFile = false
    let route: String
}

/// A signed read URL whose signature this process has checked, with what it reads: the
/// same URL is typically read many times (a player's range requests, a page shown again,
/// an edge filling its slices), and a URL's signature and target never change, so
/// checking it again is wasted work. Only the exact text that verified is remembered, and
/// its expiry is checked on every use.
struct VerifiedRead: Sendable {
    let tenantID: UUID
    let fileID: UUID
    /// The Unix second the URL stops being valid.
    let expires: Int64
    let route: String
    let target: ReadTarget
    /// The fields of the plain answer (a GET or HEAD with no range and no condition).
    let plainHeaders: HTTPHeaders
    let representation: Representation
}

extension SignedReads {
    /// The answer to a signed read that needs nothing but memory: a GET or HEAD of a file's
    /// bytes or a preview, whose signature holds, whose file is in the ready-file cache and
    /// whose blob is open in ``openFiles``. Nil whenever the router is to answer: every
    /// refusal (it words the problem), a file or blob not yet cached (it loads them), a
    /// multipart answer or one without sendable file (it streams them).
    ///
    /// - Parameters:
    ///   - target: the request's path and query, as sent.
    ///   - request: whether it is a HEAD (else a GET), and the fields a read depends on.
    func directAnswer(target: String, request: ReadRequest) -> DirectAnswer? {
        guard let fileRegions else { return nil }
        // One reading of each clock for every lookup below.
        let now = Int64(Date().timeIntervalSince1970), instant = ContinuousClock.now
        guard let read = verifiedLinks.value(for: target, now: instant) ?? verifyLink(target), read.expires > now,
              cache.contains(tenantID: read.tenantID, id: read.fileID, now: instant)
        else { return nil }
        let isHead = request.isHead
        let plain = request.range == nil && request.ifMatch == nil && request.ifNoneMatch == nil && request.ifModifiedSince == nil
            && request.ifUnmodifiedSince == nil
        var status = HTTPResponse.Status.ok
        var answer = read.plainHeaders
        var body = isHead ? ReadPlan.Body.none : .whole
        var bytes: ByteBuffer?
        var sendsFile = false
        if !plain {
            let plan = ReadPlan(request, for: read.representation, boundary: read.target.digest.hex)
            (status, answer, body) = (HTTPResponse.Status(code: plan.status), Self.headers(Self.fields(of: plan, target: read.target)), plan.body)
        }
        switch body {
        case .none:
            // As Hummingbird does for an empty body (a 304, a 416).
            if !answer.contains(name: "content-length") { answer.add(name: "Content-Length", value: "0") }
        case .whole, .range:
            guard let open = openFiles.cached(read.target.digest, now: instant) else { return nil }
            let wanted = if case .range(let range) = body { range.lowerBound..<(range.upperBound + 1) } else { 0..<open.size }
            guard wanted.upperBound <= open.size else { return nil }
            if let small = openFiles.smallBlob(read.target.digest, in: open, now: instant) {
                bytes = small.getSlice(at: Int(wanted.lowerBound), length: Int(wanted.count))
            } else {
                answer.add(name: FileRegionHandoff.fieldName, value: fileRegions.register(open, range: wanted))
                sendsFile = true
            }
        case .multipart:
            return nil
        }
        if !isHead, read.target.notesRead, status == .ok || status == .partialContent { recordRead(tenantID: read.tenantID, id: read.fileID, now: instant) }
        return DirectAnswer(status: status, headers: answer, body: bytes, sendsFile: sendsFile, route: read.route)
    }

    /// Fields in NIO's form.
    static func headers(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count + 4)
        for field in fields { headers.add(name: field.name.rawName, value: field.value) }
        return headers
    }

    /// Checks a request target (path and query) that names a file's bytes or a preview,
    /// and remembers it when it holds and its file is in the ready-file cache.
    private func verifyLink(_ target: String) -> VerifiedRead? {
        let query = target.firstIndex(of: "?")
        let path = target[..<(query ?? target.endIndex)]
        guard !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1" else { return nil }
        let fileID = String(parts[3]), name = String(parts[4])
        let isContent: Bool
        switch (parts[2], name) {
        case ("files", "content"): isContent = true
        case ("previews", _): isContent = false
        default: return nil
        }
        let signedPath = isContent ? ContentController.path(fileID: fileID) : PreviewsController.path(fileID: fileID, name: name)
        let queryText = query.map { String(target[target.index(after: $0)...]) }
        guard let (values, expires) = try? links.verifyWithExpiry(
                path: signedPath, query: queryText, expected: isContent ? OriginLinks.contentNames : OriginLinks.previewNames
              ),
              let (tenantID, id) = Self.fileKey(values: values, fileID: fileID), let file = cache.cached(tenantID: tenantID, id: id),
              let read = isContent ? ContentController.target(of: file, values: values) : PreviewsController.target(of: file, name: name)
        else { return nil }
        let representation = Self.representation(of: file, target: read)
        let plan = ReadPlan(ReadRequest(), for: representation, boundary: read.digest.hex)
        let verified = VerifiedRead(
            tenantID: tenantID, fileID: id, expires: expires,
            route: isContent ? "/v1/files/{fileId}/content" : "/v1/previews/{fileId}/{name}", target: read,
            plainHeaders: Self.headers(Self.fields(of: plan, target: read)), representation: representation
        )
        verifiedLinks.insert(verified, for: target)
        return verified
    }
}
