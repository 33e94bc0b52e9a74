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
}
