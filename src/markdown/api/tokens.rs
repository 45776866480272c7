//! A Python tokenizer just deep enough to find names: identifiers,
//! operators and brackets with their byte offsets, strings and comments
//! skipped, grouped into statements with their indentation. It never
//! fails: code that is not Python still yields tokens, and the worst a
//! misreading costs is a missing link.

/// What a token is, as far as finding names needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Name,
    /// An operator or bracket.
    Op,
    /// A string or number literal.
    Literal,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// How many brackets are open before it, within its statement.
    pub(super) depth: usize,
}

/// One simple statement: the tokens between newlines (outside brackets)
/// and semicolons, and the indentation of the line it starts on.
#[derive(Debug, Default)]
pub(super) struct Statement {
    pub(super) indent: usize,
    pub(super) tokens: Vec<Token>,
}

const OPERATORS: [&str; 25] = [
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
    "^=", "@=", "**", "//", "<<", ">>", "~",
];

/// The statements of `code`. With `prompts`, the code is an interactive
/// session: only lines after `>>> ` and `... ` are code, the rest output.
pub(super) fn statements(code: &str, prompts: bool) -> Vec<Statement> {
    let mut lexer = Lexer { code, at: 0, depth: 0, statements: Vec::new(), current: Statement::default() };
    lexer.run(prompts);
    lexer.statements
}

/// The length of the prompt a session's input line starts with: Python's
/// `>>> ` and `... `, IPython's `In [3]: ` and `   ...: `.
pub(super) fn prompt_length(line: &str) -> Option<usize> {
    let bare = line.trim_end();
    if let Some(prompt) = [">>> ", "... "].iter().find(|p| line.starts_with(**p)) {
        return Some(prompt.len());
    }
    if bare == ">>>" || bare == "..." {
        return Some(3);
    }
    if let Some(rest) = line.strip_prefix("In [") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest[digits..];
        if digits > 0 && after.starts_with("]:") {
            let spaces = after[2..].bytes().take_while(|&b| b == b' ').count().min(1);
            return Some(4 + digits + 2 + spaces);
        }
    }
    let dots = line.trim_start_matches(' ');
    if dots.starts_with("...:") && line.len() - dots.len() >= 2 {
        let spaces = dots[4..].bytes().take_while(|&b| b == b' ').count().min(1);
        return Some(line.len() - dots.len() + 4 + spaces);
    }
    None
}

struct Lexer<'a> {
    code: &'a str,
    at: usize,
    depth: usize,
    statements: Vec<Statement>,
    current: Statement,
}

