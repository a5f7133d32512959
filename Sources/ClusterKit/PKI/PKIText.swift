/// Hex formatting and parsing for serials and fingerprints, in OpenSSL's spelling.
enum PKIText {
    static func hex(_ bytes: [UInt8], separator: String = "") -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: separator)
    }

    /// Bytes from hex text; accepts `:` separators and an odd digit count.
    static func bytes(fromHex text: String) -> [UInt8]? {
        var digits = text.filter { $0 != ":" }
        if digits.count % 2 == 1 { digits = "0" + digits }
        var out: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
