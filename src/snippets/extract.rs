//! Code blocks of a page, as `primer test` sees them.
//!
//! Reads the fenced blocks of a page body with their file line, their info
//! string attributes (validated, with suggestions for typos) and the
//! ```` ```output ```` blocks that follow them, and removes the markers of
//! hidden lines. Shared with the build, which renders the same blocks.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::codeblock::runnable_code;
use crate::diagnostic::{Diagnostic, did_you_mean, line_col};
use crate::model::Page;

/// Attributes a code block's info string may carry after the language.
const CODE_ATTRS: [&str; 12] = [
    "ignore",
    "no_run",
    "should_fail",
    "should_panic",
    "compile_fail",
    "edition2015",
    "edition2018",
    "edition2021",
    "edition2024",
    "timeout=",
    "name=",
    crate::codeblock::NO_API_LINKS,
];
/// Attributes of an ```` ```output ```` block.
const OUTPUT_ATTRS: [&str; 4] = ["stdout", "stderr", "exit=", "saved"];

/// What a code block's info string asks of `primer test`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Attrs {
    /// Shown, never run.
    pub(crate) ignore: bool,
    /// Checked (syntax, or compiled) but not run.
    pub(crate) no_run: bool,
    /// Must exit with a non-zero status.
    pub(crate) should_fail: bool,
    /// Must panic (rustdoc): exit with Rust's panic status, 101.
    pub(crate) should_panic: bool,
    /// Must fail to compile (rustdoc): checked, never run.
    pub(crate) compile_fail: bool,
    /// The Rust edition to compile with (rustdoc's `edition2021`…).
    pub(crate) edition: Option<u16>,
    pub(crate) timeout: Option<u64>,
    pub(crate) name: Option<String>,
}

/// Which stream an output block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// An ```` ```output ```` block: what a code block must print.
#[derive(Debug, Clone)]
pub(crate) struct ExpectedOutput {
    pub(crate) stream: Stream,
    pub(crate) exit: Option<i32>,
    pub(crate) text: String,
    pub(crate) line: usize,
    /// Byte range of the block's content in the file, for `--bless`.
    pub(crate) content: Range<usize>,
    /// Indentation of the fence, repeated on every line by `--bless`.
    pub(crate) indent: String,
}

/// A fenced code block of a page.
#[derive(Debug, Clone)]
pub(crate) struct Snippet {
    /// File line of the opening fence.
    pub(crate) line: usize,
    pub(crate) lang: String,
    pub(crate) attrs: Attrs,
    /// The code that runs: every line, hidden ones included.
    pub(crate) code: String,
    pub(crate) outputs: Vec<ExpectedOutput>,
}

impl Snippet {
    pub(crate) fn expected(&self, stream: Stream) -> Option<&ExpectedOutput> {
        self.outputs.iter().find(|o| o.stream == stream)
    }

    pub(crate) fn expected_exit(&self) -> Option<i32> {
        self.outputs.iter().find_map(|o| o.exit)
    }
}

/// A fenced block as the parser found it.
struct Fence {
    info: String,
    text: String,
    /// Byte range of the whole block (fences included) in the file.
    range: Range<usize>,
}

/// The code blocks of `page` with their expected outputs.
pub(crate) fn snippets(page: &Page) -> (Vec<Snippet>, Vec<Diagnostic>) {
    let text = &page.source.text;
    let mut problems = Vec::new();
    let mut snippets: Vec<Snippet> = Vec::new();
    let mut previous_end: Option<usize> = None;
    for fence in fences(page) {
        let (line, col) = line_col(text, fence.range.start);
        let at = |message: String| {
            Diagnostic::at(&page.source.display, text, line, col, fence.info.len().max(3) + 3, message)
        };
        let mut words = fence.info.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty());
        let lang = words.next().unwrap_or_default().to_owned();
        let words: Vec<&str> = words.collect();
        // A notebook's saved outputs and the blocks around them: shown,
        // never run nor compared (what some past run printed).
        if lang.starts_with(crate::model::SAVED_OUTPUTS) || (lang == "output" && words.contains(&"saved")) {
            continue;
        }
        if lang == "output" {
            let follows_code = previous_end.is_some_and(|end| text[end..fence.range.start].trim().is_empty());
            match (snippets.last_mut(), follows_code) {
                (Some(snippet), true) => match output_block(text, &fence, &words) {
                    Ok(output) => snippet.outputs.push(output),
                    Err(problem) => problems.push(at(problem.0).with_hint(problem.1)),
                },
                _ => problems.push(
                    at("an output block must follow the code block that prints it".to_owned())
                        .with_hint("put the ```output block right after the code block, with nothing in between"),
                ),
            }
            previous_end = Some(fence.range.end);
            continue;
        }
        match parse_attrs(&words) {
            Ok(attrs) => snippets.push(Snippet {
                line,
                code: runnable_code(&lang, &fence.text),
                lang,
                attrs,
                outputs: Vec::new(),
            }),
            Err((message, hint)) => problems.push(at(message).with_hint(hint)),
        }
        previous_end = Some(fence.range.end);
    }
    (snippets, problems)
}

fn fences(page: &Page) -> Vec<Fence> {
    let body = page.body();
    let mut fences = Vec::new();
    let mut current: Option<Fence> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let range = page.body_start + range.start..page.body_start + range.end;
                current = Some(Fence { info: info.to_string(), text: String::new(), range });
            }
            Event::Text(text) => {
                if let Some(fence) = &mut current {
                    fence.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => fences.extend(current.take()),
            _ => {}
        }
    }
    fences
}

