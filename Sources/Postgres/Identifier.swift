import Foundation

/// The one place identifiers are quoted: `"people"."places"`. Values never go through here;
/// they are always sent as parameters.
public enum Identifier {
    /// Quotes each part and joins them with dots; an embedded double quote is doubled.
    public static func quoted(_ parts: String...) -> String {
        quoted(parts)
    }

    public static func quoted(_ parts: [String]) -> String {
        parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
    }
}
