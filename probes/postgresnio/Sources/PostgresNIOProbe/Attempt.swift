import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection attempt through PostgresNIO, and the two server-side views of
/// Sources/PQProbe/ConnectionAttempt.swift (copied verbatim) on an accepted connection.
enum Attempt {
    static let serverViewSQL = """
        select s.ssl, s.sslversion as version, s.sslcipher as cipher, s.sslbits as bits, \
        s.ssl_client_dn as client_dn, s.ssl_client_serial as client_serial, s.ssl_issuer_dn as issuer_dn, \
        pg_get_userbyid(s.usesysid) as usename, s.application_name, s.client_addr, s.client_port, \
        pg_backend_pid() as backend_pid, current_setting('cluster_name') as cluster_name, current_user, \
        session_user, exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo \
        from pg_stat_get_activity(pg_backend_pid()) s
        """

    static let sslinfoSQL = """
        select ssl_is_used() as is_used, ssl_version() as version, ssl_cipher() as cipher, \
        ssl_client_cert_present() as client_cert_present, ssl_client_serial() as client_serial, \
        ssl_client_dn() as client_dn, ssl_issuer_dn() as issuer_dn
        """

    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger = Logger(label: "postgresnio-probe", factory: { _ in SwiftLogNoOpLogHandler() })

    static func run(_ t: Translation, timeout: Double, report: inout [String: Any], driver: inout [String: Any]) async {
        var ports: [Int] = []
        let host = t.params["host"] ?? "localhost"
        let target = t.params["hostaddr"].flatMap { $0.isEmpty ? nil : $0 } ?? host
        let port = Int(t.params["port"] ?? "5432") ?? 5432
        t.passed["host"] = host
        t.passed["port"] = "\(port)"
        t.passed["username"] = t.params["user"] ?? ""
        if t.params["password"] != nil { t.passed["password"] = "***" }
        if let db = t.params["dbname"] { t.passed["database"] = db }
        var channel: (any Channel)?
        do {
            let tls = try t.tls()
            let connectSeconds = min(Double(t.params["connect_timeout"] ?? "") ?? timeout, timeout)
            let bootstrap = ClientBootstrap(group: group).connectTimeout(.milliseconds(Int64(connectSeconds * 1000)))
            let opened = try await bootstrap.connect(host: target, port: port).get()
            channel = opened
            if let local = opened.localAddress?.port { ports.append(local) }
            t.passed["channel"] = "TCP to \(target):\(port)"
            var configuration = PostgresConnection.Configuration(
                establishedChannel: opened, tls: tls, username: t.params["user"] ?? "",
                password: t.params["password"], database: t.params["dbname"])
            var numeric = in_addr()
            if inet_pton(AF_INET, host, &numeric) != 1 && !host.contains(":") {
                configuration.options.tlsServerName = host
                t.passed["tlsServerName"] = host
            }
            var startup: [(String, String)] = []
            for key in ["application_name", "options"] {
                if let value = t.params[key] { startup.append((key, value)) }
            }
            configuration.options.additionalStartupParameters = startup
            if !startup.isEmpty {
                t.passed["additionalStartupParameters"] = startup.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
            }
            let connection = try await PostgresConnection.connect(
                on: opened.eventLoop, configuration: configuration, id: 1, logger: logger)
            report["status"] = "accepted"
            do {
                let view = try await row(connection, serverViewSQL)
                report["serverView"] = view
                if view["has_sslinfo"] == "t" { report["sslinfo"] = try await row(connection, sslinfoSQL) }
            } catch {
                report["queryError"] = String(reflecting: error)
            }
            try? await connection.close()
        } catch {
            report["status"] = "rejected"
            report["errorMessage"] = String(reflecting: error)
            driver["errorClass"] = String(reflecting: type(of: error))
            if let psql = error as? PSQLError, let info = psql.serverInfo {
                let code = info[.sqlState]
                driver["sqlstate"] = code.map { $0 as Any } ?? NSNull()
                var serverError: [String: Any] = ["message": info[.message] ?? ""]
                if let severity = info[.severity] { serverError["severity"] = severity }
                if let code { serverError["sqlstate"] = code }
                report["serverErrors"] = [serverError]
            }
            try? await channel?.close()
        }
        report["localPorts"] = ports
        driver["passed"] = t.passed
        driver["unsupported"] = t.unsupported
        driver["notes"] = t.notes
    }

    static func row(_ connection: PostgresConnection, _ sql: String) async throws -> [String: String] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        var result: [String: String] = [:]
        for try await row in rows {
            guard result.isEmpty else { continue }
            for cell in row {
                if let text = text(cell) { result[cell.columnName] = text }
            }
        }
        return result
    }

    /// The server's text form of a cell: PostgresNIO asks for binary results, so the few types
    /// of the two statements are turned back into text (booleans t/f, inet as an address).
    static func text(_ cell: PostgresCell) -> String? {
        guard var bytes = cell.bytes else { return nil }
        if cell.format == .text { return bytes.readString(length: bytes.readableBytes) }
        switch cell.dataType {
        case .bool:
            return bytes.readInteger(as: UInt8.self).map { $0 != 0 ? "t" : "f" }
        case PostgresDataType(869), PostgresDataType(650):  // inet, cidr
            guard let family = bytes.readInteger(as: UInt8.self), let bits = bytes.readInteger(as: UInt8.self),
                bytes.readInteger(as: UInt8.self) != nil, let count = bytes.readInteger(as: UInt8.self),
                let address = bytes.readBytes(length: Int(count))
            else { return nil }
            let text: String
            if family == 2 {
                text = address.map(String.init).joined(separator: ".")
                return bits == 32 ? text : "\(text)/\(bits)"
            }
            var groups: [String] = []
            for i in stride(from: 0, to: address.count, by: 2) {
                groups.append(String(UInt16(address[i]) << 8 | UInt16(address[i + 1]), radix: 16))
            }
            text = groups.joined(separator: ":")
            return bits == 128 ? text : "\(text)/\(bits)"
        default:
            let data = PostgresData(type: cell.dataType, formatCode: cell.format, value: cell.bytes)
            return data.string ?? bytes.readString(length: bytes.readableBytes)
        }
    }
}
