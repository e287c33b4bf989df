// Cookies: a browser-like session per VU.
//
//     swiftload run scenarios/examples/cookies.swift --env BASE_URL=http://127.0.0.1:8080
//
// Cookie jars are off by default, since API targets rarely use them and keeping them costs a
// little on every request. `Options(cookies: true)` gives every VU its own jar:
// `Set-Cookie` answers are stored per host and sent back as `Cookie`; `Max-Age=0` deletes.
// One VU can also turn its jar on alone with `vu.cookies.isEnabled = true`, and inspect or set
// cookies with `vu.cookies.cookies(for:)` and `vu.cookies.set(_:_:for:)`.
import SwiftLoad

@main struct CookiesExample: LoadTest {
    static let options = Options(scenarios: ["sessions": .constantVUs(10, duration: .seconds(30))], cookies: true, baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        if vu.iteration == 0 {
            // The login answer sets the session cookie; later requests carry it.
            try await vu.http.post("/login", body: .form(["user": "vu\(vu.id)", "password": "secret"]), name: "login")
        }
        let r = try await vu.http.get("/account", name: "account")
        vu.check(r, "logged in") { $0.status == 200 }
        try await vu.think(.uniform(.seconds(1), .seconds(3)))
    }
}
