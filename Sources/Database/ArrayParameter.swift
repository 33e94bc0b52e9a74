public import Foundation
public import NIOCore
public import PostgresNIO

/// A batch's column bound as one PostgreSQL array (`unnest(...)` on the other side), in
/// the binary form PostgresNIO gives `[Element]`. PostgresNIO encodes each element through
/// its generic protocols; a posting batch binds some thirty columns of a few hundred rows,
/// and that dispatch was a third of the database client thread's time. Each type here
/// writes its elements in one plain loop.
public protocol ArrayParameter: PostgresNonThrowingEncodable, Sendable {
    associatedtype Element
    static var elementType: PostgresDataType { get }
    var elements: [Element] { get }
    /// Writes one element's length and bytes.
    static func write(_ element: Element, into buffer: inout ByteBuffer)
}

extension ArrayParameter {
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: UInt32.self)  // dimensions
        buffer.writeInteger(0, as: Int32.self)  // no null elements
        buffer.writeInteger(Self.elementType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in elements { Self.write(element, into: &buffer) }
    }
}

/// `uuid[]`.
public struct UUIDArray: ArrayParameter {
    public static var psqlType: PostgresDataType { .uuidArray }
    public static var elementType: PostgresDataType { .uuid }
    public let elements: [UUID]
    public init(_ elements: [UUID]) { self.elements = elements }

    public static func write(_ element: UUID, into buffer: inout ByteBuffer) {
        buffer.writeInteger(16, as: Int32.self)
        withUnsafeBytes(of: element.uuid) { _ = buffer.writeBytes($0) }
    }
}

/// `bigint[]`.
public struct BigIntArray: ArrayParameter {
    public static var psqlType: PostgresDataType { .int8Array }
    public static var elementType: PostgresDataType { .int8 }
    public let elements: [Int64]
    public init(_ elements: [Int64]) { self.elements = elements }

    public static func write(_ element: Int64, into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(element)
    }
}

/// `text[]`.
public struct TextArray: ArrayParameter {
    public static var psqlType: PostgresDataType { .textArray }
    public static var elementType: PostgresDataType { .text }
    public let elements: [String]
    public init(_ elements: [String]) { self.elements = elements }

    public static func write(_ element: String, into buffer: inout ByteBuffer) {
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(0, as: Int32.self)
        let length = buffer.writeString(element)
        buffer.setInteger(Int32(length), at: lengthAt)
    }
}

/// `boolean[]`.
public struct BoolArray: ArrayParameter {
    public static var psqlType: PostgresDataType { .boolArray }
    public static var elementType: PostgresDataType { .bool }
    public let elements: [Bool]
    public init(_ elements: [Bool]) { self.elements = elements }

    public static func write(_ element: Bool, into buffer: inout ByteBuffer) {
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(element ? 1 : 0, as: UInt8.self)
    }
}

/// `bytea[]`.
public struct ByteaArray: ArrayParameter {
    public static var psqlType: PostgresDataType { .byteaArray }
    public static var elementType: PostgresDataType { .bytea }
    public let elements: [ByteBuffer]
    public init(_ elements: [ByteBuffer]) { self.elements = elements }

    public static func write(_ element: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(element.readableBytes))
        buffer.writeImmutableBuffer(element)
    }
}
