/// When a ramping-VUs scenario's VU count changes: the count moves linearly through the stages
/// and changes by one each time the line crosses a whole number (it reaches each stage's target
/// exactly at the stage's end).
///
/// Pure logic, tested without a clock: offsets are nanoseconds from the scenario's start.
enum RampSchedule {
    struct Change: Equatable {
        let offset: UInt64
        let target: Int
    }

    static func changes(startVUs: Int, stages: [Stage]) -> [Change] {
        var out = [Change(offset: 0, target: startVUs)]
        var at: UInt64 = 0
        var current = startVUs
        for stage in stages {
            let d = stage.duration.nanoseconds
            let delta = stage.target - current
            if delta != 0 {
                let steps = abs(delta)
                let sign = delta > 0 ? 1 : -1
                for j in 1...steps {
                    let offset = d == 0 ? at : at + UInt64((Double(d) * Double(j) / Double(steps)).rounded())
                    out.append(Change(offset: offset, target: current + sign * j))
                }
            }
            at += d
            current = stage.target
        }
        return out
    }
}
