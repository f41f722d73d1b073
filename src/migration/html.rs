//! `sunset report --format html`: one self-contained page.
//!
//! Inline CSS and SVG only: no font, style, image or script is fetched, and
//! a Content-Security-Policy of `default-src 'none'` makes the browser refuse
//! any that would be. The small inline script only sorts tables; the page is
//! complete without it (and printed). Every piece of text, scanned or from
//! rules, goes through [`esc`]; link targets are `http(s)` only.

use std::fmt::Write as _;
use std::io::Write;

use super::{
    by_status_words, date_words, days, plural, suppressed_words, EndpointPlan, Item, Plan,
};
use crate::rules::{Date, Deadline, Status};

/// Escapes text for an HTML element or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text in `<code>`, with a break opportunity after each `/` so
/// long paths and URLs wrap at a segment boundary on narrow screens.
fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s).replace('/', "/<wbr>"))
}

const STYLE: &str = r#"
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--soft:#f5f7fa;
--dep:#e9b949;--eos:#e8772e;--eol:#c23b3b;--ok:#2f7d4f}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.25rem;margin:32px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:20px 0 8px}
.meta{color:var(--muted);margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.88em;overflow-wrap:break-word}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--soft)}
.card .label{color:var(--muted);font-size:.85rem}
.card .value{font-size:1.7rem;font-weight:700;line-height:1.2}
.card .sub{font-size:.85rem;color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.js-sortable th{cursor:pointer;user-select:none}
table.js-sortable th::after{content:" \2195";color:var(--muted);font-size:.8em}
table.js-sortable th[aria-sort=ascending]::after{content:" \2191"}
table.js-sortable th[aria-sort=descending]::after{content:" \2193"}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:.78rem;font-weight:600;color:#fff;white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.s-eol{background:var(--eol)}.s-eos{background:var(--eos)}.s-deprecated{background:var(--dep);color:#3a2c00}.s-active{background:var(--ok)}
.endpoint{border:1px solid var(--line);border-radius:8px;padding:4px 14px 10px;margin:14px 0;break-inside:avoid}
.endpoint table th{background:none;color:var(--muted);font-weight:600;font-size:.8rem;border-bottom:0;padding-bottom:0}
.notes{margin:4px 0 0;padding-left:20px}.notes-title{margin:10px 0 0;font-weight:600;font-size:.85rem;color:var(--muted)}.endpoint td code{white-space:nowrap}
.checklist{list-style:none;padding:0;margin:0}
.checklist li{padding:6px 0;border-bottom:1px solid var(--line);display:flex;gap:8px;align-items:flex-start}
.checklist li input{margin-top:4px;flex:none}
.checklist .arrow{color:var(--muted)}.checklist .to{display:block}
.remarks{color:var(--muted);font-size:.85rem}
figure{margin:0}
svg.timeline{width:100%;min-width:640px;height:auto;display:block;border:1px solid var(--line);border-radius:8px;background:#fff}
figcaption{color:var(--muted);font-size:.85rem;margin-top:6px}
a{color:#1f5fbf}
@media (max-width:600px){body{font-size:14px}main{padding:16px 10px 32px}.card .value{font-size:1.4rem}}
@media print{main{max-width:none;padding:0}svg.timeline{min-width:0}a{color:inherit;text-decoration:none}
h2{break-after:avoid}tr,li,.card{break-inside:avoid}.scroll{overflow:visible}
table.js-sortable th::after{content:none}input,details{display:none}}
"#;

const SCRIPT: &str = r#"
(function(){
function key(td){var v=td.getAttribute('data-sort');if(v===null){v=td.textContent.trim();}
var n=Number(v);return(v!==''&&!isNaN(n))?n:v.toLowerCase();}
var tables=document.querySelectorAll('table.sortable');
Array.prototype.forEach.call(tables,function(t){
t.classList.add('js-sortable');
var heads=t.tHead?t.tHead.rows[0].cells:[];
Array.prototype.forEach.call(heads,function(th,i){
th.tabIndex=0;th.setAttribute('aria-sort','none');
function sort(){var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(heads,function(h){h.setAttribute('aria-sort','none');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);
var c=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));
return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});}
th.addEventListener('click',sort);
th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
});});
})();
"#;

