/// Origin serves stored files and previews on signed URLs with RFC 9110 conditional and
/// ranged reads, for browsers and the nginx edge cache.
///
/// The module is part of the package layout from the start so that the data flow reads
/// from the folder names; its types arrive with the origin work (see the README's roadmap).
public enum Origin {}
