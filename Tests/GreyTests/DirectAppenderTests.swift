import Foundation
import NIOCore
@testable import Storage
import Testing

/// Writes past the page cache: whatever the lengths of the pieces appended, the file holds
/// exactly their bytes, in order, whether or not the filesystem takes direct writes.
@Suite struct DirectAppenderTests {
    /// Piece lengths around the alignment and the buffer's size, and a piece larger than the buffer.
    static let pieceLengths = [
        0, 1, 4095, 4096, 4097, 3, DirectAppender.bufferSize - 1, DirectAppender.bufferSize, 1,
        DirectAppender.bufferSize * 2 + 4099, 12_345, 0, 7,
    ]

    /// Appends the pieces to a new file at `path` and returns what the file holds, and whether it was written directly.
    static func appendPieces(to path: String, direct: Bool, expectedSize: Int64?) throws -> (written: [UInt8], file: [UInt8], wasDirect: Bool) {
        let file = try PosixFile.createExclusive(path, direct: direct)
        let appender = DirectAppender(file: file, expectedSize: expectedSize)
        var written: [UInt8] = []
        for (index, length) in pieceLengths.enumerated() {
            let piece = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
            try appender.append(ByteBuffer(bytes: piece))
            written += piece
        }
        let wasDirect = appender.isDirect
        try appender.finish()
        try file.sync()
        return (written, Array(try Data(contentsOf: URL(fileURLWithPath: path))), wasDirect)
    }

    /// Also with a buffer sized for a smaller file than the one written (one block, or a few).
    @Test(arguments: [true, false], [nil, 1, 5000] as [Int64?])
    func theFileHoldsExactlyTheBytesAppended(direct: Bool, expectedSize: Int64?) async throws {
        let directory = try await TestDatabase.makeScratchDirectory("direct")
        let result = try Self.appendPieces(to: directory + "/staged", direct: direct, expectedSize: expectedSize)
        #expect(result.file.count == result.written.count)
        #expect(result.file == result.written)
        if !direct { #expect(!result.wasDirect) }
    }

    /// A file of a length that is a whole number of aligned blocks has no partial block to finish with.
    @Test func aFileOfWholeBlocksEndsWithoutAPartialWrite() async throws {
        let directory = try await TestDatabase.makeScratchDirectory("direct")
        let path = directory + "/whole"
        let file = try PosixFile.createExclusive(path, direct: true)
        let appender = DirectAppender(file: file)
        let bytes = (0..<(DirectAppender.alignment * 3)).map { UInt8(truncatingIfNeeded: $0 >> 3) }
        try appender.append(ByteBuffer(bytes: bytes))
        let stayedDirect = appender.isDirect
        try appender.finish()
        #expect(appender.isDirect == stayedDirect)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }

    /// A file that exists already is never opened, direct or not.
    @Test func anExistingFileIsRefused() async throws {
        let directory = try await TestDatabase.makeScratchDirectory("direct")
        let path = directory + "/taken"
        _ = try PosixFile.createExclusive(path, direct: true)
        #expect(throws: BlobStoreError.io(operation: "open", errno: EEXIST)) { _ = try PosixFile.createExclusive(path, direct: true) }
    }
}
