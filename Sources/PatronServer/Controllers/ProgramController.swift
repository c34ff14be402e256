import Hummingbird
import PatronCore
import PatronStore

/// The loyalty program as data: read and replace it whole, manage its earning rules one by one, and
/// simulate what an order would earn.
///
/// Every answer carries the program version as its `ETag`; every change is one atomic read-modify-write
/// of the version in force, refused with 412 when an `If-Match` names another version.
struct ProgramController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("program", use: show)
        group.put("program", use: replace)
        group.get("rules", use: rules)
        group.put("rules/{rule_id}", use: putRule)
        group.delete("rules/{rule_id}", use: deleteRule)
        group.post("rules/simulate", use: simulate)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let (version, program) = try await store.program()
        return try JSONBody.response(ProgramResource(version: version, program: program)).tagged(version)
    }

    /// Replaces the whole program; fields left out take the standard program's values.
    @Sendable func replace(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let (body, _) = try await JSONBody.read(request, context: context)
        let program = try LoyaltyProgram.parse(body)
        let change = try await store.changeProgram(
            acceptedVersions: request.ifMatchVersions(), actor: context.actorID
        ) { $0 = program }
        return try JSONBody.response(ProgramResource(version: change.version, program: change.program))
            .tagged(change.version)
    }

    @Sendable func rules(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let (version, program) = try await store.program()
        return try JSONBody.response(RulesResource(version: version, data: program.rules)).tagged(version)
    }

    /// Creates or replaces one rule; the rule id in the path wins over one in the body.
    @Sendable func putRule(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let ruleID = try context.parameters.require("rule_id")
        var (body, _) = try await JSONBody.read(request, context: context)
        guard case .object(var object) = body else {
            throw ValidationFailure(pointer: "/", detail: "must be a JSON object")
        }
        object["rule_id"] = .string(ruleID)
        body = .object(object)
        let rule = try EarningRule.parse(body)
        let change = try await store.changeProgram(
            acceptedVersions: request.ifMatchVersions(), actor: context.actorID
        ) { program in
            program.put(rule)
        }
        return try JSONBody.response(
            RuleResource(version: change.version, rule: rule), status: change.outcome ? .ok : .created
        ).tagged(change.version)
    }

    @Sendable func deleteRule(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let ruleID = try context.parameters.require("rule_id")
        let change = try await store.changeProgram(
            acceptedVersions: request.ifMatchVersions(), actor: context.actorID
        ) { program in
            guard program.rules.contains(where: { $0.ruleID == ruleID }) else {
                throw ProgramError.ruleNotFound(ruleID: ruleID)
            }
            program.rules.removeAll { $0.ruleID == ruleID }
        }
        return Response(status: .noContent).tagged(change.version)
    }

    /// An order in the shape of `POST /v1/orders` (`order_id` optional): what it would earn. Writes nothing.
    @Sendable func simulate(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ordersRead)
        var (body, _) = try await JSONBody.read(request, context: context)
        if case .object(var object) = body, object["order_id"] == nil || object["order_id"] == .null {
            object["order_id"] = .string("simulation")
            body = .object(object)
        }
        let now = store.clock.now
        let submission = try OrderSubmission.parse(body, receivedAt: now)
        let (award, tier) = try await store.simulate(submission, at: now.millisecondsSinceEpoch)
        return try JSONBody.response(SimulationResource(award: award, tier: tier, lines: submission.lines))
    }
}

struct ProgramResource: Encodable {
    let version: Int64
    let program: LoyaltyProgram
}

struct RulesResource: Encodable {
    let version: Int64
    let data: [EarningRule]
}

struct RuleResource: Encodable {
    let version: Int64
    let rule: EarningRule
}

struct SimulationResource: Encodable {
    let award: Award
    let tier: String
    let lines: [OrderLine]

    private enum CodingKeys: String, CodingKey {
        case points, tier, awards, lines
    }

    private enum LineKeys: String, CodingKey {
        case sku, points
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(award.points, forKey: .points)
        try container.encode(tier, forKey: .tier)
        try container.encode(award.components, forKey: .awards)
        var items = container.nestedUnkeyedContainer(forKey: .lines)
        for (index, line) in lines.enumerated() {
            var item = items.nestedContainer(keyedBy: LineKeys.self)
            try item.encode(line.sku, forKey: .sku)
            try item.encode(award.components.reduce(0) { $0 + $1.pointsByLine[index] }, forKey: .points)
        }
    }
}
