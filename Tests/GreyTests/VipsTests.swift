import Foundation
import Preview
import Testing

/// libvips on the sample images: headers, thumbnails, and refusals of bad input.
@Suite struct VipsTests {
    @Test(arguments: ["photo.jpg", "photo.png", "photo.heic", "photo.webp", "animation.gif"])
    func headersGiveTheExactSize(_ path: String) throws {
        let sample = Sample.named(path)
        let header = try Vips.header(of: try sample.bytes)
        #expect(header.width == sample.width)
        #expect(header.height == sample.height)
        if path == "animation.gif" { #expect(header.pages == 5) }
    }

    @Test func thumbnailsApplyOrientationAndNeverEnlarge() throws {
        // photo.jpg is stored 640x480 with EXIF orientation 6: it shows as 480x640.
        let photo = try Vips.thumbnail(of: try Sample.named("photo.jpg").bytes, size: 256)
        #expect(photo.width == 192)
        #expect(photo.height == 256)
        #expect(Array(photo.jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let large = try Vips.thumbnail(of: try Sample.named("photo.png").bytes, size: 1024)
        #expect(large.width == 640)
        #expect(large.height == 480)
        let heic = try Vips.thumbnail(of: try Sample.named("photo.heic").bytes, size: 256)
        #expect(heic.width == 256)
    }

    @Test(arguments: ["bad/truncated.jpg", "bad/html-named.jpg", "bad/elf-named.png"])
    func badImagesAreRefused(_ path: String) throws {
        let bytes = try Sample.named(path).bytes
        var refused = false
        do { _ = try Vips.thumbnail(of: bytes, size: 256) } catch { refused = true }
        #expect(refused)
    }

    /// A refusal's words are about this file only: nothing left over from earlier calls
    /// (libvips' error buffer is process-global, and some loaders write to it and still
    /// succeed) and never the path the bytes were read from.
    @Test func aRefusalSaysNothingOfEarlierFilesOrOfPaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vips-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let heic = directory.appendingPathComponent("photo.heic").path
        try FileManager.default.copyItem(atPath: Sample.folder + "/photo.heic", toPath: heic)
        _ = try Vips.header(path: heic)
        _ = try Vips.thumbnail(path: heic, size: 256)
        let copy = directory.appendingPathComponent("truncated.jpg").path
        try FileManager.default.copyItem(atPath: Sample.folder + "/bad/truncated.jpg", toPath: copy)
        do {
            _ = try Vips.thumbnail(path: copy, size: 256)
            Issue.record("a truncated JPEG made a thumbnail")
        } catch {
            // This test's own HEIC sits in its own directory, so a leftover of its earlier
            // calls would name that directory too. (Other suites load the sample HEIC at the
            // same time in this process, and libvips' buffer is shared, so their words are
            // not checked here: a worker runs one job at a time.)
            #expect(!error.message.contains(directory.path), "\(error.message)")
        }
    }
}
