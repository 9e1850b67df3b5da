import Foundation

/// The hint given when a CSV file seems to use another separator than the comma: spreadsheets set to many
/// European locales export `;`-separated files under a `.csv` name, and tab-separated exports are common too.
/// Without it the operator reads "expected 3 fields, found 1" and must guess why.
enum CSVDelimiterHint {
    /// The separators recognised, with how messages name them.
    static let separators: [(character: Character, name: String, description: String)] = [
        (";", "';'", "semicolons (as spreadsheets set to many European locales export CSV)"),
        ("\t", "tabs", "tabs (a TSV export)"),
    ]

    /// For a header read as one column: the problem to report when that column holds another separator, e.g.
    /// `it is one column, "order_id;routing_id;amount", holding ';': the file looks separated by semicolons (…);
    /// orderbatch reads comma-separated CSV (RFC 4180): export it with commas as separators`; nil otherwise.
    static func oneColumnHeader(_ name: String) -> String? {
        guard let separator = separators.first(where: { name.contains($0.character) }) else { return nil }
        let shown = name.count > 80 ? String(name.prefix(80)) + "…" : name
        return "it is one column, \"\(shown.replacingOccurrences(of: "\t", with: "\\t"))\", holding "
            + "\(separator.name): the file looks separated by \(separator.description); orderbatch reads "
            + "comma-separated CSV (RFC 4180): export it with commas as separators"
    }

    /// For a row with fewer fields than the header: the hint to append when its cells hold enough of another
    /// separator to make up the missing fields, e.g. `; the line holds ';' where the header has ',': write it
    /// with commas`; nil otherwise.
    ///
    /// - Parameters:
    ///   - cells: The row's cells as read.
    ///   - expected: The header's column count.
    /// - Returns: The hint, starting with `; `, or nil.
    static func shortRow(_ cells: [String], expected: Int) -> String? {
        guard cells.count < expected else { return nil }
        for separator in separators {
            let seen = cells.reduce(0) { $0 + $1.filter { $0 == separator.character }.count }
            if seen > 0 && seen >= expected - cells.count {
                return "; the line holds \(separator.name) where the header has ',': it looks separated by "
                    + "\(separator.description); write it with commas"
            }
        }
        return nil
    }
}
