import Ingest

/// What inspecting a good file gives: its measures and its previews, still in memory.
struct ProcessedFile: Sendable {
    var media = FileMedia()
    var previews: [PreviewImage] = []
}

/// A preview made but not stored yet.
struct PreviewImage: Sendable {
    let kind: FilePreview.Kind
    let width: Int
    let height: Int
    let contentType: String
    let bytes: [UInt8]
}
