import ClusterKit

extension ScenarioRunner {
    /// One real case as the probe saw it, with the run values its templates need: what the
    /// falsifiability tests feed deliberately wrong predictions to.
    struct Observation: Sendable {
        let spec: CaseSpec
        let outcome: Outcome
        let run: OutcomeComparison.RunValues
    }

    /// Runs every case of `group` on one cluster (started the way `runGroup` starts it) and
    /// returns the raw outcomes instead of verdicts. The cluster is destroyed on return.
    func observe(_ group: RunnableGroup) async throws -> [Observation] {
        let cluster = try await Cluster.create(installation: installation)
        do {
            let material = try Self.writeServerFiles(group, to: cluster)
            try await cluster.start()
            try await ServerReset.setUp(group, on: cluster)
            let probe = Probe(cluster: cluster)
            var observations: [Observation] = []
            for (serial, spec) in group.cases.enumerated() where spec.skipReason == nil {
                let parameters = try spec.client.parameters(
                    cluster: cluster, material: material, applicationName: "sslmatrix-\(serial)")
                let outcome = await probe.connect(parameters)
                observations.append(
                    Observation(
                        spec: spec, outcome: outcome, run: runValues(parameters, cluster, material, probe)))
            }
            await cluster.destroy()
            return observations
        } catch {
            await cluster.destroy()
            throw error
        }
    }
}