impl Lexer<'_> {
    fn run(&mut self, prompts: bool) {
        let mut line_start = true;
        while self.at < self.code.len() {
            if line_start {
                // A skipped line is read to its end: the next starts a line.
                line_start = !self.start_line(prompts);
                if line_start {
                    continue;
                }
            }
            let rest = &self.code[self.at..];
            let Some(c) = rest.chars().next() else { break };
            match c {
                '\n' => {
                    self.at += 1;
                    line_start = true;
                    if self.depth == 0 {
                        self.end_statement();
                    }
                }
                '\\' if rest[1..].starts_with('\n') || rest[1..].starts_with("\r\n") => {
                    // A continued line: the statement goes on, no indent.
                    self.at += if rest[1..].starts_with('\n') { 2 } else { 3 };
                }
                '#' => self.at += rest.find('\n').unwrap_or(rest.len()),
                '"' | '\'' => self.string(self.at),
                c if c.is_alphabetic() || c == '_' => self.word(),
                c if c.is_ascii_digit() => self.number(),
                c if c.is_whitespace() => self.at += c.len_utf8(),
                _ => self.operator(c),
            }
        }
        self.end_statement();
    }

    /// Reads the start of a line: a prompt, then the indentation. Returns
    /// false when the line was skipped as a session's output.
    fn start_line(&mut self, prompts: bool) -> bool {
        let rest = &self.code[self.at..];
        let line_end = rest.find('\n').map_or(rest.len(), |n| n + 1);
        if prompts {
            match prompt_length(&rest[..line_end]) {
                Some(length) => self.at += length,
                None => {
                    // Output: whatever was open ends with it.
                    self.at += line_end;
                    self.depth = 0;
                    self.end_statement();
                    return false;
                }
            }
        }
        let rest = &self.code[self.at..];
        let indent_bytes = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if self.depth == 0 && self.current.tokens.is_empty() {
            self.current.indent = rest[..indent_bytes]
                .chars()
                .fold(0, |width, c| if c == '\t' { (width / 8 + 1) * 8 } else { width + 1 });
        }
        self.at += indent_bytes;
        true
    }

    fn end_statement(&mut self) {
        if !self.current.tokens.is_empty() {
            let indent = self.current.indent;
            self.statements.push(std::mem::replace(&mut self.current, Statement { indent, tokens: Vec::new() }));
        }
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.push_at(kind, start, self.depth);
    }

    fn push_at(&mut self, kind: Kind, start: usize, depth: usize) {
        self.current.tokens.push(Token { kind, start, end: self.at, depth });
    }

    fn word(&mut self) {
        let start = self.at;
        let rest = &self.code[start..];
        let length = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let word = &rest[..length];
        let prefix = word.len() <= 3 && word.chars().all(|c| "rRbBuUfFtT".contains(c));
        if prefix && (rest[length..].starts_with('"') || rest[length..].starts_with('\'')) {
            self.string(start);
            return;
        }
        self.at += length;
        self.push(Kind::Name, start);
    }

    fn number(&mut self) {
        let start = self.at;
        let rest = &self.code[start..];
        self.at += rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
        self.push(Kind::Literal, start);
    }

    /// A string from `start` (its prefix), its quote at `self.at` or
    /// after the prefix; an unclosed one ends with its line (or, triple
    /// quoted, with the code).
    fn string(&mut self, start: usize) {
        let rest = &self.code[start..];
        let quote_at = rest.find(['"', '\'']).unwrap_or(0);
        let quote = &rest[quote_at..];
        let delimiter = if quote.starts_with("\"\"\"") || quote.starts_with("'''") { &quote[..3] } else { &quote[..1] };
        let body = &quote[delimiter.len()..];
        let mut escaped = false;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if body[i..].starts_with(delimiter) {
                end = i + delimiter.len();
                break;
            } else if c == '\n' && delimiter.len() == 1 {
                end = i;
                break;
            }
        }
        self.at = start + quote_at + delimiter.len() + end;
        self.push(Kind::Literal, start);
    }

    fn operator(&mut self, c: char) {
        let start = self.at;
        let rest = &self.code[start..];
        let length = OPERATORS.iter().find(|op| rest.starts_with(**op)).map_or(c.len_utf8(), |op| op.len());
        self.at += length;
        let before = self.depth;
        match c {
            '(' | '[' | '{' => self.depth += 1,
            ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
            ';' if self.depth == 0 => {
                self.end_statement();
                return;
            }
            _ => {}
        }
        self.push_at(Kind::Op, start, before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &str, prompts: bool) -> Vec<(usize, Vec<&str>)> {
        statements(code, prompts)
            .iter()
            .map(|s| (s.indent, s.tokens.iter().map(|t| &code[t.start..t.end]).collect()))
            .collect()
    }

    #[test]
    fn statements_split_on_newlines_outside_brackets_and_on_semicolons() {
        let code = "import numpy as np\nx = np.array([1,\n    2])  # np.zeros\ndef f(a):\n\treturn 'np.ones'; y = 2\n";
        assert_eq!(
            texts(code, false),
            vec![
                (0, vec!["import", "numpy", "as", "np"]),
                (0, vec!["x", "=", "np", ".", "array", "(", "[", "1", ",", "2", "]", ")"]),
                (0, vec!["def", "f", "(", "a", ")", ":"]),
                (8, vec!["return", "'np.ones'"]),
                (8, vec!["y", "=", "2"]),
            ]
        );
        // Each token knows how many brackets are open before it.
        let depths: Vec<usize> = statements(code, false)[1].tokens.iter().map(|t| t.depth).collect();
        assert_eq!(depths, [0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 1]);
    }

    #[test]
    fn strings_of_every_kind_are_one_literal() {
        let code = "s = f\"{np.pi}\" + rb'x\\'' + '''a\nb''' + \"open\nt = 1\n";
        let found = texts(code, false);
        assert_eq!(found[0].1, vec!["s", "=", "f\"{np.pi}\"", "+", "rb'x\\''", "+", "'''a\nb'''", "+", "\"open"]);
        assert_eq!(found[1].1, vec!["t", "=", "1"]);
    }

    #[test]
    fn a_session_reads_only_what_follows_its_prompts() {
        let code = ">>> import math\n>>> for i in range(2):\n...     math.sqrt(i)\n0.0\n1.0\n";
        let found = texts(code, true);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[2], (4, vec!["math", ".", "sqrt", "(", "i", ")"]));
        let ipython = "In [7]: def f(x):\n   ...:     return x\n\nIn [8]: f?\nFile: <ipython-input-6>\n";
        let found = texts(ipython, true);
        assert_eq!(
            found,
            vec![(0, vec!["def", "f", "(", "x", ")", ":"]), (4, vec!["return", "x"]), (0, vec!["f", "?"])]
        );
    }
}