type AttrError = (String, String);

fn unknown_attr(word: &str, known: &[&str]) -> AttrError {
    let name = word.split('=').next().unwrap_or(word);
    let names: Vec<&str> = known.iter().map(|k| k.trim_end_matches('=')).collect();
    let hint = match did_you_mean(name, names.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("known attributes: {}", names.join(", ")),
    };
    (format!("unknown code block attribute `{word}`"), hint)
}

fn number<T: std::str::FromStr>(word: &str, value: &str) -> Result<T, AttrError> {
    value.parse().map_err(|_| {
        (format!("`{word}` needs a whole number"), format!("for example `{}5`", &word[..word.len() - value.len()]))
    })
}

/// Parses the words after the language of a code block.
pub(crate) fn parse_attrs(words: &[&str]) -> Result<Attrs, AttrError> {
    let mut attrs = Attrs::default();
    for word in words {
        match *word {
            "ignore" => attrs.ignore = true,
            "no_run" => attrs.no_run = true,
            "should_fail" => attrs.should_fail = true,
            "should_panic" => attrs.should_panic = true,
            "compile_fail" => attrs.compile_fail = true,
            // How the block shows, not how it runs.
            crate::codeblock::NO_API_LINKS => {}
            "edition2015" | "edition2018" | "edition2021" | "edition2024" => {
                attrs.edition = word["edition".len()..].parse().ok();
            }
            _ => match word.split_once('=') {
                Some(("timeout", value)) => {
                    let seconds: u64 = number(word, value)?;
                    let max = crate::config::MAX_TIMEOUT_SECONDS;
                    if !(1..=max).contains(&seconds) {
                        return Err((
                            format!("`{word}` is out of range"),
                            format!("a timeout is from 1 to {max} seconds"),
                        ));
                    }
                    attrs.timeout = Some(seconds);
                }
                Some(("name", value)) if !value.is_empty() => attrs.name = Some(value.to_owned()),
                _ => return Err(unknown_attr(word, &CODE_ATTRS)),
            },
        }
    }
    Ok(attrs)
}

fn output_block(text: &str, fence: &Fence, words: &[&str]) -> Result<ExpectedOutput, AttrError> {
    let mut stream = Stream::Stdout;
    let mut exit = None;
    for word in words {
        match *word {
            "stdout" => stream = Stream::Stdout,
            "stderr" => stream = Stream::Stderr,
            _ => match word.split_once('=') {
                Some(("exit", value)) => exit = Some(number(word, value)?),
                _ => return Err(unknown_attr(word, &OUTPUT_ATTRS)),
            },
        }
    }
    let (content, indent) = content_range(text, &fence.range);
    Ok(ExpectedOutput {
        stream,
        exit,
        text: fence.text.clone(),
        line: line_col(text, fence.range.start).0,
        content,
        indent,
    })
}

/// The byte range between the opening and the closing fence lines, and the
/// indentation of the opening fence.
fn content_range(text: &str, block: &Range<usize>) -> (Range<usize>, String) {
    let line_start = text[..block.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..block.start].chars().filter(|c| c.is_whitespace()).collect();
    let block_text = &text[block.clone()];
    let start = block.start + block_text.find('\n').map_or(block_text.len(), |i| i + 1);
    let trimmed = block_text.trim_end_matches(['\n', '\r']);
    let last_line = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let closing = trimmed[last_line..].trim_start();
    let end =
        if closing.starts_with("```") || closing.starts_with("~~~") { block.start + last_line } else { block.end };
    (start.min(end)..end, indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_and_typos_get_suggestions() {
        let attrs = parse_attrs(&["no_run", "timeout=5", "name=setup"]).expect("valid");
        assert!(attrs.no_run);
        assert_eq!(attrs.timeout, Some(5));
        assert_eq!(attrs.name.as_deref(), Some("setup"));
        let (message, hint) = parse_attrs(&["shuold_fail"]).expect_err("typo");
        assert_eq!(message, "unknown code block attribute `shuold_fail`");
        assert_eq!(hint, "did you mean `should_fail`?");
        assert!(parse_attrs(&["timeout=soon"]).is_err());
        assert!(parse_attrs(&["timeout=18446744073709551615"]).is_err());
        assert!(parse_attrs(&["timeout=0"]).is_err());
    }

    #[test]
    fn rustdoc_attributes_parse() {
        let attrs = parse_attrs(&["edition2018", "should_panic"]).expect("valid");
        assert_eq!(attrs.edition, Some(2018));
        assert!(attrs.should_panic);
        assert!(parse_attrs(&["compile_fail"]).expect("valid").compile_fail);
        let (message, hint) = parse_attrs(&["edition2019"]).expect_err("no such edition");
        assert_eq!(message, "unknown code block attribute `edition2019`");
        assert!(hint.starts_with("did you mean `edition20"), "{hint}");
    }

    #[test]
    fn content_range_sits_between_the_fences() {
        let text = "x\n```output\nhello\n```\n";
        let start = text.find("```").expect("fence");
        let (range, indent) = content_range(text, &(start..text.len()));
        assert_eq!(&text[range], "hello\n");
        assert_eq!(indent, "");
        let empty = "```output\n```\n";
        let (range, _) = content_range(empty, &(0..empty.len()));
        assert_eq!(&empty[range], "");
    }
}
