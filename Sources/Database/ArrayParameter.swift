public import Foundation
public import NIOCore
public import PostgresNIO

/// A batch's column bound as one PostgreSQL array (`unnest(...)` on the other side), in
/// the binary form PostgresNIO gives `[Element]`. PostgresNIO encodes each element through
/// its generic protocols; a posting batch binds some thirty columns of a few hundred rows,
/// and that dispatch was a quarter of the database client thread's time. This writes the
/// elements in one plain loop.
public struct ArrayParameter<Element: ArrayParameterElement>: PostgresNonThrowingEncodable, Sendable {
    public static var psqlType: PostgresDataType { Element.arrayType }
    public static var psqlFormat: PostgresFormat { .binary }

    public let elements: [Element]

    public init(_ elements: [Element]) { self.elements = elements }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: UInt32.self)  // dimensions
        buffer.writeInteger(0, as: Int32.self)  // no null elements
        buffer.writeInteger(Element.elementType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in elements { element.write(into: &buffer) }
    }
}

/// A value an ``ArrayParameter`` can carry: its PostgreSQL types and its binary form.
public protocol ArrayParameterElement: Sendable {
    static var elementType: PostgresDataType { get }
    static var arrayType: PostgresDataType { get }
    /// Writes the element's length and bytes.
    func write(into buffer: inout ByteBuffer)
}

extension UUID: ArrayParameterElement {
    public static var elementType: PostgresDataType { .uuid }
    public static var arrayType: PostgresDataType { .uuidArray }
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(16, as: Int32.self)
        withUnsafeBytes(of: uuid) { _ = buffer.writeBytes($0) }
    }
}

extension Int64: ArrayParameterElement {
    public static var elementType: PostgresDataType { .int8 }
    public static var arrayType: PostgresDataType { .int8Array }
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(self)
    }
}

extension String: ArrayParameterElement {
    public static var elementType: PostgresDataType { .text }
    public static var arrayType: PostgresDataType { .textArray }
    public func write(into buffer: inout ByteBuffer) {
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(0, as: Int32.self)
        buffer.setInteger(Int32(buffer.writeString(self)), at: lengthAt)
    }
}

extension Bool: ArrayParameterElement {
    public static var elementType: PostgresDataType { .bool }
    public static var arrayType: PostgresDataType { .boolArray }
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(self ? 1 : 0, as: UInt8.self)
    }
}

extension ByteBuffer: ArrayParameterElement {
    public static var elementType: PostgresDataType { .bytea }
    public static var arrayType: PostgresDataType { .byteaArray }
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(readableBytes))
        buffer.writeImmutableBuffer(self)
    }
}
