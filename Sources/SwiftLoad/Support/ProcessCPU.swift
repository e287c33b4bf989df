import Glibc

/// CPU time of this process, for telling whether the load generator itself was busy.
enum ProcessCPU {
    /// User plus system CPU seconds used by every thread of the process so far.
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }
}
