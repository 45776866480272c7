//! `primer test --bless`: write what blocks printed into their output blocks.
//!
//! Only output blocks the author wrote are rewritten, and only where the
//! output no longer matches them; the rest of the file stays byte-identical.

use super::expect;
use super::extract::{Snippet, Stream};
use crate::results::{BlockResult, Status};

/// The page text with mismatching output blocks replaced, if any changed.
pub(crate) fn bless(text: &str, snippets: &[Snippet], results: &[BlockResult]) -> Option<String> {
    let mut edits = Vec::new();
    for (snippet, result) in snippets.iter().zip(results) {
        if matches!(result.status, Status::NotRun(_)) {
            continue;
        }
        for output in &snippet.outputs {
            let actual = if output.stream == Stream::Stdout { &result.stdout } else { &result.stderr };
            if expect::matches(&output.text, actual) {
                continue;
            }
            let replacement: String = actual.lines().map(|l| format!("{}{}\n", output.indent, l.trim_end())).collect();
            edits.push((output.content.clone(), replacement));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut blessed = text.to_owned();
    for (range, replacement) in edits {
        blessed.replace_range(range, &replacement);
    }
    Some(blessed)
}
