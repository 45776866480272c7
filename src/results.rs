//! What `primer test` recorded, as the build reads it: the result of
//! every block (status, captured output, figures and tables kept in the
//! output store) and of every page, from `.primer/results.json`.
//!
//! The Markdown stage shows these beside the blocks; `primer test` (in
//! [`crate::snippets`]) makes them. This module depends on neither.
//! `.primer/` is committed, so whoever opens a pull request writes it:
//! everything read back is checked like content, and a results file that
//! is not as primer writes it is an error naming the file and the entry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

use crate::paths::{RESULTS_FILE, STATE_DIR, SitePaths};

/// What happened to one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub(crate) enum Status {
    Passed,
    /// A `no_run` block that was checked without running.
    Checked,
    Failed(String),
    NotRun(String),
}

/// The result of one block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BlockResult {
    pub(crate) line: usize,
    pub(crate) lang: String,
    pub(crate) name: Option<String>,
    pub(crate) status: Status,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) diff: Option<String>,
    pub(crate) command: Option<String>,
    pub(crate) seconds: f64,
    /// Hash of the block's language and code, so the build shows a result
    /// only beside the code that produced it.
    #[serde(default)]
    pub(crate) code_hash: String,
    /// What the block showed besides text (figures, tables), in order.
    #[serde(default)]
    pub(crate) rich: Vec<RichOutput>,
}

/// A figure or table a block showed, kept under `.primer/cache/outputs/`
/// by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RichOutput {
    /// `png`, `svg`, `html` or `md`.
    pub(crate) kind: String,
    /// Its file name in the store, which is also its name beside the page.
    pub(crate) file: String,
}

/// Identifies a block's code across runs and builds.
pub(crate) fn code_hash(lang: &str, code: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(lang.as_bytes()).update(b"\0").update(code.as_bytes());
    hasher.finalize().to_hex()[..16].to_owned()
}

/// How a page fared as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PageStatus {
    /// Some block ran or was checked, and none failed.
    Passed,
    Failed,
    /// No block ran.
    Skipped,
}

/// The last result of one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PageRecord {
    pub(crate) status: PageStatus,
    /// Day of the run, `YYYY-MM-DD`.
    pub(crate) verified: String,
    pub(crate) blocks: Vec<BlockResult>,
    /// What the page's programs ran with: runners first, then the
    /// packages and crates the page uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) with: Vec<Tool>,
}

/// A runner or package and its version, as a page's programs used it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Tool {
    pub(crate) name: String,
    pub(crate) version: String,
    /// What it is: `runner`, `python` (a package) or `crate`.
    pub(crate) kind: String,
}

/// Most runners and packages one page records.
const MAX_TOOLS: usize = 128;
/// Longest name, version or kind of one.
const MAX_TOOL_TEXT: usize = 100;

impl Tool {
    /// Whether its name, version and kind are short printable text: what
    /// primer keeps of what a program says it ran with, and all it reads
    /// back.
    pub(crate) fn is_plain(&self) -> bool {
        let plain = |text: &str| !text.is_empty() && text.len() <= MAX_TOOL_TEXT && !text.chars().any(char::is_control);
        plain(&self.name) && plain(&self.version) && plain(&self.kind)
    }
}

/// What is wrong with the runners and packages of one record, if anything.
pub(crate) fn tools_problem(with: &[Tool]) -> Option<String> {
    if with.len() > MAX_TOOLS {
        return Some(format!("names more than {MAX_TOOLS} runners and packages"));
    }
    with.iter().find(|tool| !tool.is_plain()).map(|tool| {
        format!(
            "`with` entry `{} {}` is not a short name and version",
            tool.name.escape_debug(),
            tool.version.escape_debug()
        )
    })
}

impl PageRecord {
    pub(crate) fn new(blocks: Vec<BlockResult>, verified: String, with: Vec<Tool>) -> Self {
        let failed = blocks.iter().any(|b| matches!(b.status, Status::Failed(_)));
        let ran = blocks.iter().any(|b| matches!(b.status, Status::Passed | Status::Checked));
        let status = if failed {
            PageStatus::Failed
        } else if ran {
            PageStatus::Passed
        } else {
            PageStatus::Skipped
        };
        Self { status, verified, blocks, with }
    }
}

/// `results.json`: page content path → record.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Results {
    pub(crate) pages: BTreeMap<String, PageRecord>,
    /// Where the figures and tables of these results are kept: the site
    /// root's output store.
    #[serde(skip)]
    pub(crate) outputs: PathBuf,
}

/// Largest captured stream, message or diff of one block.
const MAX_BLOCK_TEXT: usize = 16 * 1024 * 1024;
/// Most figures and tables one block may show.
const MAX_RICH_OUTPUTS: usize = 256;

