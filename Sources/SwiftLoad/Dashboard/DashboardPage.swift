/// The live dashboard's page: one self-contained file (its style and script inline, nothing
/// loaded from elsewhere) that asks `/api/state` once a second and redraws tiles, two charts and
/// the threshold and server tables; when the run has ended it shows the result's numbers and
/// keeps the HTML report as a file to save (the process exits once it is taken).
enum DashboardPage {
    static let html = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>swiftload — live</title>
    <style>
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
    main{max-width:1100px;margin:0 auto;padding:20px}
    h1{font-size:20px;margin:0 0 4px}#status{color:#475569;margin-bottom:14px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;margin-bottom:16px}
    .tile{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px}
    .tile .k{color:#64748b;font-size:12px}.tile .v{font-size:20px;font-weight:600}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
    figure{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px}
    figcaption{font-weight:600;margin-bottom:6px}svg{width:100%;height:180px}
    table{border-collapse:collapse;width:100%;background:#fff;margin-top:12px}
    td,th{border-bottom:1px solid #e2e8f0;padding:5px 8px;text-align:left}td.n{text-align:right}
    .pass{color:#059669}.fail{color:#dc2626}#final{display:none;margin:14px 0;padding:12px;border-radius:8px;background:#ecfdf5;border:1px solid #a7f3d0}
    </style></head>
    <body><main>
    <h1 id="title">swiftload</h1><div id="status">connecting…</div>
    <div id="final"><strong id="verdict"></strong> — <a id="report" download="swiftload-report.html">save the HTML report</a></div>
    <div class="tiles">
    <div class="tile"><div class="k">requests</div><div class="v" id="requests">–</div></div>
    <div class="tile"><div class="k">requests/s</div><div class="v" id="rps">–</div></div>
    <div class="tile"><div class="k">p50</div><div class="v" id="p50">–</div></div>
    <div class="tile"><div class="k">p95</div><div class="v" id="p95">–</div></div>
    <div class="tile"><div class="k">p99</div><div class="v" id="p99">–</div></div>
    <div class="tile"><div class="k">errors</div><div class="v" id="errors">–</div></div>
    <div class="tile"><div class="k">VUs</div><div class="v" id="vus">–</div></div>
    <div class="tile"><div class="k">iterations</div><div class="v" id="iterations">–</div></div>
    </div>
    <div class="charts">
    <figure><figcaption>Requests per second</figcaption><svg id="c-rps" viewBox="0 0 400 180" preserveAspectRatio="none"></svg></figure>
    <figure><figcaption>Latency p50 / p95 / p99 (ms)</figcaption><svg id="c-lat" viewBox="0 0 400 180" preserveAspectRatio="none"></svg></figure>
    </div>
    <table id="thresholds"></table><table id="server"></table><table id="llm"></table>
    </main>
    <script>
    const $ = id => document.getElementById(id);
    const fmtMs = v => v >= 1000 ? (v / 1000).toFixed(2) + " s" : v >= 10 ? v.toFixed(1) + " ms" : v.toFixed(2) + " ms";
    const fmtN = v => Math.round(v).toLocaleString("en-US");
    const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
    function line(svg, series, colors) {
      const all = series.flat().map(p => p[1]), xs = series.flat().map(p => p[0]);
      if (!xs.length) return;
      const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1), y1 = Math.max(...all, 1e-9) * 1.1;
      svg.innerHTML = series.map((pts, i) => '<polyline class="series" data-points="' + pts.length + '" fill="none" stroke="' + colors[i] +
        '" stroke-width="2" vector-effect="non-scaling-stroke" points="' + pts.map(p => ((p[0] - x0) / (x1 - x0) * 400).toFixed(1) + "," +
        (180 - p[1] / y1 * 170).toFixed(1)).join(" ") + '"/>').join("") +
        '<text x="4" y="12" font-size="11" fill="#64748b">' + (y1 / 1.1).toPrecision(3) + '</text>';
    }
    async function poll() {
      let s;
      try { s = await (await fetch("/api/state", {cache: "no-store"})).json(); } catch (e) { $("status").textContent = "the run has ended (the dashboard closed)"; return; }
      $("title").textContent = (s.script || "swiftload") + " — live";
      const pts = s.points, last = pts[pts.length - 1];
      $("status").textContent = s.status + " · " + s.elapsedSeconds.toFixed(0) + " s of " + s.plannedSeconds.toFixed(0) + " s";
      const f = s.final;
      $("requests").textContent = fmtN(f ? f.requests : s.requests);
      $("rps").textContent = f ? f.rps.toFixed(1) : last ? last[1].toFixed(1) : "–";
      $("p50").textContent = f ? fmtMs(f.p50) : last ? fmtMs(last[2]) : "–";
      $("p95").textContent = f ? fmtMs(f.p95) : last ? fmtMs(last[3]) : "–";
      $("p99").textContent = f ? fmtMs(f.p99) : last ? fmtMs(last[4]) : "–";
      $("errors").textContent = fmtN(f ? f.failures : s.failures);
      $("vus").textContent = last ? fmtN(last[6]) : "–";
      $("iterations").textContent = fmtN(s.iterations);
      line($("c-rps"), [pts.map(p => [p[0], p[1]])], ["#2563eb"]);
      line($("c-lat"), [pts.map(p => [p[0], p[2]]), pts.map(p => [p[0], p[3]]), pts.map(p => [p[0], p[4]])], ["#2563eb", "#d97706", "#dc2626"]);
      $("thresholds").innerHTML = s.thresholds.length ? "<tr><th></th><th>threshold</th><th>condition</th><th>actual</th></tr>" + s.thresholds.map(t =>
        '<tr><td class="' + (t.passed ? "pass" : "fail") + '">' + (t.passed ? "✓" : "✗") + "</td><td>" + esc(t.metric) + "</td><td>" + esc(t.condition) +
        '</td><td class="n">' + (t.actual == null ? esc(t.note || "no value") : t.unit == "ms" ? fmtMs(t.actual) : t.unit == "rate" ? (t.actual * 100).toFixed(2) + "%" : t.actual.toFixed(2)) + "</td></tr>").join("") : "";
      const server = Object.entries(s.server).sort((a, b) => a[0] < b[0] ? -1 : 1).slice(0, 12);
      $("server").innerHTML = server.length ? "<tr><th>server series (last second)</th><th>value</th></tr>" + server.map(([k, v]) =>
        "<tr><td>" + esc(k) + '</td><td class="n">' + Number(v).toPrecision(4) + "</td></tr>").join("") : "";
      $("llm").innerHTML = s.llm ? "<tr><th>LLM calls (last second)</th><th>TTFT p99</th><th>ITL p99</th><th>output tokens</th></tr><tr><td>" +
        s.llm.calls + '</td><td class="n">' + fmtMs(s.llm.ttftP99) + '</td><td class="n">' + fmtMs(s.llm.itlP99) + '</td><td class="n">' + s.llm.outputTokens + "</td></tr>" : "";
      if (f) {
        $("final").style.display = "block";
        $("verdict").textContent = f.verdict + " (exit code " + f.exitCode + ")";
        // The process exits once the report is taken: the page keeps it as a file to save.
        try {
          const blob = await (await fetch("/report", {cache: "no-store"})).blob();
          $("report").href = URL.createObjectURL(blob);
          document.body.dataset.report = String(blob.size);
        } catch (e) { $("report").textContent = "the report is in the run's --out html file"; }
        document.body.dataset.final = "1";
        return;
      }
      setTimeout(poll, 1000);
    }
    poll();
    </script></body></html>
    """
}
