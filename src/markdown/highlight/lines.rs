//! Parsed lines of code, remembered for the rest of a build.
//!
//! Code repeats line by line far more than block by block: blank lines,
//! closing braces, `import numpy as np`, the same call in recipe after
//! recipe. In the Rust Cookbook and in QuantEcon's lectures about two code
//! lines in five repeat an earlier line of the same language. syntect's
//! parse of a line depends only on the parser's state before it and the
//! line's text, so a line met again in the same state takes its scope
//! operations and the state after it from the first time, without running
//! the regular expressions that make up nearly all of highlighting's cost.
//! The [`Session`](super::Session) of each thread keeps one memo; the
//! session turns the operations into HTML.

use rustc_hash::FxHashMap;
use syntect::parsing::{ParseState, ParsingError, ScopeStackOp, SyntaxSet};

/// Lines remembered by one thread, at most. A parsed line takes around a
/// kilobyte (two parser states and the operations), so this bounds a
/// thread's memo to some tens of megabytes on the largest sites; the lines
/// that repeat most are met first and kept.
const MAX_LINES: usize = 32_768;

/// Lines longer than this are not remembered: long lines seldom repeat.
const MAX_LINE_BYTES: usize = 256;

/// Scope operations of one line, each at a byte offset into it.
pub(super) type Ops = [(usize, ScopeStackOp)];

/// The parse of every line seen, by its text, for each state it was seen in.
#[derive(Debug, Default)]
pub(super) struct LineMemo {
    lines: FxHashMap<Box<str>, Vec<Parsed>>,
    remembered: usize,
    /// The operations of a line parsed but not remembered.
    scratch: Vec<(usize, ScopeStackOp)>,
}

#[derive(Debug)]
struct Parsed {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

impl LineMemo {
    /// Parses `line` from `parser`'s state, leaving `parser` in the state
    /// after it, exactly as `parser.parse_line(line, syntaxes)` would.
    pub(super) fn parse(
        &mut self,
        parser: &mut ParseState,
        line: &str,
        syntaxes: &SyntaxSet,
    ) -> Result<&Ops, ParsingError> {
        let seen = self.lines.get(line).and_then(|parses| parses.iter().position(|p| p.before == *parser));
        if let Some(at) = seen {
            let parsed = &self.lines[line][at];
            parser.clone_from(&parsed.after);
            return Ok(&parsed.ops);
        }
        if self.remembered >= MAX_LINES || line.len() > MAX_LINE_BYTES {
            self.scratch = parser.parse_line(line, syntaxes)?;
            return Ok(&self.scratch);
        }
        let before = parser.clone();
        let ops = parser.parse_line(line, syntaxes)?;
        self.remembered += 1;
        let parses = self.lines.entry(Box::from(line)).or_default();
        parses.push(Parsed { before, ops, after: parser.clone() });
        Ok(&parses[parses.len() - 1].ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::util::LinesWithEndings;

    /// Parses every line of `code` afresh and through the memo, and
    /// checks that both give the same operations and states.
    fn parse_both_ways(memo: &mut LineMemo, code: &str, lang: &str) {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let syntax = syntaxes.find_syntax_by_token(lang).expect("known language");
        let (mut fresh, mut remembered) = (ParseState::new(syntax), ParseState::new(syntax));
        for line in LinesWithEndings::from(code) {
            let expected = fresh.parse_line(line, &syntaxes).expect("parses");
            assert_eq!(memo.parse(&mut remembered, line, &syntaxes).expect("parses"), &expected[..], "{line:?}");
            assert_eq!(fresh, remembered, "state after {line:?}");
        }
    }

    #[test]
    fn a_line_met_again_parses_as_it_would_afresh() {
        let mut memo = LineMemo::default();
        // The same `}` closes a string-free block and, later, ends a
        // line inside a multi-line string: same text, other state.
        let code = "fn a() {\n}\nfn b() {\n}\nlet s = \"\n}\n\";\n}\n";
        parse_both_ways(&mut memo, code, "rust");
        assert!(memo.lines["}\n"].len() >= 2, "one parse per state: {:?}", memo.lines["}\n"].len());
        // A second block reuses every line.
        let before = memo.remembered;
        parse_both_ways(&mut memo, code, "rust");
        assert_eq!(memo.remembered, before);
    }
}
