//! Comparing what a block printed with what its output block expects.
//!
//! Trailing whitespace on each line and trailing blank lines are ignored; a
//! line holding only `...` matches any number of lines, so output that
//! varies (timings, addresses) can be skipped.

use std::borrow::Cow;

use regex::Regex;
use similar::TextDiff;

use crate::model::Normalize;

/// Output normalisers of a page, the site's first: applied to actual and
/// expected output alike before they are compared.
#[derive(Debug, Default)]
pub(crate) struct Normalizers(Vec<(Regex, String)>);

impl Normalizers {
    /// Compiles `rules`; one that does not compile was reported where it
    /// is written, and is left out.
    pub(crate) fn new<'a>(rules: impl IntoIterator<Item = &'a Normalize>) -> Self {
        Self(rules.into_iter().filter_map(|rule| Some((Regex::new(&rule.regex).ok()?, rule.replace.clone()))).collect())
    }

    pub(crate) fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        for (regex, replace) in &self.0 {
            if let Cow::Owned(replaced) = regex.replace_all(&text, replace.as_str()) {
                text = Cow::Owned(replaced);
            }
        }
        text
    }
}

/// The lines that matter: right-trimmed, without trailing blank lines.
fn normalized(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Whether `actual` matches the `expected` pattern.
pub(crate) fn matches(expected: &str, actual: &str) -> bool {
    let pattern = normalized(expected);
    let lines = normalized(actual);
    // reachable[j]: the pattern so far can match the first j lines.
    let mut reachable = vec![false; lines.len() + 1];
    reachable[0] = true;
    for part in &pattern {
        let mut next = vec![false; lines.len() + 1];
        if part.trim() == "..." {
            let mut any = false;
            for j in 0..=lines.len() {
                any |= reachable[j];
                next[j] = any;
            }
        } else {
            for j in 0..lines.len() {
                if reachable[j] && lines[j] == *part {
                    next[j + 1] = true;
                }
            }
        }
        reachable = next;
    }
    reachable[lines.len()]
}

/// A unified diff from `expected` to `actual`.
pub(crate) fn diff(expected: &str, actual: &str) -> String {
    let expected = normalized(expected).join("\n") + "\n";
    let actual = normalized(actual).join("\n") + "\n";
    TextDiff::from_lines(&expected, &actual).unified_diff().header("expected", "actual").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizers_rewrite_both_sides() {
        let rules = [
            Normalize { regex: "0x[0-9a-f]+".to_owned(), replace: "0x…".to_owned() },
            Normalize { regex: r"took (\d+) ms".to_owned(), replace: "took N ms".to_owned() },
        ];
        let normalizers = Normalizers::new(&rules);
        assert_eq!(normalizers.apply("at 0x7ffe12, took 31 ms"), "at 0x…, took N ms");
        assert!(matches(&normalizers.apply("at 0xabc"), &normalizers.apply("at 0x123")));
    }

    #[test]
    fn exact_lines_match_ignoring_trailing_whitespace() {
        assert!(matches("a\nb\n", "a  \nb\n\n"));
        assert!(!matches("a\nb\n", "a\nc\n"));
        assert!(!matches("a\n", "a\nb\n"));
    }

    #[test]
    fn ellipsis_matches_any_number_of_lines() {
        assert!(matches("start\n...\nend\n", "start\n1\n2\nend\n"));
        assert!(matches("start\n...\nend\n", "start\nend\n"));
        assert!(matches("...\n", "anything\nat all\n"));
        assert!(!matches("start\n...\nend\n", "start\n1\n"));
    }

    #[test]
    fn diff_is_unified() {
        let text = diff("a\nb\n", "a\nc\n");
        assert!(text.contains("--- expected"), "{text}");
        assert!(text.contains("-b") && text.contains("+c"), "{text}");
    }
}
