//! IPython's own syntax, written as the Python calls IPython makes of it,
//! line for line, so a traceback's line numbers stay those of the cell:
//! `%%name args` opening a cell runs the rest of the cell through that
//! cell magic, `%name args` is a line magic, `!command` a shell command,
//! `name?` and `name??` ask for help,
//! and `x = !command` / `x = %name` keep what they return. The calls go
//! to `get_ipython()`, which the Python preamble provides (and which says
//! how to install IPython when it is missing). Lines inside a
//! triple-quoted string are left as they are.

/// `code` with every IPython-only line written as plain Python.
pub(super) fn translate(code: &str) -> String {
    let mut lines = code.lines();
    let first = code.lines().position(|line| !line.trim().is_empty());
    if let Some(at) = first
        && let Some(magic) = code.lines().nth(at).and_then(|line| line.strip_prefix("%%"))
    {
        let mut out: String = lines.by_ref().take(at).map(|line| format!("{line}\n")).collect();
        lines.next();
        let (name, args) = magic.split_once(char::is_whitespace).unwrap_or((magic, ""));
        out.push_str(&format!("get_ipython().run_cell_magic({}, {}, (''\n", quoted(name), quoted(args.trim())));
        for line in lines {
            out.push_str(&format!("{}\n", quoted(&format!("{line}\n"))));
        }
        out.push_str("))\n");
        return out;
    }
    let lines: Vec<&str> = lines.collect();
    let mut in_string: Option<&str> = None;
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < lines.len() {
        // A magic's arguments go on over the lines its brackets (or a
        // trailing `\\`) keep open, as IPython reads them.
        let mut end = i + 1;
        let mut logical = lines[i].to_owned();
        while in_string.is_none() && end < lines.len() && continues(&logical) {
            logical = format!("{} {}", logical.trim_end().trim_end_matches('\\'), lines[end].trim());
            end += 1;
        }
        let written = if in_string.is_none() { ipython_line(&logical) } else { None };
        match written {
            Some(call) => {
                out.push_str(&call);
                out.push('\n');
                // The lines joined into the call stay, empty, so the next
                // line keeps its number.
                for _ in i + 1..end {
                    out.push('\n');
                }
            }
            None => {
                end = i + 1;
                out.push_str(lines[i]);
                out.push('\n');
            }
        }
        in_string = string_state(lines[i], in_string);
        i = end;
    }
    out
}

/// Whether a line of IPython syntax goes on to the next: it ends with
/// `\\`, or leaves a bracket open.
fn continues(line: &str) -> bool {
    let body = line.trim_start();
    let magic = body.starts_with('%') || body.starts_with('!') || body.contains("= %") || body.contains("= !");
    if !magic {
        return false;
    }
    let depth: i32 = body
        .chars()
        .map(|c| match c {
            '(' | '[' | '{' => 1,
            ')' | ']' | '}' => -1,
            _ => 0,
        })
        .sum();
    depth > 0 || line.trim_end().ends_with('\\')
}

/// `code` as a call that compiles and runs it when it is reached, its
/// lines on the same lines of the file; one line more closes the call.
pub(super) fn as_cell(code: &str) -> String {
    let escaped = code.trim_end_matches('\n').replace('\\', "\\\\").replace('"', "\\\"");
    format!("__primer_cell(\"\"\"{escaped}\n\"\"\")\n")
}

/// The Python for one line of IPython syntax, if it is one.
fn ipython_line(line: &str) -> Option<String> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    if let Some(call) = ipython_call(body) {
        return Some(format!("{indent}{call}"));
    }
    // `files = !ls` and `t = %timeit -o f()`.
    let (target, value) = body.split_once('=')?;
    let target = target.trim_end();
    let simple = !target.is_empty() && target.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ',' || c == ' ');
    let call = ipython_call(value.trim_start()).filter(|_| simple)?;
    let call = call.replacen("get_ipython().system(", "get_ipython().getoutput(", 1);
    Some(format!("{indent}{target} = {call}"))
}

