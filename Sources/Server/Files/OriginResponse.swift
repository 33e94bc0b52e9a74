import HTTPTypes
import Hummingbird
import NIOCore
import Origin
import Storage

extension Response {
    /// Carries out a ``ReadPlan`` on the blob `digest`: its status, `fields` (the plan's
    /// with Cache-Control and the like), and the bytes it names, streamed
    /// from the store (a multipart answer part by part, never gathered in memory). The
    /// first chunk is read before the status is chosen, so a blob that is missing or fails
    /// its integrity check at its start is a problem answer, not a cut-off 200.
    ///
    /// With `fileRegions`, a whole blob or a single range that the store keeps as a plain
    /// local file is sent from that file with `sendfile(2)` (``FileRegionHandoff``), held
    /// open in `openFiles` for the next read.
    static func origin(
        _ plan: ReadPlan, digest: BlobDigest, blobs: any BlobStore, fields: HTTPFields, fileRegions: FileRegionHandoff? = nil,
        openFiles: OpenBlobFiles
    ) async throws -> Response {
        var headers = fields
        let status = HTTPResponse.Status(code: plan.status)
        switch plan.body {
        case .none:
            return Response(status: status, headers: headers)
        case .whole, .range:
            let wanted: Range<Int64>? = if case .range(let range) = plan.body { range.lowerBound..<(range.upperBound + 1) } else { nil }
            if let fileRegions, let name = try await sendingFile(digest, range: wanted, blobs: blobs, openFiles: openFiles, through: fileRegions) {
                headers[HTTPField.Name(FileRegionHandoff.fieldName)!] = name
                return Response(status: status, headers: headers, body: ResponseBody(contentLength: nil) { try await $0.finish(nil) })
            }
            let body = try await StartedRead(try await blobs.read(digest, range: wanted))
            return Response(status: status, headers: headers, body: body.responseBody)
        case .multipart(let parts, let closing):
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                for part in parts {
                    try await writer.write(ByteBuffer(string: part.header))
                    try await writer.write(try await blobs.read(digest, range: part.range.lowerBound..<(part.range.upperBound + 1)))
                }
                try await writer.write(ByteBuffer(string: closing))
                try await writer.finish(nil)
            })
        }
    }

    /// Registers `range` (all when nil) of the blob's local file with `fileRegions` and
    /// returns its name; nil when the store has no such file or the file is shorter than
    /// the range (the streamed read then answers, or reports the damage).
    private static func sendingFile(
        _ digest: BlobDigest, range: Range<Int64>?, blobs: any BlobStore, openFiles: OpenBlobFiles, through fileRegions: FileRegionHandoff
    ) async throws -> String? {
        guard let file = try await openFiles.file(digest, open: { try await blobs.openForSending(digest) }) else { return nil }
        let wanted = range ?? 0..<file.size
        guard wanted.lowerBound >= 0, wanted.upperBound <= file.size else { return nil }
        return fileRegions.register(file, range: wanted)
    }
}

extension ReadRequest {
    /// The fields of a request a read depends on.
    init(_ headers: HTTPFields, isHead: Bool) {
        self.init(
            isHead: isHead, range: headers[.range], ifMatch: Self.joined(headers[values: .ifMatch]),
            ifNoneMatch: Self.joined(headers[values: .ifNoneMatch]),
            ifModifiedSince: headers[.ifModifiedSince], ifUnmodifiedSince: headers[.ifUnmodifiedSince],
            ifRange: headers[.ifRange]
        )
    }

    /// A list field sent as several lines, read as one (RFC 9110 §5.3); nil when absent.
    static func joined(_ values: [String]) -> String? {
        values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

/// A blob read whose first chunk has arrived; the rest streams as the response is written.
private struct StartedRead: Sendable {
    private let chunks: BlobChunks
    private let first: ByteBuffer?

    init(_ stream: BlobReadStream) async throws {
        chunks = BlobChunks(stream)
        first = try await chunks.next()
    }

    var responseBody: ResponseBody {
        ResponseBody { [chunks, first] writer in
            if let first { try await writer.write(first) }
            while let chunk = try await chunks.next() { try await writer.write(chunk) }
            try await writer.finish(nil)
        }
    }
}
