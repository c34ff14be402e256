import Foundation
import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Releases pending points, expires due lots and evaluates due tiers, every `interval`, inside `patron serve`.
///
/// Each job finds its work through indexed due times (`available_at`, `expires_at`, `next_evaluation_day`),
/// so a run with nothing due costs three index look-ups.
struct LoyaltyJobService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Waiting first lets the migrations of `beforeServerStarts` finish.
                do { try await Task.sleep(for: interval) } catch { return }
                await runOnce(asOf: Timestamp(millisecondsSinceEpoch: Clock.nowMilliseconds()))
            }
        }
    }

    func runOnce(asOf instant: Timestamp) async {
        do {
            let released = try await store.releasePendingPoints(asOf: instant)
            let expired = try await store.expirePoints(asOf: instant)
            let tiers = try await store.evaluateTiers(asOf: instant)
            if released.lots + expired.lots + tiers.changed > 0 {
                logger.info(
                    "loyalty.jobs.ran",
                    metadata: [
                        "points.released": "\(released.points)", "points.expired": "\(expired.points)",
                        "tiers.evaluated": "\(tiers.evaluated)", "tiers.changed": "\(tiers.changed)",
                    ])
            }
        } catch {
            logger.error("loyalty.jobs.failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

/// Reads a loyalty program from a JSON file, with a one-line explanation when it is not valid.
public enum ProgramFile {
    public static func read(_ path: String) throws -> LoyaltyProgram {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProgramFileError(description: "cannot read the program file \(path)")
        }
        let program: LoyaltyProgram
        do {
            program = try JSONDecoder().decode(LoyaltyProgram.self, from: data)
        } catch let error as DecodingError {
            let field = CodableBody.fieldError(error)
            throw ProgramFileError(description: "\(path): \(field.pointer) \(field.detail)")
        } catch {
            throw ProgramFileError(description: "\(path) is not valid JSON")
        }
        if let problem = program.problems().first {
            throw ProgramFileError(description: "\(path): \(problem.pointer) \(problem.detail)")
        }
        return program
    }
}

public struct ProgramFileError: Error, CustomStringConvertible {
    public let description: String
}
