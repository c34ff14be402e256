import PatronCore
import SQLKit

extension Store {
    /// Creates the member with `profile.externalID`, or updates it; `created` tells which. `consents`, recorded by
    /// `actor`, are written in the same transaction.
    public func upsertMember(
        _ profile: MemberProfile, consents: [ConsentRecord] = [], recordedBy actor: String = "unknown"
    ) async throws -> (member: Member, created: Bool) {
        guard let externalID = profile.externalID else {
            throw ValidationFailure(pointer: "/external_id", detail: "is required")
        }
        let (members, programs) = (self.members, self.programs)
        return try await database.write { database in
            let now = clock.milliseconds
            let (id, created) = try await members.ensure(externalID: externalID, at: now, in: database)
            try await members.apply(profile, to: id, mode: .overwrite, at: now, in: database)
            if !consents.isEmpty {
                _ = try await Self.writeConsents(
                    consents, of: id, recordedBy: actor, at: Timestamp(millisecondsSinceEpoch: now), members: members,
                    in: database)
            }
            guard let member = try await members.find(id: id, in: database) else {
                throw MemberError.notFound(memberID: id)
            }
            return (try await programs.showingTier(of: member, in: database), created)
        }
    }

    /// Changes the given fields of an existing member.
    public func updateMember(
        id: String, with profile: MemberProfile, consents: [ConsentRecord] = [], recordedBy actor: String = "unknown"
    ) async throws -> Member {
        let (members, programs) = (self.members, self.programs)
        return try await database.write { database in
            let now = clock.milliseconds
            try await members.apply(profile, to: id, mode: .overwrite, at: now, in: database)
            if !consents.isEmpty {
                _ = try await Self.writeConsents(
                    consents, of: id, recordedBy: actor, at: Timestamp(millisecondsSinceEpoch: now), members: members,
                    in: database)
            }
            guard let member = try await members.find(id: id, in: database) else {
                throw MemberError.notFound(memberID: id)
            }
            return try await programs.showingTier(of: member, in: database)
        }
    }

    public func member(id: String) async throws -> Member? {
        let (members, programs) = (self.members, self.programs)
        return try await database.read { database in
            try await programs.showingTier(ofFound: members.find(id: id, in: database), in: database)
        }
    }

    public func member(externalID: String) async throws -> Member? {
        let (members, programs) = (self.members, self.programs)
        return try await database.read { database in
            try await programs.showingTier(ofFound: members.find(externalID: externalID, in: database), in: database)
        }
    }

    public func member(_ kind: IdentityKind, value: String) async throws -> Member? {
        let (members, programs) = (self.members, self.programs)
        return try await database.read { database in
            try await programs.showingTier(ofFound: members.find(kind, value: value, in: database), in: database)
        }
    }

    public func members(after cursor: String?, limit: Int) async throws -> Page<Member> {
        let (members, programs) = (self.members, self.programs)
        let found = try await database.read { database in
            var found: [Member] = []
            for member in try await members.list(after: cursor, limit: limit + 1, in: database) {
                found.append(try await programs.showingTier(of: member, in: database))
            }
            return found
        }
        let page = Array(found.prefix(limit))
        return Page(items: page, nextCursor: found.count > limit ? page.last?.id : nil)
    }

    /// The member an order belongs to, found by id, external id, email or phone, or created.
    /// The order's profile only fills blanks: an order never overwrites what the member told us.
    func resolveCustomer(_ customer: OrderCustomer, at now: Int64, in database: any SQLDatabase) async throws -> String
    {
        switch customer {
        case .memberID(let id):
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: id)").first() != nil else {
                throw OrderError.memberNotFound(memberID: id)
            }
            return id
        case .profile(let profile):
            if let externalID = profile.externalID {
                let (id, _) = try await members.ensure(externalID: externalID, at: now, in: database)
                try await members.apply(profile, to: id, mode: .fillBlanks, at: now, in: database)
                return id
            }
            let identities: [(IdentityKind, String)] =
                [profile.email.map { (.email, $0.value) }, profile.phone.map { (.phone, $0.e164) }].compactMap { $0 }
            for (kind, value) in identities {
                if let owner = try await members.owner(of: kind, value: value, in: database) {
                    try await members.apply(profile, to: owner, mode: .fillBlanks, at: now, in: database)
                    return owner
                }
            }
            let id = try await members.create(at: now, in: database)
            try await members.apply(profile, to: id, mode: .fillBlanks, at: now, in: database)
            // Another transaction may have created this customer meanwhile: then theirs is the member.
            for (kind, value) in identities {
                if let owner = try await members.owner(of: kind, value: value, in: database), owner != id {
                    try await members.discard(id: id, in: database)
                    return owner
                }
            }
            return id
        }
    }
}
