//! Reports of a test run: the summary people read and the JUnit file CI
//! reads. Pages come in path order, so reports do not depend on which
//! thread finished first.

use std::fmt::Write as _;

use std::sync::Arc;

use crate::diagnostic::origins::Origins;
use crate::html::escape_html;
use crate::results::{BlockResult, Status};

/// One page's results, as reported.
#[derive(Debug)]
pub(crate) struct PageReport {
    pub(crate) display: String,
    /// For a notebook or script page, where its lines were written.
    pub(crate) origins: Option<Arc<Origins>>,
    pub(crate) blocks: Vec<BlockResult>,
    /// The runners, packages and crates its programs ran with.
    pub(crate) with: Vec<crate::results::Tool>,
    pub(crate) cached: bool,
    pub(crate) seconds: f64,
    /// Why it ran or was cached, for `--explain`.
    pub(crate) why: Vec<String>,
}

impl PageReport {
    /// `path:line` of a line of the page as read, at the cell and line
    /// the author wrote for a notebook or script page.
    fn at(&self, line: usize) -> String {
        match &self.origins {
            Some(origins) => origins.location(&self.display, line),
            None => format!("{}:{line}", self.display),
        }
    }

    /// One word for a progress line.
    pub(crate) fn outcome(&self) -> &'static str {
        let failed = self.blocks.iter().any(|b| matches!(b.status, Status::Failed(_)));
        match (failed, self.cached) {
            (true, _) => "failed",
            (false, true) => "passed (cached)",
            (false, false) => "passed",
        }
    }
}

/// Counts over every block of a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) skipped: usize,
}

pub(crate) fn totals(pages: &[PageReport]) -> Totals {
    let mut totals = Totals::default();
    for block in pages.iter().flat_map(|p| &p.blocks) {
        match block.status {
            Status::Passed | Status::Checked => totals.passed += 1,
            Status::Failed(_) => totals.failed += 1,
            Status::NotRun(_) => totals.skipped += 1,
        }
    }
    totals
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// The human report: failures in full, then every block that did not run
/// and why, then the counts.
pub(crate) fn human(pages: &[PageReport]) -> String {
    let mut out = String::new();
    for page in pages {
        let failed = page.blocks.iter().filter(|b| matches!(b.status, Status::Failed(_))).count();
        let ran = page.blocks.iter().filter(|b| matches!(b.status, Status::Passed | Status::Checked)).count();
        let word = if failed > 0 {
            "FAIL"
        } else if ran > 0 {
            "ok  "
        } else {
            "skip"
        };
        let cached = if page.cached { ", cached" } else { "" };
        let _ = writeln!(out, "{word} {} ({ran} passed, {failed} failed{cached}, {:.2}s)", page.display, page.seconds);
    }
    for page in pages {
        for block in &page.blocks {
            let Status::Failed(reason) = &block.status else { continue };
            let _ = writeln!(out, "\nerror: {} block{} failed: {reason}", lang_or_text(block), block_name(block));
            let _ = writeln!(out, "  --> {}", page.at(block.line));
            if let Some(command) = &block.command {
                let _ = writeln!(out, "  command: {command}");
            }
            if let Some(diff) = &block.diff {
                out.push_str(&indent(diff));
            }
            if !block.stderr.trim().is_empty() {
                let _ = writeln!(out, "  stderr:");
                out.push_str(&indent(block.stderr.trim_end()));
            }
        }
    }
    let not_run: Vec<String> = pages
        .iter()
        .flat_map(|page| {
            page.blocks.iter().filter_map(move |b| match &b.status {
                Status::NotRun(reason) => Some(format!("  {} {}: {reason}", page.at(b.line), lang_or_text(b))),
                _ => None,
            })
        })
        .collect();
    if !not_run.is_empty() {
        let _ = writeln!(out, "\nNot run ({}):", not_run.len());
        for line in not_run {
            let _ = writeln!(out, "{line}");
        }
    }
    let totals = totals(pages);
    let _ = writeln!(out, "\n{} passed, {} failed, {} skipped", totals.passed, totals.failed, totals.skipped);
    out
}

fn lang_or_text(block: &BlockResult) -> &str {
    if block.lang.is_empty() { "(no language)" } else { &block.lang }
}

fn block_name(block: &BlockResult) -> String {
    block.name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default()
}

/// Escapes text for XML; XML 1.0 has no place for most control characters.
fn xml(text: &str) -> String {
    let printable: String = text
        .chars()
        .map(|c| if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') { '\u{fffd}' } else { c })
        .collect();
    escape_html(&printable)
}

/// A JUnit XML report: one test suite per page, one test case per block.
pub(crate) fn junit(pages: &[PageReport]) -> String {
    let all = totals(pages);
    let time: f64 = pages.iter().map(|p| p.seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"primer\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{time:.3}\">",
        all.passed + all.failed + all.skipped,
        all.failed,
        all.skipped
    );
    for page in pages {
        let counts = totals(std::slice::from_ref(page));
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
            xml(&page.display),
            page.blocks.len(),
            counts.failed,
            counts.skipped,
            page.seconds
        );
        for block in &page.blocks {
            let name = format!(
                "{} {}{}",
                page.at(block.line),
                lang_or_text(block),
                block.name.as_ref().map(|n| format!(" {n}")).unwrap_or_default()
            );
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
                xml(&page.display),
                xml(&name),
                xml(&page.display),
                block.line,
                block.seconds
            );
            match &block.status {
                Status::Passed | Status::Checked => out.push_str("/>\n"),
                Status::NotRun(reason) => {
                    let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", xml(reason));
                }
                Status::Failed(reason) => {
                    let detail = [block.diff.clone().unwrap_or_default(), block.stderr.clone()].join("\n");
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"SnippetFailure\">{}</failure>\n      <system-out>{}</system-out>\n    </testcase>",
                        xml(reason),
                        xml(detail.trim()),
                        xml(&block.stdout)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
