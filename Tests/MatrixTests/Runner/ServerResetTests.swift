import ClusterKit
import Foundation
import Testing

@testable import Scenarios

/// A reused server skips dropping and re-creating the database state only when it provably
/// is what the next group's set-up would make: the same statements ran last and no write
/// happened since (the transaction counter did not move).
@Suite("Server reset on a reused server", .tags(.liveServer))
struct ServerResetTests {
    static func group(roles: [RoleSpec]) -> RunnableGroup {
        RunnableGroup(
            id: "g", pki: PKISpec(), settings: ServerSettings(), hba: [HBARule(.local, method: "trust")],
            roles: roles, cases: [])
    }

    static func oid(_ cluster: Cluster, _ role: String) async throws -> String? {
        try await cluster.queryValue("SELECT oid::text FROM pg_authid WHERE rolname = '\(role)'")
    }

    static func switchTo(
        _ group: RunnableGroup, on cluster: Cluster, from state: DatabaseState?
    ) async throws
        -> DatabaseState
    {
        try await cluster.switchConfiguration(then: {
            try ServerReset.reset(on: $0, for: group, major: cluster.installation.major, current: state)
        })
    }

    @Test("the same set-up and no write in between: the roles are kept as they are")
    func keptWhenUnchanged() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            let group = Self.group(roles: [RoleSpec(name: "app", password: "secret")])
            let state = try #require(try await ServerReset.setUp(group, on: cluster, record: true))
            let before = try await Self.oid(cluster, "app")
            let after = try await Self.switchTo(group, on: cluster, from: state)
            #expect(after == state)
            #expect(try await Self.oid(cluster, "app") == before)
        }
    }

    @Test("a write after the set-up (here a role nobody declared) makes the reset run")
    func resetAfterWrite() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            let group = Self.group(roles: [RoleSpec(name: "app", password: "secret")])
            let state = try #require(try await ServerReset.setUp(group, on: cluster, record: true))
            try await cluster.query("CREATE ROLE intruder LOGIN")
            let after = try await Self.switchTo(group, on: cluster, from: state)
            #expect(after != state)
            #expect(try await Self.oid(cluster, "intruder") == nil)
            #expect(try await Self.oid(cluster, "app") != nil)
        }
    }

    @Test("another set-up makes the reset run: the previous group's role is gone")
    func resetForOtherRoles() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            let first = Self.group(roles: [RoleSpec(name: "app", password: "secret")])
            let state = try #require(try await ServerReset.setUp(first, on: cluster, record: true))
            _ = try await Self.switchTo(
                Self.group(roles: [RoleSpec(name: "other", password: "x")]), on: cluster, from: state)
            #expect(try await Self.oid(cluster, "app") == nil)
            #expect(try await Self.oid(cluster, "other") != nil)
        }
    }

    @Test("only the roles differ: the databases are kept, the roles follow the next set-up exactly")
    func rolesOnly() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            var first = Self.group(roles: [
                RoleSpec(name: "kept", password: "same"), RoleSpec(name: "app", password: "a"),
            ])
            first.databases = ["certdb", "verifydb"]
            var next = Self.group(roles: [
                RoleSpec(name: "kept", password: "same"), RoleSpec(name: "app", password: "b"),
                RoleSpec(name: "new", password: nil),
            ])
            next.databases = first.databases
            let state = try #require(try await ServerReset.setUp(first, on: cluster, record: true))
            let database = "SELECT oid::text FROM pg_database WHERE datname = 'certdb'"
            let before = try await cluster.queryValue(database)
            let keptOID = try await Self.oid(cluster, "kept")
            let appOID = try await Self.oid(cluster, "app")
            let after = try await Self.switchTo(next, on: cluster, from: state)
            #expect(after.statements == (try ServerReset.statements(next, major: cluster.installation.major)))
            #expect(try await cluster.queryValue(database) == before, "the database was not copied again")
            #expect(try await Self.oid(cluster, "kept") == keptOID, "a role declared the same way stays")
            #expect(try await Self.oid(cluster, "app") != appOID, "a role declared differently is made again")
            #expect(try await Self.oid(cluster, "new") != nil)

            // Back to the first set-up: "new" goes, "app" gets its first password again.
            _ = try await Self.switchTo(first, on: cluster, from: after)
            #expect(try await Self.oid(cluster, "new") == nil)
            #expect(try await cluster.queryValue(database) == before)
        }
    }
}
