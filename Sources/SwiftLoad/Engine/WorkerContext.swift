/// What a worker's VUs and transports share: the loop, the curl multi handle, the settings and
/// the current interval's recorder. Touched only on the worker's thread.
final class WorkerContext {
    let index: Int
    let loop: EventLoop
    let curl: CurlMulti
    let sockets: SocketDriver
    /// HTTP/2 connection pools, created on first use.
    private(set) lazy var h2 = H2Client(context: self)
    let http: HTTPSettings
    let env: Environment
    /// This interval's metrics; the 1 Hz tick hands it to the aggregator and starts a new one.
    var recorder = Recorder()
    /// VUs inside an iteration right now.
    var activeIterations = 0
    /// VUs created so far on this worker.
    var allocatedVUs = 0

    init(index: Int, loop: EventLoop, http: HTTPSettings, env: Environment) {
        self.index = index
        self.loop = loop
        self.curl = CurlMulti(loop: loop)
        self.sockets = SocketDriver(loop: loop, settings: http)
        self.http = http
        self.env = env
    }
}
