#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One job that runs on its own thread, one run at a time: `start()` hands it over, `wait()`
/// returns once it is done. The lamp window computes the next model step this way while the
/// display shows the current one. pthreads (libc only); starting and waiting allocate nothing.
public final class BackgroundJob {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread = pthread_t()
    private var pending = false, quitting = false
    private let work: () -> Void

    /// `work` runs on the job's thread each time the job is started.
    public init(_ work: @escaping () -> Void) {
        self.work = work
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<BackgroundJob>.fromOpaque(context!).takeUnretainedValue().serve()
            return nil
        }, context)
        precondition(status == 0, "cannot start a thread (pthread_create: \(status))")
    }

    deinit {
        pthread_mutex_lock(mutex)
        quitting = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        pthread_cond_destroy(condition); pthread_mutex_destroy(mutex)
        condition.deallocate(); mutex.deallocate()
    }

    /// Runs the job once on its thread; the previous run must have been waited for.
    public func start() {
        pthread_mutex_lock(mutex)
        precondition(!pending, "BackgroundJob started twice without wait()")
        pending = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Returns when no run is pending (at once if none was started).
    public func wait() {
        pthread_mutex_lock(mutex)
        while pending { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
    }

    private func serve() {
        pthread_mutex_lock(mutex)
        while true {
            while !pending && !quitting { pthread_cond_wait(condition, mutex) }
            if quitting { break }
            pthread_mutex_unlock(mutex)
            work()
            pthread_mutex_lock(mutex)
            pending = false
            pthread_cond_broadcast(condition)
        }
        pthread_mutex_unlock(mutex)
    }
}
