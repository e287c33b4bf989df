// A fixed amount of work: per-VU iterations (each VU does N) and shared iterations (the VUs
// share N; fast ones do more), like k6's `per-vu-iterations` and `shared-iterations`.
//
//     swiftload run scenarios/examples/fixed_iterations.swift --env BASE_URL=http://127.0.0.1:8080
//
// `vu.iteration` counts a VU's iterations from 0; `vu.id` numbers the VUs of the test from 1.
import SwiftLoad

@main struct FixedIterationsExample: LoadTest {
    static let options = Options(scenarios: [
        // Ten VUs each seed their own 20 records.
        "seed": .perVUIterations(vus: 10, iterations: 20, maxDuration: .minutes(2))
            .running { vu in
                let r = try await vu.http.post("/api/records", json: ["owner": "vu-\(vu.id)", "n": "\(vu.iteration)"],
                                               name: "create record")
                vu.check(r, "created") { $0.status == 201 || $0.status == 200 }
            },
        // Then four VUs read 1,000 records between them.
        "read": .sharedIterations(vus: 4, iterations: 1_000, maxDuration: .minutes(2))
            .startingAt(.seconds(30))
            .running { vu in
                let r = try await vu.http.get("/api/records", query: ["page": "\(vu.iteration % 20)"], name: "list records")
                vu.check(r, "status is 200") { $0.status == 200 }
            },
    ], baseURL: "http://127.0.0.1:8080")
}
