import HTTPTypes
import Ingest
import Origin
import Storage

/// A signed read answered on its connection, below the router (``DirectReadHandler``):
/// the response's head, with the private field that names the file to send when it has
/// content, and the route it stands for in the log and the metrics.
struct DirectAnswer: Sendable {
    var response: HTTPResponse
    let route: String
}

extension SignedReads {
    /// The answer to a signed read that needs nothing but memory: a GET or HEAD of a file's
    /// bytes or a preview, whose signature holds, whose file is in the ready-file cache and
    /// whose blob is open in ``openFiles``. Nil whenever the router is to answer: every
    /// refusal (it words the problem), a file or blob not yet cached (it loads them), a
    /// multipart answer or one without sendable file (it streams them).
    func directAnswer(to request: HTTPRequest) -> DirectAnswer? {
        guard let fileRegions, request.method == .get || request.method == .head, let target = request.path,
              !target.utf8.contains(UInt8(ascii: "%"))
        else { return nil }
        let query = target.firstIndex(of: "?")
        let path = target[..<(query ?? target.endIndex)]
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1" else { return nil }
        let fileID = String(parts[3])
        let route: String, signedPath: String, names: Set<String>
        switch (parts[2], parts[4]) {
        case ("files", "content"):
            (route, signedPath, names) = ("/v1/files/{fileId}/content", ContentController.path(fileID: fileID), OriginLinks.contentNames)
        case ("previews", let name):
            (route, signedPath, names) = ("/v1/previews/{fileId}/{name}", PreviewsController.path(fileID: fileID, name: String(name)), OriginLinks.previewNames)
        default:
            return nil
        }
        guard let values = try? links.verify(path: signedPath, query: query.map { String(target[target.index(after: $0)...]) }, expected: names),
              let (tenantID, id) = Self.fileKey(values: values, fileID: fileID), let file = cache.cached(tenantID: tenantID, id: id),
              let read = parts[2] == "files" ? ContentController.target(of: file, values: values) : PreviewsController.target(of: file, name: String(parts[4]))
        else { return nil }

        let plan = Self.plan(ReadRequest(request.headerFields, isHead: request.method == .head), file: file, target: read)
        var fields = Self.fields(of: plan, target: read)
        switch plan.body {
        case .none:
            // As Hummingbird does for an empty body (a 304, a 416).
            if fields[.contentLength] == nil { fields[.contentLength] = "0" }
        case .whole, .range:
            guard let open = openFiles.cached(read.digest) else { return nil }
            let wanted = if case .range(let range) = plan.body { range.lowerBound..<(range.upperBound + 1) } else { 0..<open.size }
            guard wanted.upperBound <= open.size else { return nil }
            fields[HTTPField.Name(FileRegionHandoff.fieldName)!] = fileRegions.register(open, range: wanted)
        case .multipart:
            return nil
        }
        let status = HTTPResponse.Status(code: plan.status)
        if request.method == .get, read.notesRead, status == .ok || status == .partialContent { recordRead(of: file) }
        return DirectAnswer(response: HTTPResponse(status: status, headerFields: fields), route: route)
    }
}
