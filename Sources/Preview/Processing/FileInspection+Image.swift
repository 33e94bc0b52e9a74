import Ingest

extension FileInspection {
    /// The word in libvips' loader name for each image type (`VipsForeignLoadPngFile`,
    /// `pngload_buffer`): bytes another loader takes are another type.
    static let loaders = ["jpg": "jpeg", "png": "png", "heic": "heif", "webp": "webp", "gif": "gif"]

    /// Images: the header's size and frame count within limits, then a full decode into
    /// thumbnails (shrink-on-load where the format allows), the smaller made from the larger.
    func image(_ type: FileType) throws -> ProcessedFile {
        let header: ImageHeader
        do { header = try Vips.header(path: path) } catch { throw FileRejection.decodeFailure("the image header cannot be read", error.message) }
        if let expected = type.extensions.compactMap({ Self.loaders[$0] }).first, !header.loader.lowercased().contains(expected) {
            throw FileRejection.typeMismatch("the bytes are read by \(header.loader), not \(expected)")
        }
        guard header.width > 0, header.height > 0 else { throw FileRejection.corrupt("the image has no pixels") }
        guard header.width.multipliedReportingOverflow(by: header.height).partialValue <= limits.maximumPixels,
              header.width <= limits.maximumPixels, header.height <= limits.maximumPixels
        else { throw FileRejection.tooManyPixels(width: header.width, height: header.height, limit: limits.maximumPixels) }
        guard header.pages <= limits.maximumFrames else {
            throw FileRejection("too_many_frames", "\(header.pages) frames is more than \(limits.maximumFrames)")
        }

        var processed = ProcessedFile(media: FileMedia(width: header.width, height: header.height))
        let sizes = limits.thumbnailSizes.sorted(by: >)
        guard let largest = sizes.first else { return processed }
        let large: Thumbnail
        do { large = try Vips.thumbnail(path: path, size: largest) } catch { throw FileRejection.decodeFailure("the image does not decode", error.message) }
        var thumbnails = [large]
        // Never enlarged: an image smaller than a size gets no second copy of itself.
        for size in sizes.dropFirst() where max(large.width, large.height) > size {
            thumbnails.append(try Vips.thumbnail(of: large.jpeg, size: size))
        }
        processed.previews = thumbnails.reversed().map {
            PreviewImage(kind: .thumbnail, width: $0.width, height: $0.height, contentType: "image/jpeg", bytes: $0.jpeg)
        }
        return processed
    }
}
