import Foundation
import PatronCore
import PatronStore

/// An order to try a rule on while editing it: what it earns under the program now and with the draft, side by
/// side, before anything is saved. The order goes through the API's own parser, so it is checked as a real one.
struct RuleTrial: Sendable {
    var sku = "LATTE-L"
    var category = ""
    var quantity = "1"
    /// In major units, as people type prices: 32 or 32.50.
    var price = "32"
    var channel = Channel.store.rawValue
    /// A member's external id; empty for a new member on the lowest tier.
    var member = ""

    init() {}

    init(_ fields: [String: String]) {
        sku = fields["try_sku"] ?? ""
        category = fields["try_category"] ?? ""
        quantity = fields["try_quantity"] ?? ""
        price = fields["try_price"] ?? ""
        channel = fields["try_channel"] ?? ""
        member = fields["try_member"] ?? ""
    }

    /// The order as `POST /v1/orders` would take it at `now`, or the problems with what was typed.
    func submission(currency: Currency, at now: Timestamp) -> Result<OrderSubmission, ValidationFailure> {
        guard let unitPrice = Self.minorUnits(price, currency) else {
            return .failure(ValidationFailure(pointer: "/lines/0/unit_price_minor", detail: "is not an amount"))
        }
        guard let units = Int64(quantity.trimmingWhitespace()) else {
            return .failure(ValidationFailure(pointer: "/lines/0/quantity", detail: "is not a whole number"))
        }
        let (total, overflow) = unitPrice.multipliedReportingOverflow(by: units)
        var line: [String: JSONValue] = [
            "sku": .string(sku), "quantity": .number(Double(units)), "unit_price_minor": .number(Double(unitPrice)),
        ]
        if !category.trimmingWhitespace().isEmpty { line["category"] = .string(category) }
        let someone = member.trimmingWhitespace().isEmpty ? "trial-" + Identifier.randomToken(count: 22) : member
        let body: JSONValue = [
            "order_id": "trial", "occurred_at": .string(now.rfc3339), "currency": .string(currency.code),
            "channel": .string(channel), "member": ["external_id": .string(someone)], "lines": [.object(line)],
            "total_minor": .number(Double(overflow ? Int64.max : total)),
        ]
        do {
            return .success(try OrderSubmission.parse(body, receivedAt: now))
        } catch {
            return .failure(error)
        }
    }

    /// "32", "32.5" or "32.50" in a currency with two minor digits: 3250.
    static func minorUnits(_ text: String, _ currency: Currency) -> Int64? {
        let parts = text.trimmingWhitespace().split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole < 10_000_000_000 else {
            return nil
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= currency.minorUnitDigits, fraction.allSatisfy(\.isASCII),
            fraction.isEmpty || Int64(fraction) != nil
        else { return nil }
        var scale: Int64 = 1
        for _ in 0..<currency.minorUnitDigits { scale *= 10 }
        let padded = fraction + String(repeating: "0", count: currency.minorUnitDigits - fraction.count)
        return whole * scale + (Int64(padded) ?? 0)
    }

    /// The trial order's fields, inside the rule's form.
    func fieldset(_ view: View) -> Markup {
        let channels: [Markup] = Channel.allCases.map { option in
            let selected: Markup = option.rawValue == channel ? " selected" : ""
            return "<option value=\"\(option.rawValue)\"\(selected)>\(option.rawValue)</option>"
        }
        return """
            <fieldset><legend>\(view.text(.tryOnOrder))</legend>
            <div class="inline">
            <div><label for="try_sku">SKU</label><input id="try_sku" name="try_sku" value="\(sku)"></div>
            <div><label for="try_category">\(view.text(.category))</label>\
            <input id="try_category" name="try_category" value="\(category)"></div>
            <div><label for="try_quantity">\(view.text(.quantity))</label>\
            <input id="try_quantity" name="try_quantity" inputmode="numeric" value="\(quantity)"></div>
            <div><label for="try_price">\(view.text(.unitPrice))</label>\
            <input id="try_price" name="try_price" inputmode="decimal" value="\(price)"></div>
            <div><label for="try_channel">\(view.text(.channel))</label>\
            <select id="try_channel" name="try_channel">\(channels)</select></div>
            <div><label for="try_member">\(view.text(.trialMember))</label>\
            <input id="try_member" name="try_member" value="\(member)" aria-describedby="try_member-hint"></div>
            </div>
            <p id="try_member-hint" class="muted">\(view.text(.trialMemberHint))</p>
            </fieldset>
            """
    }

    /// What the order earns now and with the draft, rule by rule.
    static func outcome(_ view: View, now: Award, draft: Award) -> Markup {
        let formats = view.formats
        func list(_ title: Message, _ award: Award) -> Markup {
            let parts: [Markup] = award.components.map { part in
                "<li><code>\(part.ruleID)</code> \(formats.exact(part.points)) · \(part.reason)</li>"
            }
            return """
                <section class="card"><h3>\(view.text(title))</h3>\
                <p class="value">\(view.text(.trialPoints, ["points": formats.exact(award.points)]))</p>\
                <ul>\(parts)</ul></section>
                """
        }
        return """
            <section aria-live="polite"><h2>\(view.text(.trialOutcome))</h2>
            <div class="columns">\(list(.trialNow, now))\(list(.trialDraft, draft))</div></section>
            """
    }
}
