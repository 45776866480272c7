//! What a fenced code block's language and lines mean, to the page that
//! shows it and to `primer test`, which runs it: the canonical name of a
//! language (`py` is `python`), and hidden lines, which run but do not
//! show (rustdoc's `# ` in Rust, `#~ ` and `//~ ` in other languages),
//! the prompts of a Python console session (`pycon`), which are shown but
//! not run, and IPython's own syntax in `ipython` blocks and notebook
//! cells (`%magic`, `!shell`), which runs as IPython runs it.

mod ipython;

/// The canonical language name for an info-string language.
pub(crate) fn canonical(lang: &str) -> &str {
    match lang {
        "py" | "python3" | "ipython" | "ipython3" | "pycon" => "python",
        "shell" => "bash",
        "js" | "node" | "mjs" => "javascript",
        "rs" => "rust",
        other => other,
    }
}

/// Languages that name no syntax: the block is plain text, highlighted
/// by nothing and never run.
pub(crate) const PLAIN: [&str; 7] = ["text", "plain", "none", "txt", "output", "console", "default"];

/// The comment prefix that marks a hidden line in `lang`, if it has one.
/// Rust follows rustdoc (`# `); `#`-comment languages use `#~ `, and
/// `//`-comment languages use `//~ `.
fn hidden_prefix(lang: &str) -> Option<&'static str> {
    match lang {
        "rust" | "rs" => Some("#"),
        "python" | "py" | "python3" | "ipython" | "ipython3" | "bash" | "sh" | "shell" | "zsh" | "ruby" | "rb"
        | "r" | "perl" => Some("#~"),
        "javascript" | "js" | "node" | "typescript" | "ts" | "c" | "cpp" | "c++" | "go" | "java" | "kotlin"
        | "swift" => Some("//~"),
        _ => None,
    }
}

/// The word in a block's info string that keeps its names unlinked from
/// API docs.
pub(crate) const NO_API_LINKS: &str = "no_api_links";

/// The code of a block's hidden lines alone, as it runs.
pub(crate) fn hidden_code(lang: &str, code: &str) -> String {
    let Some(prefix) = hidden_prefix(lang) else { return String::new() };
    code.split_inclusive('\n')
        .filter_map(|line| hidden_line(prefix, line))
        .map(|line| format!("{}\n", line.trim_end()))
        .collect()
}

/// Whether a line is hidden, and the code it runs.
fn hidden_line<'a>(prefix: &str, line: &'a str) -> Option<&'a str> {
    let trimmed = line.trim_start();
    // The marker alone on its line (its line break aside) hides an empty line.
    if trimmed.trim_end_matches(['\n', '\r']) == prefix {
        return Some("");
    }
    if prefix == "#" {
        // rustdoc: `# code` is hidden; `##` escapes a `#`.
        return trimmed.strip_prefix("# ");
    }
    trimmed.strip_prefix(prefix).and_then(|rest| rest.strip_prefix(' '))
}

/// The code that runs: hidden lines included, their markers removed; in
/// a console session, the lines after its prompts.
pub(crate) fn runnable_code(lang: &str, code: &str) -> String {
    if lang == "pycon" {
        return console_input(code);
    }
    let Some(prefix) = hidden_prefix(lang) else { return code.to_owned() };
    unhide(prefix, code)
}

/// What the runner is given for a block's runnable code: an IPython
/// block's magics and shell lines become the calls IPython makes of them,
/// and the block is compiled only when it runs, as a Jupyter cell is.
pub(crate) fn program_text(lang: &str, code: &str) -> String {
    match lang {
        "ipython" | "ipython3" => ipython::as_cell(&ipython::translate(code)),
        _ => code.to_owned(),
    }
}

/// `code` with its hidden lines' markers removed.
fn unhide(prefix: &str, code: &str) -> String {
    code.split_inclusive('\n')
        .map(|line| match hidden_line(prefix, line) {
            Some(rest) => {
                let newline = if line.ends_with('\n') && !rest.ends_with('\n') { "\n" } else { "" };
                format!("{rest}{newline}")
            }
            None if prefix == "#" && line.trim_start().starts_with("##") => line.replacen("##", "#", 1),
            None => line.to_owned(),
        })
        .collect()
}

/// What a Python console session typed: the lines after `>>> ` and
/// `... ` prompts. The rest is what the session printed, which is shown
/// and not run.
fn console_input(code: &str) -> String {
    code.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            [">>> ", "... "]
                .iter()
                .find_map(|prompt| line.strip_prefix(prompt))
                .or_else(|| (line == ">>>" || line == "...").then_some(""))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The code readers see: hidden lines removed.
pub(crate) fn visible_code(lang: &str, code: &str) -> String {
    let Some(prefix) = hidden_prefix(lang) else { return code.to_owned() };
    code.split_inclusive('\n')
        .filter(|line| hidden_line(prefix, line).is_none())
        .map(|line| {
            if prefix == "#" && line.trim_start().starts_with("##") {
                line.replacen("##", "#", 1)
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_lines_run_but_are_not_shown() {
        let code = "#~ import os\nprint(1)\n";
        assert_eq!(runnable_code("python", code), "import os\nprint(1)\n");
        assert_eq!(visible_code("python", code), "print(1)\n");
        let rust = "# fn helper() {}\n#[derive(Debug)]\nstruct A;\n## not hidden\n";
        assert_eq!(visible_code("rust", rust), "#[derive(Debug)]\nstruct A;\n# not hidden\n");
        assert_eq!(runnable_code("rust", rust), "fn helper() {}\n#[derive(Debug)]\nstruct A;\n# not hidden\n");
        assert_eq!(visible_code("toml", "#~ a = 1\n"), "#~ a = 1\n");
        // A bare `#` hides an empty line, as rustdoc does.
        let bare = "# fn main() {\n#\nlet x = 1;\n    #\n# }\n";
        assert_eq!(visible_code("rust", bare), "let x = 1;\n");
        assert_eq!(runnable_code("rust", bare), "fn main() {\n\nlet x = 1;\n\n}\n");
        assert_eq!(visible_code("python", "#~\nprint(1)\n"), "print(1)\n");
    }

    #[test]
    fn a_console_session_runs_what_follows_its_prompts() {
        let session = ">>> def f(x):\n...     return x * 2\n...\n>>> f(2)\n4\n";
        assert_eq!(runnable_code("pycon", session), "def f(x):\n    return x * 2\n\nf(2)\n");
        assert_eq!(visible_code("pycon", session), session);
        for name in ["py", "python3", "ipython", "ipython3", "pycon"] {
            assert_eq!(canonical(name), "python", "{name}");
        }
    }
}
