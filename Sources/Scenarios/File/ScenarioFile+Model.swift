import ClusterKit

/// `expect: model` cases are translated when the file is read, and predicted once the run
/// knows which server major, libpq major and OpenSSLs it has.
extension ScenarioFile {
    /// Whether some case waits for `predicted(versions:)`.
    public var needsPrediction: Bool {
        groups.contains { $0.cases.contains { if case .pendingModel = $0.expectation { true } else { false } } }
    }

    /// The file with every `expect: model` case predicted for `versions` (its rule trace
    /// included); a group whose server the model says will not start expects exactly that.
    public func predicted(versions: Versions) -> ScenarioFile {
        var out = self
        out.groups = groups.map { $0.predicted(versions: versions) }
        return out
    }

    /// The translated scenario of each `expect: model` case, by case id (for tests and `explain`).
    public var modelScenarios: [(group: String, id: String, scenario: Scenario)] {
        groups.flatMap { g in
            g.cases.compactMap { c in
                if case .pendingModel(let s, _) = c.expectation { return (g.id, c.id, s) }
                return nil
            }
        }
    }
}

extension RunnableGroup {
    func predicted(versions: Versions) -> RunnableGroup {
        var group = self
        for i in group.cases.indices {
            guard case .pendingModel(let scenario, let checks) = group.cases[i].expectation else { continue }
            let e = Expectation.predict(scenario, versions: versions)
            group.cases[i].expectation = .modelChecked(e, checks: checks)
            if case .serverFailsToStart = e.outcome, group.startExpectation == nil {
                group.startExpectation = .modelChecked(e, checks: checks)
            }
        }
        return group
    }
}