pub fn render(plan: &Plan, out: &mut dyn Write) -> std::io::Result<()> {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"sunset {}\">\n\
         <title>Qualys API migration report — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(env!("CARGO_PKG_VERSION")),
        esc(&date_words(plan.as_of)),
    );
    header(plan, &mut s);
    summary(plan, &mut s);
    if let Some(repos) = &plan.repos {
        repositories(repos, &mut s);
    }
    timeline(plan, &mut s);
    endpoints(plan, &mut s);
    checklist(plan, &mut s);
    libraries(plan, &mut s);
    mentions(plan, &mut s);
    let _ = write!(s, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out.write_all(s.as_bytes())
}

fn header(plan: &Plan, s: &mut String) {
    s.push_str("<header>\n<h1>Qualys API migration report</h1>\n");
    let scope = match &plan.repos {
        Some(repos) => format!(
            "{} {}, {} files scanned",
            repos.len(),
            if repos.len() == 1 {
                "repository"
            } else {
                "repositories"
            },
            plan.files_scanned
        ),
        None => format!(
            "{} — {} scanned",
            plan.roots
                .iter()
                .map(|r| code(r))
                .collect::<Vec<_>>()
                .join(", "),
            plural(plan.files_scanned as i64, "file")
        ),
    };
    let _ = write!(
        s,
        "<p class=\"meta\">As of <strong>{}</strong> ({}). Scope: {}.</p>\n\
         <p class=\"meta\">A month-only deadline (“December 2026”) is read as the first day of that month.</p>\n</header>\n",
        esc(&date_words(plan.as_of)),
        esc(plan.basis.describe()),
        scope
    );
}

fn status_badge(status: Status) -> String {
    format!(
        "<span class=\"badge s-{}\">{}</span>",
        status.as_str(),
        esc(status.label())
    )
}

fn summary(plan: &Plan, s: &mut String) {
    s.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    let card = |s: &mut String, label: &str, value: &str, sub: &str| {
        let _ = writeln!(
            s,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{value}</div><div class=\"sub\">{sub}</div></div>",
            esc(label)
        );
    };
    card(
        s,
        "Call sites",
        &plan.calls.to_string(),
        &esc(&by_status_words(&plan.calls_by_status)),
    );
    card(s, "Files affected", &plan.files.to_string(), "with a call");
    card(
        s,
        "Endpoints affected",
        &plan.endpoints_called.to_string(),
        "legacy endpoint versions called",
    );
    match &plan.nearest {
        Some(n) => card(
            s,
            "Nearest deadline",
            &esc(&days(n.days_left)),
            &format!(
                "{} {} for <code>{}</code>",
                esc(n.milestone.label()),
                esc(&n.deadline.words()),
                esc(&n.endpoint)
            ),
        ),
        None => card(s, "Nearest deadline", "—", "no deadline ahead"),
    }
    s.push_str("</div>\n<ul>\n");
    if plan.mentions > 0 {
        let _ = writeln!(
            s,
            "<li>{} in comments and docs (<a href=\"#mentions\">listed apart</a>).</li>",
            esc(&plural(plan.mentions as i64, "mention"))
        );
    }
    if plan.suppressed > 0 {
        let _ = writeln!(
            s,
            "<li>{} suppressed (waived, ignored inline or in the baseline; still listed).</li>",
            plan.suppressed
        );
    }
    if plan.unresolved > 0 {
        let _ = writeln!(
            s,
            "<li>{} endpoint-like strings could not be resolved (see <code>sunset audit</code>).</li>",
            plan.unresolved
        );
    }
    if plan.active_ignored > 0 {
        let _ = writeln!(
            s,
            "<li>{} uses of current endpoints: nothing to migrate (not listed).</li>",
            plan.active_ignored
        );
    }
    s.push_str("</ul>\n</section>\n");
}

