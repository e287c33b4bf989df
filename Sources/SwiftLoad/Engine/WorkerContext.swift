/// What a worker's VUs and transports share: the loop, the curl multi handle, the settings and
/// the current interval's recorder. Touched only on the worker's thread.
final class WorkerContext {
    let index: Int
    let loop: EventLoop
    let curl: CurlMulti
    let sockets: SocketDriver
    /// HTTP/2 connection pools, created on first use.
    var h2: H2Client {
        if let h2IfMade { return h2IfMade }
        let c = H2Client(driver: sockets, options: http.http2)
        h2IfMade = c
        return c
    }
    private var h2IfMade: H2Client?
    let http: HTTPSettings
    let env: Environment
    /// This interval's metrics; the 1 Hz tick hands it to the aggregator and starts a new one.
    var recorder = Recorder()
    /// VUs inside an iteration right now.
    var activeIterations = 0
    /// VUs created so far on this worker.
    var allocatedVUs = 0
    /// The run's cap on distinct request names, shared by all workers.
    let names: RequestNameCap
    /// Names this worker already saw admitted (at most the cap), so only a new name takes the
    /// shared lock.
    private var admittedHere: Set<String> = []

    /// Closes the connections the VUs share (the HTTP/2 pools and libcurl's connection cache;
    /// each VU closed its own) once the run is over, and every socket retired meanwhile.
    func closeSharedConnections() {
        h2IfMade?.shutDown()
        h2IfMade = nil
        curl.close()
        sockets.finishIOBatch()
    }

    /// The name a request named `name` is recorded under: itself, or the overflow series once
    /// the run has more distinct names than its cap.
    func recordedName(_ name: String, url: String) -> String {
        if admittedHere.contains(name) { return name }
        let admitted = names.admit(name, url: url)
        if admitted == name { admittedHere.insert(name) }
        return admitted
    }

    /// Moves what the transports counted (HTTP/2 GOAWAYs, refused streams) into this interval's
    /// recorder: transports count, only the worker records.
    func collectTransportCounts() {
        guard let h2 = h2IfMade else { return }
        recorder.goaways += h2.goaways
        recorder.refusedStreams += h2.refusedStreams
        h2.goaways = 0
        h2.refusedStreams = 0
    }

    init(index: Int, loop: EventLoop, http: HTTPSettings, env: Environment, names: RequestNameCap) {
        self.index = index
        self.names = names
        self.loop = loop
        self.curl = CurlMulti(loop: loop)
        self.sockets = SocketDriver(loop: loop, settings: http)
        self.http = http
        self.env = env
    }
}
