//! `sunset report --format markdown`: the plan as GitHub-flavoured Markdown
//! (renders in a pull request, an issue or a wiki).
//!
//! Every piece of scanned text (paths, URLs) goes into a code span or
//! through [`text`], so a file name cannot inject Markdown or HTML.

use std::io::Write;

use super::{
    by_status_words, date_words, days, plural, suppressed_words, EndpointPlan, Item, Plan,
};
use crate::rules::Status;

pub fn render(plan: &Plan, out: &mut dyn Write) -> std::io::Result<()> {
    let mut s = String::new();
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
    out.write_all(s.as_bytes())
}

/// Client libraries the project depends on that reach legacy endpoints.
fn libraries(plan: &Plan, s: &mut String) {
    if plan.libraries.is_empty() {
        return;
    }
    s.push_str(
        "## Client libraries

",
    );
    s.push_str("These dependencies call legacy endpoints inside the library: no path is written in your code, the version of the library decides.\n\n");
    for lib in &plan.libraries {
        s.push_str(&format!(
            "### {} ({})

",
            text(&lib.name),
            text(&lib.version)
        ));
        if !lib.declared.is_empty() {
            let at: Vec<String> = lib.declared.iter().map(|d| code(d)).collect();
            s.push_str(&format!("Declared at {}. ", at.join(", ")));
        }
        s.push_str(&format!(
            "{} through it.

",
            match lib.calls {
                0 => "No call site found".to_string(),
                1 => "1 call site".to_string(),
                n => format!("{n} call sites"),
            }
        ));
        s.push_str(
            "| Endpoint | Way out |
|---|---|
",
        );
        for (endpoint, way) in &lib.endpoints {
            let way = if way.is_empty() {
                "see the release notes of the library"
            } else {
                way
            };
            s.push_str(&format!(
                "| {} | {} |
",
                code(endpoint),
                text(way)
            ));
        }
        s.push('\n');
    }
}

fn header(plan: &Plan, s: &mut String) {
    s.push_str(crate::model::MARKDOWN_MARK);
    s.push_str("\n# Qualys API migration report\n\n");
    let scope = match &plan.repos {
        Some(repos) => format!(
            "{} {} ({}), {} files scanned",
            repos.len(),
            if repos.len() == 1 {
                "repository"
            } else {
                "repositories"
            },
            repos
                .iter()
                .map(|r| code(&r.repo))
                .collect::<Vec<_>>()
                .join(", "),
            plan.files_scanned
        ),
        None => format!(
            "{}, {}",
            plan.roots
                .iter()
                .map(|r| code(r))
                .collect::<Vec<_>>()
                .join(", "),
            plural(plan.files_scanned as i64, "file") + " scanned"
        ),
    };
    s.push_str(&format!(
        "As of **{}** ({}). Scope: {}.\n\n",
        date_words(plan.as_of),
        plan.basis.describe(),
        scope
    ));
    s.push_str(
        "A month-only deadline (\"December 2026\") is read as the first day of that month.\n\n",
    );
}

fn summary(plan: &Plan, s: &mut String) {
    s.push_str("## Summary\n\n| | |\n|---|---|\n");
    s.push_str(&format!(
        "| Call sites | **{}** ({}) |\n",
        plan.calls,
        by_status_words(&plan.calls_by_status)
    ));
    s.push_str(&format!(
        "| Files affected | {} |\n| Endpoints affected | {} |\n",
        plan.files, plan.endpoints_called
    ));
    let nearest = match &plan.nearest {
        Some(n) => format!(
            "**{} {}** for {} — **{}**",
            n.milestone.label(),
            n.deadline.words(),
            code_cell(&n.endpoint),
            days(n.days_left)
        ),
        None if plan.calls_by_status.contains_key(&Status::Eol) => {
            "none ahead: every called endpoint is past End of Life".to_string()
        }
        None => "none".to_string(),
    };
    s.push_str(&format!("| Nearest deadline | {nearest} |\n"));
    if plan.mentions > 0 {
        s.push_str(&format!(
            "| Mentions | {} (comments and docs, listed apart) |\n",
            plan.mentions
        ));
    }
    if plan.suppressed > 0 {
        s.push_str(&format!(
            "| Suppressed | {} (waived, ignored inline or in the baseline; still listed) |\n",
            plan.suppressed
        ));
    }
    if plan.unresolved > 0 {
        s.push_str(&format!(
            "| Unresolved | {} endpoint-like strings could not be resolved (see `sunset audit`) |\n",
            plan.unresolved
        ));
    }
    if plan.active_ignored > 0 {
        s.push_str(&format!(
            "| Current endpoints | {} uses, nothing to migrate (not listed) |\n",
            plan.active_ignored
        ));
    }
    s.push('\n');
}

