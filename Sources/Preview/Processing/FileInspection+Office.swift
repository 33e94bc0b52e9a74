import Ingest

extension FileInspection {
    /// docx and xlsx: a well-formed OOXML package of the right kind, inflated under caps
    /// (no zip bomb). They get no preview: rendering Office documents needs an office
    /// suite, which Grey does not run.
    func office(_ type: FileType) throws -> ProcessedFile {
        let kind: OfficePackage.Kind = type.extensions.contains("xlsx") ? .spreadsheet : .wordprocessing
        do {
            _ = try OfficePackage.validate(try bytes(), expecting: kind, limits: limits.office)
        } catch let error as OfficePackageError {
            throw FileRejection(error.code.rawValue, error.detail)
        }
        return ProcessedFile()
    }
}
