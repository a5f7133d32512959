import Foundation

extension Cluster {
    /// libpq parameters for the harness superuser over the private unix socket.
    public func adminParameters(database: String = "postgres") -> [(String, String)] {
        [
            ("host", socketDirectory), ("port", String(port)), ("user", Cluster.adminUser),
            ("dbname", database), ("sslmode", "disable"), ("gssencmode", "disable"),
            ("connect_timeout", "10"), ("application_name", "pg-ssl-matrix-admin"),
        ]
    }

    /// A blocking connection; only for use inside `BlockingWork.run` or synchronous setup.
    func adminConnection(database: String = "postgres") throws -> PGConnection {
        let connection = PGConnection(parameters: adminParameters(database: database))
        guard connection.isConnected else {
            throw ClusterKitError.connectionFailed(message: connection.errorMessage)
        }
        return connection
    }

    /// Runs SQL as the superuser over the unix socket (never on the cooperative pool).
    @discardableResult
    public func query(_ sql: String, database: String = "postgres") async throws -> PGConnection.QueryResult {
        guard isRunning else { throw ClusterKitError.clusterNotRunning(name: name) }
        let parameters = adminParameters(database: database)
        return try await BlockingWork.run {
            let connection = PGConnection(parameters: parameters)
            guard connection.isConnected else {
                throw ClusterKitError.connectionFailed(message: connection.errorMessage)
            }
            do {
                return try connection.execute(sql)
            } catch let error as PGConnection.ServerError {
                throw ClusterKitError.sqlFailed(sql: sql, message: error.message)
            }
        }
    }

    /// The first column of the first row.
    public func queryValue(_ sql: String, database: String = "postgres") async throws -> String? {
        try await query(sql, database: database).rows.first?.first ?? nil
    }
}
