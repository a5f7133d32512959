import ClusterKit

extension HBAEntry {
    /// The same line as ClusterKit writes it (the model's rules use address `all`).
    var clusterRule: HBARule {
        if let written { return written }
        return HBARule(
            HBARule.ConnectionType(rawValue: type.rawValue)!, database: database, user: user,
            address: type == .local ? nil : "all", method: method.rawValue,
            options: [
                clientCert.map { HBARule.Option("clientcert", $0.rawValue) },
                clientName.map { HBARule.Option("clientname", $0.rawValue) },
                map.map { HBARule.Option("map", $0) },
            ].compactMap { $0 })
    }
}
