/// A sweep's `--slo` in the threshold grammar: bare conditions are on `http_req_duration`
/// (`p(99)<50ms`), `error_rate<1%` is `http_req_failed`'s rate, LLM metrics go by short name
/// (`ttft p(99)<500ms`, `tpot: p(90) < 50ms`, `goodput rate>2`), and anything else is a
/// threshold as `--threshold` takes it (`metric{tag:v}:condition`).
public enum SweepSLO {
    /// Short names of the LLM metrics.
    public static let aliases = ["ttft": "llm_ttft", "ttfot": "llm_ttfot", "itl": "llm_itl", "tpot": "llm_tpot",
                                 "e2e": "llm_e2e", "goodput": "llm_goodput",
                                 "output_tokens_per_second": "llm_output_tokens_per_second"]

    /// The threshold text for `slo`, checked by the threshold parser.
    public static func threshold(_ slo: String) throws(ThresholdSyntaxError) -> String {
        let t = slo.trimmingSpaces()
        var text = t
        let word = String(t.prefix { $0.isLetter || $0 == "_" })
        if let metric = aliases[word], t.count > word.count, [" ", ":"].contains(t.dropFirst(word.count).first) {
            var rest = t.dropFirst(word.count).drop { $0 == " " }
            if rest.first == ":" { rest = rest.dropFirst() }
            text = metric + ":" + rest
        } else if t.hasPrefix("error_rate") {
            text = "http_req_failed:rate" + t.dropFirst("error_rate".count)
        } else if ["p(", "avg", "med", "min", "max"].contains(where: { t.hasPrefix($0) }) {
            text = "http_req_duration:" + t
        }
        _ = try ThresholdParser.parse(text)
        return text
    }
}
