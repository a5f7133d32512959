import Foundation
import Testing

@testable import ClusterKit

/// The template's postgresql.conf keeps initdb's settings and drops its ~800 lines of
/// comments, which every reload would otherwise lex in each server process.
@Suite("Template postgresql.conf")
struct TemplateConfigurationTests {
    @Test("comment-only and blank lines go; settings, with their trailing comments and quotes, stay as written")
    func compact() {
        let initdb = """
            # -----------------------------
            # PostgreSQL configuration file
            #max_connections = 50
            \t# indented comment

            max_connections = 100\t\t\t# (change requires restart)
              shared_buffers = 128MB
            log_timezone = 'Etc/UTC'
            lc_messages = 'C'   # '#' inside a value's comment
            """
        let compact = TemplateStore.compactConfiguration(initdb)
        let lines = compact.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { !$0.hasPrefix("#") } == [
                "max_connections = 100\t\t\t# (change requires restart)", "  shared_buffers = 128MB",
                "log_timezone = 'Etc/UTC'", "lc_messages = 'C'   # '#' inside a value's comment",
            ])
    }

    @Test("a cluster from the template runs with every setting initdb wrote, and the file is short", .tags(.liveServer))
    func live() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            let text = try String(contentsOfFile: cluster.dataDirectory + "/postgresql.conf", encoding: .utf8)
            #expect(text.split(separator: "\n").count < 40)
            // initdb always writes these for the machine it ran on; each must still be read from
            // the file without error (the harness's include file may override some later).
            let read = try await cluster.query(
                "SELECT name FROM pg_file_settings WHERE sourcefile LIKE '%/postgresql.conf' AND error IS NULL"
            ).rows.compactMap { $0[0] }
            let names = [
                "max_connections", "shared_buffers", "dynamic_shared_memory_type", "lc_messages", "timezone",
                "log_timezone", "datestyle", "default_text_search_config",
            ]
            for name in names { #expect(read.contains(name), "\(name) not read from postgresql.conf: \(read)") }
            let errors = try await cluster.settingsFileErrors()
            #expect(errors.isEmpty)
        }
    }
}