fn repositories(repos: &[super::RepoRow], s: &mut String) {
    s.push_str("## Repositories\n\n");
    s.push_str("| Repository | Call sites | EOL | EOS | Deprecated | Mentions | Files | Nearest deadline | Days left | Scanned |\n");
    s.push_str("|---|--:|--:|--:|--:|--:|--:|---|--:|---|\n");
    for r in repos {
        let n = |st: Status| r.calls_by_status.get(&st).copied().unwrap_or(0);
        let (nearest, left) = match &r.nearest {
            Some(u) => (
                format!(
                    "{} {} ({})",
                    u.milestone.label(),
                    u.deadline.words(),
                    code_cell(&u.endpoint)
                ),
                u.days_left.to_string(),
            ),
            None => ("—".to_string(), "—".to_string()),
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            code_cell(&r.repo),
            r.calls,
            n(Status::Eol),
            n(Status::Eos),
            n(Status::Deprecated),
            r.mentions,
            r.files,
            nearest,
            left,
            r.scanned_on
        ));
    }
    s.push('\n');
}

fn timeline(plan: &Plan, s: &mut String) {
    s.push_str("## Timeline\n\n");
    if plan.timeline.is_empty() {
        s.push_str("No dated deadline touches this code base.\n\n");
        return;
    }
    s.push_str("| Date | Deadline | Endpoint | Call sites | Mentions |\n|---|---|---|--:|--:|\n");
    let mut today_written = false;
    let today = |s: &mut String| {
        s.push_str(&format!("| **{}** | **▶ today** | | | |\n", plan.as_of));
    };
    for e in &plan.timeline {
        if !today_written && e.deadline.effective() > plan.as_of {
            today(s);
            today_written = true;
        }
        let past = if e.deadline.effective() <= plan.as_of {
            " (reached)"
        } else {
            ""
        };
        s.push_str(&format!(
            "| {} | {} {}{} | {} {} | {} | {} |\n",
            e.deadline.published(),
            e.milestone.label(),
            e.deadline.words(),
            past,
            code_cell(&e.endpoint),
            text(&e.name).replace('|', "\\|"),
            e.calls,
            e.mentions
        ));
    }
    if !today_written {
        today(s);
    }
    s.push('\n');
}

fn endpoints(plan: &Plan, s: &mut String) {
    s.push_str("## Endpoints\n\n");
    if plan.endpoints.is_empty() {
        s.push_str("No legacy endpoint is used.\n\n");
        return;
    }
    for e in &plan.endpoints {
        endpoint(plan, e, s);
    }
}

