/// The report's style sheet, inlined so the file stands alone. System fonts only: nothing to
/// fetch. Print gets black on white, no shadows, and sections kept whole across pages.
enum ReportStyle {
    static let css = """
    :root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --card: #ffffff;
            --ok: #047857; --ok-bg: #ecfdf5; --bad: #b91c1c; --bad-bg: #fef2f2; --warn: #92400e; --warn-bg: #fffbeb; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: var(--bg); color: var(--fg);
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
    h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: -0.01em; }
    h2 { font-size: 16px; margin: 0 0 12px; }
    .sub { color: var(--muted); margin: 0 0 16px; }
    code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
    section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 14px 0; }
    .banner { border-radius: 10px; padding: 14px 18px; margin: 14px 0; font-size: 16px; font-weight: 600; border: 1px solid; }
    .banner small { display: block; font-weight: 400; font-size: 13px; margin-top: 2px; }
    .banner.ok { color: var(--ok); background: var(--ok-bg); border-color: #a7f3d0; }
    .banner.bad { color: var(--bad); background: var(--bad-bg); border-color: #fecaca; }
    .banner.warn { color: var(--warn); background: var(--warn-bg); border-color: #fde68a; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 14px 0; }
    .tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
    .tile .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
    .tile .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    tbody tr:nth-child(even) { background: #fbfcfe; }
    tr.total td { font-weight: 650; border-top: 2px solid var(--line); }
    .scroll { overflow-x: auto; }
    .pass { color: var(--ok); font-weight: 600; }
    .fail { color: var(--bad); font-weight: 600; }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; }
    figure.chart-box { margin: 0; }
    figure.chart-box figcaption { font-weight: 600; margin-bottom: 4px; }
    svg.chart { width: 100%; height: auto; display: block; }
    svg.chart .grid { stroke: #eef0f3; stroke-width: 1; }
    svg.chart .axis, svg.chart .tick { stroke: #9ca3af; stroke-width: 1; }
    svg.chart text { font-size: 11px; fill: var(--muted); font-family: inherit; }
    svg.chart .series { stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
    svg.chart .area { opacity: 0.12; }
    ul.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); }
    ul.legend .swatch { display: inline-block; width: 18px; border-top: 3px solid; margin-right: 6px; vertical-align: middle; }
    ul.legend .swatch.dashed { border-top-style: dashed; }
    .muted { color: var(--muted); }
    .note { color: var(--muted); font-size: 12.5px; margin: 8px 0 0; }
    footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
    @media (max-width: 640px) { .charts { grid-template-columns: 1fr; } }
    @media print {
      body { background: #fff; font-size: 11px; }
      main { max-width: none; padding: 0; }
      section, .tile, .banner { break-inside: avoid; border-color: #d1d5db; }
      .charts { grid-template-columns: 1fr 1fr; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
