import Foundation

/// The `patron` command line, run as a user runs it.
enum PatronCommand {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs `patron ARGUMENTS` to its end, its outputs going to files read afterwards.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "patron-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("output")
        let errors = directory.appendingPathComponent("errors")
        let process = try ChildProcess(
            try ServerProcess.executable.path, arguments, environment: environment, output: output.path,
            errors: errors.path)
        let status = await process.exit()
        return Run(
            status: status, output: String(decoding: try Data(contentsOf: output), as: UTF8.self),
            errors: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }
}
