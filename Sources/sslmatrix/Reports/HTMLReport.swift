import Foundation

/// Placeholder-free minimal HTML until the heatmap report lands: the markdown in a <pre>.
enum HTMLReport {
    static func render(_ report: MatrixReport) -> String {
        "<!doctype html><meta charset=utf-8><title>pg-ssl-matrix</title><pre>\(JUnitReport.xml(MarkdownReport.render(report)))</pre>\n"
    }
}