fn repositories(repos: &[super::RepoRow], s: &mut String) {
    s.push_str(
        "<section id=\"repositories\">\n<h2>Repositories</h2>\n<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr>\
         <th>Repository</th><th class=\"n\">Call sites</th><th class=\"n\">EOL</th><th class=\"n\">EOS</th>\
         <th class=\"n\">Deprecated</th><th class=\"n\">Mentions</th><th class=\"n\">Files</th>\
         <th>Nearest deadline</th><th class=\"n\">Days left</th><th>Scanned</th></tr></thead>\n<tbody>\n",
    );
    for r in repos {
        let n = |st: Status| r.calls_by_status.get(&st).copied().unwrap_or(0);
        let (nearest, sort, left) = match &r.nearest {
            Some(u) => (
                format!(
                    "{} {} {}",
                    esc(u.milestone.label()),
                    esc(&u.deadline.words()),
                    code(&u.endpoint)
                ),
                u.deadline.effective().to_string(),
                u.days_left.to_string(),
            ),
            None => ("—".to_string(), "9999-12-31".to_string(), "—".to_string()),
        };
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td data-sort=\"{}\">{nearest}</td>\
             <td class=\"n\">{left}</td><td>{}</td></tr>",
            esc(&r.repo),
            r.calls,
            n(Status::Eol),
            n(Status::Eos),
            n(Status::Deprecated),
            r.mentions,
            r.files,
            esc(&sort),
            r.scanned_on
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

// ---------------------------------------------------------------------------
// The timeline chart.
// ---------------------------------------------------------------------------

const W: f64 = 1000.0;
const PAD: f64 = 16.0;
const TOP: f64 = 58.0;
const ROW: f64 = 50.0;
const AXIS: f64 = 34.0;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn short(d: Deadline) -> String {
    match d {
        Deadline::Month { year, month } => format!("{} {year}", MONTHS[usize::from(month - 1)]),
        Deadline::Day(d) => format!("{} {} {}", d.day, MONTHS[usize::from(d.month - 1)], d.year),
    }
}

/// Maps days to x coordinates over the chart's span.
struct Scale {
    start: i64,
    end: i64,
}

impl Scale {
    fn x(&self, d: Date) -> f64 {
        let span = (self.end - self.start).max(1) as f64;
        PAD + (d.to_days() - self.start) as f64 / span * (W - 2.0 * PAD)
    }
}

fn month_start(year: i32, month: i32) -> Date {
    // month may run past 12 or below 1: normalise.
    let y = year + (month - 1).div_euclid(12);
    let m = (month - 1).rem_euclid(12) + 1;
    Date {
        year: y,
        month: m as u8,
        day: 1,
    }
}

fn timeline(plan: &Plan, s: &mut String) {
    s.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    let rows: Vec<&EndpointPlan> = plan.endpoints.iter().collect();
    if rows.is_empty() {
        s.push_str("<p>No legacy endpoint is used.</p>\n</section>\n");
        return;
    }
    // The span: every deadline and today, a month of margin before and
    // three after (room for the last EOL label), on month boundaries.
    let mut lo = plan.as_of;
    let mut hi = plan.as_of;
    for e in &rows {
        for d in [e.eos, e.eol].into_iter().flatten() {
            lo = lo.min(d.effective());
            hi = hi.max(d.effective());
        }
    }
    let first = month_start(lo.year, i32::from(lo.month) - 1);
    let last = month_start(hi.year, i32::from(hi.month) + 3);
    let scale = Scale {
        start: first.to_days(),
        end: last.to_days(),
    };
    let months_total =
        (last.year - first.year) * 12 + i32::from(last.month) - i32::from(first.month);
    let step = [1, 2, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|st| months_total / st <= 12)
        .unwrap_or(120);
    let height = TOP + ROW * rows.len() as f64 + AXIS;
    let _ = write!(
        s,
        "<figure>\n<div class=\"scroll\"><svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-labelledby=\"tl-title\" font-family=\"system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif\" font-size=\"13\">\n\
         <title id=\"tl-title\">Deadlines of the {} legacy endpoints in use, with today marked</title>\n",
        rows.len()
    );
    // Legend.
    let mut lx = PAD;
    for (class, color, label) in [
        (
            "deprecated",
            "#e9b949",
            "deprecated (replacement published)",
        ),
        ("eos", "#e8772e", "End of Support"),
        ("eol", "#c23b3b", "End of Life: calls fail"),
    ] {
        let _ = writeln!(
            s,
            "<g class=\"legend-{class}\"><rect x=\"{lx:.1}\" y=\"8\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"20\" fill=\"#1d2330\">{}</text></g>",
            lx + 19.0,
            esc(label)
        );
        lx += 38.0 + label.len() as f64 * 6.6;
    }
    // Month grid and axis labels.
    let bottom = TOP + ROW * rows.len() as f64;
    let mut m = 0;
    while m <= months_total {
        let d = month_start(first.year, i32::from(first.month) + m);
        let x = scale.x(d);
        let label = if step >= 12 || d.month == 1 || m == 0 {
            format!("{} {}", MONTHS[usize::from(d.month - 1)], d.year)
        } else {
            MONTHS[usize::from(d.month - 1)].to_string()
        };
        // The end labels are anchored inwards so they are not clipped.
        let anchor = if m == 0 {
            "start"
        } else if m + step > months_total {
            "end"
        } else {
            "middle"
        };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#e6e9ef\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#5b6475\" font-size=\"12\">{}</text>",
            TOP - 6.0,
            bottom + 20.0,
            esc(&label)
        );
        m += step;
    }
    for (i, e) in rows.iter().enumerate() {
        row(s, &scale, e, TOP + ROW * i as f64, first, last);
    }
    // Today, drawn last so it stays on top of the bars.
    let tx = scale.x(plan.as_of);
    let anchor = if tx > W * 0.8 { "end" } else { "start" };
    let dx = if anchor == "end" { -6.0 } else { 6.0 };
    let _ = writeln!(
        s,
        "<g class=\"today\"><line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{bottom:.1}\" stroke=\"#1d2330\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-weight=\"700\" fill=\"#1d2330\">today · {}</text></g>",
        TOP - 22.0,
        tx + dx,
        TOP - 24.0,
        esc(&date_words(plan.as_of))
    );
    s.push_str("</svg></div>\n");
    let _ = writeln!(
        s,
        "<figcaption>One bar per legacy endpoint in use; the count is its call sites. Dashed line: {}.</figcaption>\n</figure>",
        esc(&date_words(plan.as_of))
    );
    timeline_table(plan, s);
    s.push_str("</section>\n");
}

/// One endpoint's bar: deprecated until EOS, EOS until EOL, EOL after.
fn row(s: &mut String, scale: &Scale, e: &EndpointPlan, y: f64, first: Date, last: Date) {
    let count = if e.mentions > 0 {
        format!(
            "{}, {}",
            plural(e.calls as i64, "call site"),
            plural(e.mentions as i64, "mention")
        )
    } else {
        plural(e.calls as i64, "call site")
    };
    let _ = writeln!(
        s,
        "<g class=\"row\"><text x=\"{PAD}\" y=\"{:.1}\"><tspan font-family=\"ui-monospace,Menlo,Consolas,monospace\" font-weight=\"700\">{}</tspan><tspan fill=\"#5b6475\"> {}</tspan></text>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-weight=\"700\">{}</text>",
        y + 16.0,
        esc(&e.endpoint),
        esc(&e.name),
        W - PAD,
        y + 16.0,
        esc(&count)
    );
    let eos = e.eos.map(Deadline::effective);
    let eol = e.eol.map(Deadline::effective);
    let dep_end = eos.or(eol).unwrap_or(last);
    let eos_end = eol.unwrap_or(last);
    let mut segments: Vec<(Date, Date, &str, &str, String)> = Vec::new();
    segments.push((
        first,
        dep_end,
        "#e9b949",
        "#3a2c00",
        if e.eos.is_none() && e.eol.is_none() {
            "deprecated, no date published".to_string()
        } else {
            "deprecated".to_string()
        },
    ));
    if let (Some(from), Some(d)) = (eos, e.eos) {
        segments.push((
            from,
            eos_end,
            "#e8772e",
            "#fff",
            format!("EOS {}", short(d)),
        ));
    }
    if let (Some(from), Some(d)) = (eol, e.eol) {
        segments.push((from, last, "#c23b3b", "#fff", format!("EOL {}", short(d))));
    }
    let bar_y = y + 24.0;
    for (from, to, fill, ink, label) in segments {
        let x1 = scale.x(from.max(first));
        let x2 = scale.x(to.min(last));
        let w = x2 - x1;
        if w <= 0.0 {
            continue;
        }
        let _ = write!(
            s,
            "<rect x=\"{x1:.1}\" y=\"{bar_y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{fill}\"><title>{}: {}</title></rect>",
            esc(&e.endpoint),
            esc(&label)
        );
        // The label inside the segment when it fits (12 px semi-bold text
        // is at most about 8 px a character in common sans fonts).
        let fits = label.len() as f64 * 8.0 + 8.0 <= w;
        let short_label = label.split(' ').next().unwrap_or("");
        let text = if fits {
            Some(label.as_str())
        } else if short_label.len() as f64 * 8.0 + 6.0 <= w {
            Some(short_label)
        } else {
            None
        };
        if let Some(text) = text {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{ink}\" font-size=\"12\" font-weight=\"600\">{}</text>",
                x1 + 4.0,
                bar_y + 13.5,
                esc(text)
            );
        }
    }
    s.push_str("</g>\n");
}

