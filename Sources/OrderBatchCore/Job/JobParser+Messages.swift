import Foundation

// MARK: - Messages for a job path that is a directory, and for a tab in the indentation

extension JobParser {
    /// What to say when the job given is a directory: that it is one, and the job files in it.
    static func directoryMessage(_ path: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        let base = path.hasSuffix("/") ? path : path + "/"
        guard !names.isEmpty else { return "is a directory, not a job file; give the path of a job's YAML file" }
        let shown = names.prefix(5).map { base + $0 }.joined(separator: ", ")
        return "is a directory, not a job file; give one of the job files in it: \(shown)"
            + (names.count > 5 ? " (and \(names.count - 5) more)" : "")
    }

    /// The 1-based column of the first tab in the indentation of line `line` (1-based) of `text`, or nil when
    /// that line's indentation has none.
    static func indentingTab(in text: String, line: Int) -> Int? {
        guard line >= 1 else { return nil }
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard line <= lines.count else { return nil }
        let indentation = lines[line - 1].prefix { $0 == " " || $0 == "\t" }
        guard let tab = indentation.firstIndex(of: "\t") else { return nil }
        return indentation.distance(from: indentation.startIndex, to: tab) + 1
    }
}