/// The call for `%name args`, `!command`, or `name?` (`??`, `?name`).
fn ipython_call(text: &str) -> Option<String> {
    if let Some(command) = text.strip_prefix('!') {
        return Some(format!("get_ipython().system({})", quoted(command)));
    }
    let help = text.trim_end();
    let (name, magic) = match help.strip_suffix("??").or_else(|| help.strip_prefix("??")) {
        Some(name) => (name, "pinfo2"),
        None => (help.strip_suffix('?').or_else(|| help.strip_prefix('?')).unwrap_or(""), "pinfo"),
    };
    let is_name = |name: &str| {
        name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || "._*".contains(c))
    };
    if is_name(name) {
        return Some(format!("get_ipython().run_line_magic('{magic}', {})", quoted(name)));
    }
    let magic = text.strip_prefix('%').filter(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()))?;
    let (name, args) = magic.split_once(char::is_whitespace).unwrap_or((magic, ""));
    Some(format!("get_ipython().run_line_magic({}, {})", quoted(name), quoted(args.trim())))
}

/// Whether a triple-quoted string is open after `line`, given the one
/// open before it: the quotes that open it, or `None`.
fn string_state<'q>(line: &str, mut open: Option<&'q str>) -> Option<&'q str> {
    let mut rest = line;
    loop {
        match open {
            Some(quotes) => match rest.find(quotes) {
                Some(at) => {
                    rest = &rest[at + 3..];
                    open = None;
                }
                None => return open,
            },
            None => {
                let next = ["\"\"\"", "'''"].into_iter().filter_map(|q| rest.find(q).map(|at| (at, q))).min();
                let comment = rest.find('#');
                match next {
                    Some((at, quotes)) if comment.is_none_or(|c| c > at) => {
                        rest = &rest[at + 3..];
                        open = Some(quotes);
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// `text` as a single-quoted Python string literal.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics_and_shell_lines_become_calls_on_the_same_lines() {
        let cell = "%matplotlib inline\nimport os\n!echo 'hi'\nfiles = !ls\nfor i in range(2):\n    %time f(i)\n";
        assert_eq!(
            translate(cell),
            "get_ipython().run_line_magic('matplotlib', 'inline')\nimport os\n\
             get_ipython().system('echo \\'hi\\'')\nfiles = get_ipython().getoutput('ls')\n\
             for i in range(2):\n    get_ipython().run_line_magic('time', 'f(i)')\n"
        );
    }

    #[test]
    fn help_syntax_asks_for_help() {
        assert_eq!(
            translate("len?\nnp.sort??\n"),
            "get_ipython().run_line_magic('pinfo', 'len')\nget_ipython().run_line_magic('pinfo2', 'np.sort')\n"
        );
        assert_eq!(translate("x = a if b else c\n"), "x = a if b else c\n");
    }

    #[test]
    fn a_cell_magic_takes_the_rest_of_the_cell_line_for_line() {
        let translated = translate("%%time\nx = 1\nprint(x)\n");
        assert_eq!(translated, "get_ipython().run_cell_magic('time', '', (''\n'x = 1\\n'\n'print(x)\\n'\n))\n");
        assert_eq!(translated.lines().count(), 4);
    }

    #[test]
    fn a_magic_goes_on_over_the_lines_its_brackets_keep_open() {
        let cell = "%timeit f(a,\n        b)\nprint(1)\n";
        assert_eq!(translate(cell), "get_ipython().run_line_magic('timeit', 'f(a, b)')\n\nprint(1)\n");
        assert_eq!(translate("x = (1,\n2)\n"), "x = (1,\n2)\n", "plain Python is left alone");
    }

    #[test]
    fn a_cell_is_compiled_when_it_runs_its_lines_in_place() {
        let cell = as_cell("x = \"a\\\\b\"\nprint(x)\n");
        assert_eq!(cell, "__primer_cell(\"\"\"x = \\\"a\\\\\\\\b\\\"\nprint(x)\n\"\"\")\n");
        assert_eq!(cell.lines().count(), 3);
    }

    #[test]
    fn plain_python_and_strings_are_left_alone() {
        let code = "x = 5 % 3\ndoc = \"\"\"\n%not a magic\n!nor a command\n\"\"\"\ny = x != 2 # '''\n!ls\n";
        let translated = translate(code);
        assert!(translated.contains("%not a magic\n!nor a command\n"), "{translated}");
        assert!(translated.starts_with("x = 5 % 3\n"), "{translated}");
        assert!(translated.ends_with("get_ipython().system('ls')\n"), "{translated}");
    }
}
