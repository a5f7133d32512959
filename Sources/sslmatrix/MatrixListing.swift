import Scenarios

/// `matrix --list`: the case ids a run would include, and counts, from the model alone.
enum MatrixListing {
    static func text(filter: String?) -> String {
        let groups = CaseSelection.groups(id: nil, filter: filter)
        let ids = groups.flatMap { $0.scenarios.map(\.id) }
        var bySection: [MatrixSection: Int] = [:]
        for id in ids { bySection[MatrixSection.byCaseID[id] ?? .settings, default: 0] += 1 }
        let sections = MatrixSection.allCases.compactMap { s in bySection[s].map { "\(s.rawValue) \($0)" } }
        var out = ids
        out.append(
            "\(ids.count) cases in \(groups.count) server groups\(filter.map { " matching '\($0)'" } ?? "")"
                + (sections.isEmpty ? "" : ": " + sections.joined(separator: ", ")))
        return out.joined(separator: "\n") + "\n"
    }
}