fn endpoint(plan: &Plan, e: &EndpointPlan, s: &mut String) {
    s.push_str(&format!("### {} — {}", text(&e.name), code(&e.endpoint)));
    if let Some(r) = &e.replacement {
        s.push_str(&format!(" → {}", code(r)));
    }
    s.push_str("\n\n| | |\n|---|---|\n");
    s.push_str(&format!("| Status | **{}** |\n", e.status.label()));
    let deadline = |d: Option<crate::rules::Deadline>| match d {
        Some(d) => format!("{} ({})", d.words(), EndpointPlan::when(d, plan.as_of)),
        None => "not published".to_string(),
    };
    s.push_str(&format!("| End of Support | {} |\n", deadline(e.eos)));
    s.push_str(&format!("| End of Life | {} |\n", deadline(e.eol)));
    s.push_str(&format!(
        "| Call sites | {} in {} |\n",
        e.calls,
        plural(e.files as i64, "file")
    ));
    if plan.repos.is_some() {
        s.push_str(&format!("| Repositories | {} |\n", e.repos));
    }
    if e.mentions > 0 {
        s.push_str(&format!("| Mentions | {} |\n", e.mentions));
    }
    s.push_str(&format!("| Rule | {} |\n", code_cell(&e.rule)));
    let title = text(&e.source.title).replace('|', "\\|");
    let source = match e.source.url.as_deref().filter(|u| super::is_http(u)) {
        Some(url) => format!("[{title}]({}) ({})", link_dest(url), text(&e.source.date)),
        None => format!("{title} ({})", text(&e.source.date)),
    };
    s.push_str(&format!("| Source | {source} |\n"));
    if !e.confirmed {
        s.push_str("| Evidence | secondary only: unconfirmed |\n");
    }
    s.push('\n');
    if !e.request_changes.is_empty() {
        s.push_str("Request changes (from the request checks of the calls):\n\n");
        for c in &e.request_changes {
            s.push_str(&format!(
                "- **{}** {}: {} ({})\n",
                c.level.as_str(),
                code(&c.code),
                text(&c.message),
                super::plural(c.calls as i64, "call")
            ));
        }
        s.push('\n');
    }
    if !e.notes.is_empty() {
        s.push_str("Migration notes:\n\n");
        for n in &e.notes {
            s.push_str(&format!("- {}\n", text(n)));
        }
        s.push('\n');
    } else if !e.rule_loaded {
        s.push_str(&format!(
            "Rule {} is not among the loaded rules: pass its file with `--rules` to show its migration notes.\n\n",
            code(&e.rule)
        ));
    }
}

fn checklist(plan: &Plan, s: &mut String) {
    s.push_str("## Checklist\n\n");
    if plan.checklist.is_empty() {
        s.push_str("No call site to migrate.\n\n");
        return;
    }
    for g in &plan.checklist {
        s.push_str(&format!(
            "### {} ({})\n\n",
            text(&g.heading()),
            plural(g.items.len() as i64, "call site")
        ));
        for item in &g.items {
            s.push_str("- [ ] ");
            s.push_str(&item_line(item));
            s.push('\n');
        }
        s.push('\n');
    }
}

fn mentions(plan: &Plan, s: &mut String) {
    if plan.mentions_list.is_empty() {
        return;
    }
    s.push_str("## Mentions\n\n");
    s.push_str(
        "Comments and documentation that name a legacy endpoint. They call nothing, but readers will copy them.\n\n",
    );
    for item in &plan.mentions_list {
        s.push_str("- ");
        s.push_str(&item_line(item));
        s.push('\n');
    }
    s.push('\n');
}

/// `path:line  legacy → suggested` with status and remarks.
fn item_line(item: &Item) -> String {
    let location = code(&item.location());
    let mut line = match &item.link {
        Some(url) => format!("[{location}]({})", link_dest(url)),
        None => location,
    };
    line.push_str(&format!("  {}", code(&item.matched)));
    if let Some(target) = item.target() {
        line.push_str(&format!(" → {}", code(target)));
    }
    let mut remarks = vec![item.status.label().to_string()];
    if let Some(by) = item.suppressed {
        remarks.push(suppressed_words(by));
    }
    if !item.confirmed {
        remarks.push("unconfirmed".to_string());
    }
    if let Some(via) = &item.via {
        remarks.push(format!("via {}", text(via)));
    }
    if let Some(fix) = &item.fix {
        remarks.push(text(&fix.words()));
    }
    line.push_str(&format!(" ({})", remarks.join("; ")));
    line
}

/// A code span that holds `s` verbatim: the fence is one backtick longer
/// than the longest run inside, and line breaks (legal in file names) become
/// spaces so they cannot end a list item or a table row.
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side when the text touches a backtick (CommonMark
    // strips one space from each side of such a span).
    if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A code span for a table cell: GFM splits cells on `|` even inside code.
pub fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// Plain text with every Markdown- or HTML-significant character escaped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            // `[` and `]` escaped means no link can form, so parentheses
            // and `!` need nothing; `#` only matters at a line start, which
            // scanned text never takes.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link destination: `<`, `>`, spaces, parentheses and `|` are
/// percent-encoded so the URL cannot close the link or a table cell.
fn link_dest(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '|' => out.push_str("%7C"),
            '\n' | '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn text_escapes_html_and_markdown() {
        assert_eq!(text("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(text("a_b*c"), "a\\_b\\*c");
    }
}
