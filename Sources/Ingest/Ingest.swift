/// Ingest receives uploaded files: signed upload URLs, streaming checksum-verified
/// PUTs, content sniffing and the content-addressed blob store.
///
/// The module is part of the package layout from the start so that the data flow reads
/// from the folder names; its types arrive with the upload work (see the README's roadmap).
public enum Ingest {}
