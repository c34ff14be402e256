import Hummingbird
import NIOCore

/// The dashboard's one stylesheet, served by Patron itself (nothing comes from elsewhere). Its path carries a
/// version, so browsers may keep it for a year.
enum DashboardAssets {
    static let version = "9"
    static let stylesheetPath = "/assets/dashboard-\(version).css"

    static func addRoutes(to router: Router<PatronRequestContext>) {
        router.get(RouterPath(stringLiteral: stylesheetPath)) { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=31536000, immutable",
                ],
                body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
        }
    }

    static let stylesheet = """
        :root { --ink: #1c2430; --muted: #5b6675; --line: #d8dde4; --paper: #ffffff; --wash: #f4f6f8;
          --accent: #0b6bcb; --up: #0a7a3d; --down: #b3261e; --series-2: #c2571a;
          font-family: system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
          color: var(--ink); background: var(--wash); line-height: 1.5; }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
          outline: 3px solid var(--accent); outline-offset: 2px; }
        .skip { position: absolute; left: -10000px; }
        .skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; z-index: 1; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1rem;
          background: var(--paper); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current="page"] { font-weight: 700; color: var(--ink); }
        .tools { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; }
        .account { display: flex; align-items: center; gap: .5rem; margin: 0; color: var(--muted); }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        button, input, select { font: inherit; }
        button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .4rem .9rem;
          cursor: pointer; }
        .account button { background: transparent; color: var(--accent); border: 1px solid var(--line); }
        button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
        button.danger { background: var(--down); }
        fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; padding: .25rem 1rem 0; }
        fieldset .inline { display: flex; flex-wrap: wrap; gap: 0 1rem; }
        fieldset .inline label { display: block; margin: .75rem 0 .25rem; }
        p.download { margin: .25rem 0 1rem; font-size: .9rem; }
        input, select { border: 1px solid #8a94a3; border-radius: 4px; padding: .35rem .5rem; background: #fff; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        .inline label { display: inline; margin: 0 .25rem 0 0; }
        label.choice { display: inline-block; font-weight: normal; margin: .5rem 1rem .25rem 0; }
        form.inline { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; }
        .card, figure, .tile { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; }
        .card { padding: 1rem; margin-bottom: 1rem; }
        .narrow { max-width: 26rem; margin: 2rem auto; }
        .narrow input { width: 100%; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .75rem;
          list-style: none; padding: 0; margin: 1rem 0; }
        .tile { padding: .75rem; }
        .tile h2 { font-size: .9rem; color: var(--muted); margin: 0; font-weight: 600; }
        .tile .value { font-size: 1.6rem; font-weight: 700; margin: .25rem 0; }
        .tile .change { font-size: .85rem; margin: 0; color: var(--muted); }
        .up { color: var(--up); }
        .down { color: var(--down); }
        .presets { display: flex; flex-wrap: wrap; gap: .75rem; list-style: none; padding: 0; margin: .5rem 0; }
        figure { margin: 1rem 0; padding: 1rem; }
        figcaption { font-weight: 600; margin-bottom: .5rem; }
        svg.chart { width: 100%; height: auto; display: block; }
        .chart .axis { stroke: var(--line); }
        .chart text { fill: var(--muted); font-size: 11px; }
        .chart .series-1 { stroke: var(--accent); fill: none; stroke-width: 2; }
        .chart .series-2 { stroke: var(--series-2); fill: none; stroke-width: 2; stroke-dasharray: 6 4; }
        .chart .bar { fill: var(--accent); }
        details { margin-top: .5rem; }
        table { border-collapse: collapse; width: 100%; background: var(--paper); }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        .table-scroll { overflow-x: auto; }
        .problem { border-left: 4px solid var(--down); padding: .5rem .75rem; background: #fff5f4; }
        .muted { color: var(--muted); }
        .nowrap { white-space: nowrap; }
        /* Ink on the light shades, white on the dark ones: every pair keeps a contrast of 4.5 or more. */
        .heat-0 { background: hsl(210 70% 96%); }
        .heat-1 { background: hsl(210 70% 89%); }
        .heat-2 { background: hsl(210 70% 82%); }
        .heat-3 { background: hsl(210 70% 75%); }
        .heat-4 { background: hsl(210 70% 68%); }
        .heat-5 { background: hsl(210 70% 61%); }
        .heat-6 { background: hsl(210 70% 44%); color: #fff; }
        .heat-7 { background: hsl(210 70% 38%); color: #fff; }
        .heat-8 { background: hsl(210 70% 32%); color: #fff; }
        .heat-9 { background: hsl(210 70% 26%); color: #fff; }
        .notice { border-left: 4px solid var(--up); padding: .5rem .75rem; background: #f1faf4; }
        textarea { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, monospace; width: 100%;
          border: 1px solid #8a94a3; border-radius: 4px; padding: .5rem; }
        pre { background: var(--paper); border: 1px solid var(--line); border-radius: 4px; padding: .75rem;
          overflow-x: auto; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .card > h2:first-child, .card > .problem:first-child { margin-top: 0; }
        .survey .scale { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
        .survey .choice { display: flex; align-items: center; gap: .25rem; min-width: 2.75rem; min-height: 2.75rem;
          padding: 0 .5rem; border: 1px solid var(--line); border-radius: 4px; }
        .survey textarea { font: inherit; }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
        @media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
        """
}