/// What is wrong with one block result, if anything: names in the output
/// store of the exact form primer gives them, a code hash, bounded text.
pub(crate) fn block_problem(block: &BlockResult) -> Option<String> {
    if !block.code_hash.is_empty() && !crate::paths::is_content_hash(&block.code_hash) {
        return Some(format!("code_hash `{}` is not 16 hex digits", block.code_hash.escape_debug()));
    }
    let message = match &block.status {
        Status::Failed(m) | Status::NotRun(m) => m.len(),
        Status::Passed | Status::Checked => 0,
    };
    let texts = [block.stdout.len(), block.stderr.len(), block.diff.as_ref().map_or(0, String::len), message];
    if texts.iter().any(|&len| len > MAX_BLOCK_TEXT) {
        return Some(format!("holds more than {} MiB of text", MAX_BLOCK_TEXT >> 20));
    }
    if block.rich.len() > MAX_RICH_OUTPUTS {
        return Some(format!("shows more than {MAX_RICH_OUTPUTS} figures and tables"));
    }
    block.rich.iter().find_map(|output| {
        let named = crate::paths::is_output_name(&output.file)
            && output.file.rsplit_once('.').is_some_and(|(_, kind)| kind == output.kind);
        (!named).then(|| {
            format!(
                "output `{}` of kind `{}` is not a file of the output store (`output-<16 hex digits>.<kind>`)",
                output.file.escape_debug(),
                output.kind.escape_debug()
            )
        })
    })
}

/// What is wrong with one page's record, if anything.
fn record_problem(record: &PageRecord) -> Option<String> {
    let date = record.verified.as_bytes();
    let is_date = date.len() == 10
        && date.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !is_date {
        return Some(format!("verified `{}` is not a YYYY-MM-DD date", record.verified.escape_debug()));
    }
    if let Some(problem) = tools_problem(&record.with) {
        return Some(problem);
    }
    record
        .blocks
        .iter()
        .enumerate()
        .find_map(|(i, block)| block_problem(block).map(|p| format!("block {}: {p}", i + 1)))
}

/// Reads `results.json`, checking every entry; a missing file is no
/// results.
fn read_results(path: &Path, display: &str) -> Result<Results, Diagnostic> {
    let problem = |message: String| {
        Diagnostic::file(display, message).with_hint("delete the file and run `primer test` to make it again")
    };
    let bytes = match crate::paths::read_state(path, crate::paths::MAX_STATE_FILE) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Results::default()),
        Err(error) => return Err(problem(format!("cannot read the last test results: {error}"))),
    };
    let text = String::from_utf8(bytes).map_err(|_| problem("the last test results are not UTF-8".to_owned()))?;
    let results: Results = serde_json::from_str(&text).map_err(|error| {
        let line = error.line().max(1);
        Diagnostic::at(display, &text, line, error.column().saturating_sub(1), 1, format!("not test results: {error}"))
            .with_hint("delete the file and run `primer test` to make it again")
    })?;
    for (page, record) in &results.pages {
        if let Some(found) = record_problem(record) {
            return Err(problem(format!("page `{}`: {found}", page.escape_debug())));
        }
    }
    Ok(results)
}

/// The last test results of the site at `root`, every entry checked.
pub(crate) fn load_results(root: &Path) -> Result<Results, Diagnostic> {
    let display = format!("{STATE_DIR}/{RESULTS_FILE}");
    let paths = SitePaths::new(root);
    let results = read_results(&paths.results(), &display)?;
    Ok(Results { outputs: paths.output_store(), ..results })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A results file as a pull request could write it: names, kinds,
    /// hashes, statuses and dates anywhere between valid and hostile.
    fn results_json() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            "output-[0-9a-f]{16}\\.(png|svg|html|md)",
            "output-[0-9a-fA-F]{14,17}\\.(png|svg|html|md|exe)",
            Just("../../../../proc/self/environ".to_owned()),
            Just("output-0123456789abcdef.html/../../x".to_owned()),
            "[./a-z\\\\]{0,12}",
        ];
        let kind = prop_oneof![Just("png"), Just("svg"), Just("html"), Just("md"), Just("sh")];
        let status = prop_oneof![Just("passed"), Just("failed"), Just("skipped"), Just("pwned")];
        let date = prop_oneof!["20[0-9]{2}-[01][0-9]-[0-3][0-9]", "[0-9a-z-]{0,12}"];
        (name, kind, status, date, "[0-9a-f]{0,17}").prop_map(|(name, kind, status, date, hash)| {
            serde_json::json!({ "pages": { "recipes/p.md": { "status": status, "verified": date, "blocks": [{
                "line": 1, "lang": "python", "name": null, "status": { "status": "passed" }, "stdout": "",
                "stderr": "", "diff": null, "command": null, "seconds": 0.0, "code_hash": hash,
                "rich": [{ "kind": kind, "file": name }] }] } } })
            .to_string()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Whatever the file says, loading it never panics, and what it
        /// accepts only names files inside the output store.
        #[test]
        fn hostile_results_are_refused_or_name_only_stored_outputs(text in results_json(), cut in 0usize..400) {
            let dir = tempfile::tempdir().expect("temp");
            std::fs::create_dir(SitePaths::new(dir.path()).state()).expect("state folder");
            // Whole, or cut short anywhere.
            let text = if cut % 2 == 0 { text } else { text.chars().take(cut).collect() };
            std::fs::write(SitePaths::new(dir.path()).results(), &text).expect("write");
            if let Ok(results) = load_results(dir.path()) {
                for block in results.pages.values().flat_map(|record| &record.blocks) {
                    for output in &block.rich {
                        prop_assert!(crate::paths::is_output_name(&output.file), "{text}");
                    }
                }
            }
        }
    }
}