/// The same dates as a table, for screen readers and for copying.
fn timeline_table(plan: &Plan, s: &mut String) {
    if plan.timeline.is_empty() {
        return;
    }
    s.push_str(
        "<details><summary>The deadlines as a table</summary>\n<div class=\"scroll\"><table class=\"sortable\" id=\"timeline-table\">\n\
         <thead><tr><th>Date</th><th>Deadline</th><th>Endpoint</th><th class=\"n\">Call sites</th><th class=\"n\">Mentions</th><th>When</th></tr></thead>\n<tbody>\n",
    );
    for e in &plan.timeline {
        let _ = writeln!(
            s,
            "<tr><td data-sort=\"{}\">{}</td><td>{} {}</td><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            e.deadline.effective(),
            esc(&e.deadline.published()),
            esc(e.milestone.label()),
            esc(&e.deadline.words()),
            code(&e.endpoint),
            esc(&e.name),
            e.calls,
            e.mentions,
            esc(&EndpointPlan::when(e.deadline, plan.as_of))
        );
    }
    s.push_str("</tbody></table></div></details>\n");
}

// ---------------------------------------------------------------------------
// Endpoints, checklist, mentions.
// ---------------------------------------------------------------------------

fn deadline_cell(d: Option<Deadline>, as_of: Date) -> (String, String) {
    match d {
        Some(d) => (
            d.effective().to_string(),
            format!(
                "{} <span class=\"remarks\">({})</span>",
                esc(&d.words()),
                esc(&EndpointPlan::when(d, as_of))
            ),
        ),
        None => ("9999-12-31".to_string(), "not published".to_string()),
    }
}

