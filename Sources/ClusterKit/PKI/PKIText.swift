import Synchronization

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

extension PKIText {
    private static let decimalSerials = Mutex<[String: String]>([:])

    /// The serial `hex` in decimal (`decimal(_:)`), nil for text that is not hex; remembered
    /// per process: the runner needs every certificate's serial for every case it judges (run
    /// values, the normaliser), and the division loop cost a third of a matrix run's CPU.
    static func decimal(hex: String) -> String? {
        if let known = decimalSerials.withLock({ $0[hex] }) { return known }
        guard let bytes = bytes(fromHex: hex), !bytes.isEmpty else { return nil }
        let value = decimal(bytes)
        decimalSerials.withLock { $0[hex] = value }
        return value
    }

    /// A big-endian unsigned integer in decimal, as OpenSSL's `BN_bn2dec` prints it
    /// (PostgreSQL 16+ logs certificate serials this way).
    static func decimal(_ bytes: [UInt8]) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        if number.isEmpty { return "0" }
        var digits: [Character] = []
        while !number.isEmpty {
            // Divide by 10, keeping the quotient's bytes and the remainder.
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let value = remainder * 256 + Int(byte)
                let q = value / 10
                remainder = value % 10
                if !quotient.isEmpty || q != 0 { quotient.append(UInt8(q)) }
            }
            digits.append(Character(String(remainder)))
            number = quotient
        }
        return String(digits.reversed())
    }
}
