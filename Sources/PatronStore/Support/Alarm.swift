import Synchronization

/// Wakes one waiter early: a service sleeping until its next due time is rung when a nearer one is written.
/// A ring while nobody waits is kept for the next wait, so one made between a look-up and the wait is not lost.
public final class Alarm: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var rung = false
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state in
            let waiter = state.waiter
            state.waiter = nil
            if waiter == nil { state.rung = true }
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung, or after `duration`.
    public func wait(upTo duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.rung() }
            await group.next()
            group.cancelAll()
            // Frees the other child: the waiting one if the time ran out (or the one not yet waiting).
            ring()
        }
        // The ring that freed the child above is not a real one.
        state.withLock { $0.rung = false }
    }

    private func rung() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
