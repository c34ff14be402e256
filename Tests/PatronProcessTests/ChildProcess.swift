import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid`, polled.
///
/// Foundation's `Process` learns of a child's end from SIGCHLD, which on Linux can be delivered to a thread that
/// does not wait for it and be lost under load: then `isRunning` stays true and `waitUntilExit` never returns.
/// Asking the kernel directly cannot miss an exit.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// The exit status once reaped: the exit code, or 128 + the signal that ended it, as a shell reports it.
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, this process's environment merged with `environment`, and standard
    /// output and error appended to the files at those paths (nil: discarded) — appended, so a server started
    /// again after a failed start (a taken port) keeps what the first one printed, such as the first admin key.
    /// Every signal starts unblocked and with its default action, whatever this process has set.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String], output: String? = nil,
        errors: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ProcessTestError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status if the process has ended, nil while it runs.
    var exitStatus: Int32? {
        status.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    let signal = raw & 0x7f
                    status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                }
            }
            return status
        }
    }

    var isRunning: Bool { exitStatus == nil }

    /// Waits for the end of the process and returns its exit status.
    func exit() async -> Int32 {
        while true {
            if let status = exitStatus { return status }
            // A cancelled task still waits for the end it asked for, without spinning.
            do { try await Task.sleep(for: .milliseconds(10)) } catch { usleep(10_000) }
        }
    }

    func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }
}
