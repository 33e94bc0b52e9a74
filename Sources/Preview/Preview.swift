/// Preview validates uploaded files by decoding them and makes thumbnails, PDF pages,
/// video stills and audio waveforms, in worker processes fed by a Postgres job queue.
///
/// The module is part of the package layout from the start so that the data flow reads
/// from the folder names; its types arrive with the preview work (see the README's roadmap).
public enum Preview {}