fn endpoints(plan: &Plan, s: &mut String) {
    s.push_str("<section id=\"endpoints\">\n<h2>Endpoints</h2>\n");
    if plan.endpoints.is_empty() {
        s.push_str("<p>No legacy endpoint is used.</p>\n</section>\n");
        return;
    }
    s.push_str(
        "<div class=\"scroll\"><table class=\"sortable\" id=\"endpoints-table\">\n<thead><tr><th>Name</th><th>Legacy</th><th>Replacement</th>\
         <th>EOS</th><th>EOL</th><th>Status</th><th class=\"n\">Call sites</th><th class=\"n\">Files</th></tr></thead>\n<tbody>\n",
    );
    for e in &plan.endpoints {
        let (eos_key, eos) = deadline_cell(e.eos, plan.as_of);
        let (eol_key, eol) = deadline_cell(e.eol, plan.as_of);
        let status_key = match e.status {
            Status::Eol => 0,
            Status::Eos => 1,
            Status::Deprecated => 2,
            Status::Active => 3,
        };
        let _ = writeln!(
            s,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td data-sort=\"{eos_key}\">{eos}</td>\
             <td data-sort=\"{eol_key}\">{eol}</td><td data-sort=\"{status_key}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            anchor(&e.rule),
            esc(&e.name),
            code(&e.endpoint),
            e.replacement
                .as_deref()
                .map_or_else(|| "—".to_string(), code),
            status_badge(e.status),
            e.calls,
            e.files
        );
    }
    s.push_str("</tbody></table></div>\n");
    for e in &plan.endpoints {
        endpoint(plan, e, s);
    }
    s.push_str("</section>\n");
}

