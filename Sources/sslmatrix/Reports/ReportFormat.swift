import ArgumentParser

enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json, markdown, junit, html
}
