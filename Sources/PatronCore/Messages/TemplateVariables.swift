/// The names a message template may use. A template is checked against them when saved, so a misspelt name is
/// an error then rather than a blank in a sent message.
public enum TemplateVariables {
    /// The objects a message may carry and their fields, used as `{{member.name}}` or inside a section
    /// `{{#coupon}}{{code}}{{/coupon}}`. An object a message lacks (no coupon) renders its section not at all.
    public static let objects: [String: [String]] = [
        "member": ["member_id", "name"],
        "tier": ["tier_id", "name"],
        "points": ["available", "expiring", "expiring_on"],
        "coupon": ["code", "reward", "expires_on"],
        "order": ["order_id", "total", "currency", "occurred_on"],
        "ticket": ["ticket_id", "status"],
    ]

    /// Names outside any object: the link that unsubscribes from marketing email.
    public static let values: Set<String> = ["unsubscribe_url"]

    /// Whether `name`, written inside the sections `open` (outermost first), names something a message has.
    static func resolves(_ name: String, inside open: [String]) -> Bool {
        // The current item is text only inside a value's section; inside an object's it is the whole object.
        if name == "." { return open.last.map { objects[$0] == nil } ?? false }
        // As Mustache looks a name up: in the innermost open object first, then outwards, then at the top.
        for depth in stride(from: open.count, through: 0, by: -1) {
            let scope = open.prefix(depth).joined(separator: ".")
            if isKnown(scope.isEmpty ? name : "\(scope).\(name)") { return true }
        }
        return false
    }

    private static func isKnown(_ path: String) -> Bool {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return objects[parts[0]] != nil || values.contains(parts[0])
        case 2: return objects[parts[0]]?.contains(parts[1]) == true
        default: return false
        }
    }

    /// Every name, as a template writes it: for documentation and error messages.
    public static var allNames: [String] {
        (objects.flatMap { object, fields in fields.map { "\(object).\($0)" } } + values).sorted()
    }
}