/// An element id from a rule id: rule ids are kebab-case, but a user rule
/// file could hold anything, so every other character is replaced.
fn anchor(rule: &str) -> String {
    let id: String = rule
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("rule-{id}")
}

fn endpoint(plan: &Plan, e: &EndpointPlan, s: &mut String) {
    let _ = write!(
        s,
        "<article class=\"endpoint\" id=\"{}\">\n<h3>{} — <code>{}</code>",
        anchor(&e.rule),
        esc(&e.name),
        esc(&e.endpoint)
    );
    if let Some(r) = &e.replacement {
        let _ = write!(s, " → <code>{}</code>", esc(r));
    }
    s.push_str("</h3>\n");
    // One header row and one value row: compact on a wide page, scrolled
    // sideways on a phone.
    let mut cells: Vec<(&str, String)> = Vec::new();
    let mut row = |k: &'static str, v: String| cells.push((k, v));
    row("Status", status_badge(e.status));
    row("End of Support", deadline_cell(e.eos, plan.as_of).1);
    row("End of Life", deadline_cell(e.eol, plan.as_of).1);
    row(
        "Call sites",
        esc(&format!(
            "{} in {}",
            e.calls,
            plural(e.files as i64, "file")
        )),
    );
    if plan.repos.is_some() {
        row("Repositories", e.repos.to_string());
    }
    if e.mentions > 0 {
        row("Mentions", e.mentions.to_string());
    }
    row("Rule", format!("<code>{}</code>", esc(&e.rule)));
    let title = esc(&e.source.title);
    let source = match e.source.url.as_deref().filter(|u| super::is_http(u)) {
        Some(url) => format!(
            "<a href=\"{}\">{title}</a> ({})",
            esc(url),
            esc(&e.source.date)
        ),
        None => format!("{title} ({})", esc(&e.source.date)),
    };
    row("Source", source);
    if !e.confirmed {
        row("Evidence", "secondary only: unconfirmed".to_string());
    }
    s.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (k, _) in &cells {
        let _ = write!(s, "<th>{}</th>", esc(k));
    }
    s.push_str("</tr></thead>\n<tbody><tr>");
    for (_, v) in &cells {
        let _ = write!(s, "<td>{v}</td>");
    }
    s.push_str("</tr></tbody></table></div>\n");
    if !e.request_changes.is_empty() {
        s.push_str("<p class=\"notes-title\">Request changes</p>\n<ul class=\"notes\">\n");
        for c in &e.request_changes {
            let _ = writeln!(
                s,
                "<li><strong>{}</strong> <code>{}</code>: {} ({})</li>",
                esc(c.level.as_str()),
                esc(&c.code),
                esc(&c.message),
                esc(&plural(c.calls as i64, "call"))
            );
        }
        s.push_str("</ul>\n");
    }
    if !e.notes.is_empty() {
        s.push_str("<p class=\"notes-title\">Migration notes</p>\n<ul class=\"notes\">\n");
        for n in &e.notes {
            let _ = writeln!(s, "<li>{}</li>", esc(n));
        }
        s.push_str("</ul>\n");
    } else if !e.rule_loaded {
        let _ = writeln!(
            s,
            "<p class=\"remarks\">Rule <code>{}</code> is not among the loaded rules: pass its file with <code>--rules</code> to show its migration notes.</p>",
            esc(&e.rule)
        );
    }
    s.push_str("</article>\n");
}

fn item(item: &Item, checkbox: bool, s: &mut String) {
    let location = code(&item.location());
    let location = match &item.link {
        Some(url) => format!("<a href=\"{}\">{location}</a>", esc(url)),
        None => location,
    };
    s.push_str("<li>");
    if checkbox {
        let _ = write!(
            s,
            "<input type=\"checkbox\" aria-label=\"done: {}\">",
            esc(&item.location())
        );
    }
    let _ = write!(
        s,
        "<div>{location} {} {}",
        status_badge(item.status),
        code(&item.matched)
    );
    if let Some(t) = item.target() {
        let _ = write!(
            s,
            " <span class=\"to\"><span class=\"arrow\">→</span> {}</span>",
            code(t)
        );
    }
    let mut remarks = Vec::new();
    if let Some(by) = item.suppressed {
        remarks.push(suppressed_words(by));
    }
    if !item.confirmed {
        remarks.push("unconfirmed".to_string());
    }
    if let Some(via) = &item.via {
        remarks.push(format!("via {via}"));
    }
    if let Some(fix) = &item.fix {
        remarks.push(fix.words());
    }
    if !remarks.is_empty() {
        let _ = write!(
            s,
            " <span class=\"remarks\">({})</span>",
            esc(&remarks.join("; "))
        );
    }
    s.push_str("</div></li>\n");
}

fn checklist(plan: &Plan, s: &mut String) {
    s.push_str("<section id=\"checklist\">\n<h2>Checklist</h2>\n");
    if plan.checklist.is_empty() {
        s.push_str("<p>No call site to migrate.</p>\n");
    }
    for g in &plan.checklist {
        let _ = writeln!(
            s,
            "<h3>{} <span class=\"remarks\">({})</span></h3>\n<ul class=\"checklist\">",
            esc(&g.heading()),
            esc(&plural(g.items.len() as i64, "call site"))
        );
        for i in &g.items {
            item(i, true, s);
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

/// Client libraries the project depends on that reach legacy endpoints.
fn libraries(plan: &Plan, s: &mut String) {
    if plan.libraries.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"libraries\">\n<h2>Client libraries</h2>\n<p>These dependencies call legacy endpoints \
         inside the library: no path is written in your code, the version of the library decides.</p>\n",
    );
    for lib in &plan.libraries {
        let _ = write!(
            s,
            "<h3>{} <span class=\"muted\">({})</span></h3>\n<p>",
            esc(&lib.name),
            esc(&lib.version)
        );
        if !lib.declared.is_empty() {
            let at: Vec<String> = lib.declared.iter().map(|d| code(d)).collect();
            let _ = write!(s, "Declared at {}. ", at.join(", "));
        }
        let calls = match lib.calls {
            0 => "No call site found".to_string(),
            1 => "1 call site".to_string(),
            n => format!("{n} call sites"),
        };
        let _ = write!(
            s,
            "{} through it.</p>\n<table>\n<thead><tr><th>Endpoint</th><th>Way out</th></tr></thead>\n<tbody>\n",
            esc(&calls)
        );
        for (endpoint, way) in &lib.endpoints {
            let way = if way.is_empty() {
                "see the release notes of the library"
            } else {
                way
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td></tr>",
                code(endpoint),
                esc(way)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");
}

fn mentions(plan: &Plan, s: &mut String) {
    if plan.mentions_list.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"mentions\">\n<h2>Mentions</h2>\n<p>Comments and documentation that name a legacy endpoint. \
         They call nothing, but readers will copy them.</p>\n<ul class=\"checklist\">\n",
    );
    for i in &plan.mentions_list {
        item(i, false, s);
    }
    s.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc("<img src=x onerror=\"alert('1')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn anchors_keep_only_safe_characters() {
        assert_eq!(anchor("qualys-scan-v2"), "rule-qualys-scan-v2");
        assert_eq!(anchor("a\"><b"), "rule-a___b");
    }

    #[test]
    fn scale_maps_the_span_onto_the_chart_width() {
        let first = Date::parse("2025-11-01").expect("date");
        let last = Date::parse("2027-08-01").expect("date");
        let scale = Scale {
            start: first.to_days(),
            end: last.to_days(),
        };
        assert!((scale.x(first) - PAD).abs() < 1e-9);
        assert!((scale.x(last) - (W - PAD)).abs() < 1e-9);
        let mid = Date::from_days((first.to_days() + last.to_days()) / 2);
        assert!((scale.x(mid) - W / 2.0).abs() < 1.0);
    }

    #[test]
    fn month_start_wraps_years() {
        assert_eq!(
            month_start(2026, 0),
            Date {
                year: 2025,
                month: 12,
                day: 1
            }
        );
        assert_eq!(
            month_start(2026, 14),
            Date {
                year: 2027,
                month: 2,
                day: 1
            }
        );
    }
}
