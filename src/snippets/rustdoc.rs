//! Rust blocks made into programs the way rustdoc makes doctests.
//!
//! Crate attributes (`#![…]`) and `extern crate` lines at the top stay at
//! the top. A block with a `fn main` (`async` and `#[tokio::main]` ones
//! included) is a program already. Any other block becomes the body of a
//! `fn main`, one that returns `Result<(), Box<dyn std::error::Error>>`
//! when the block uses the `?` operator, ending in `Ok(())` unless the
//! block already ends with an `Ok(…)`.

/// A block as a whole program, and how many lines were inserted before
/// the block's body (to map error lines back to the page).
pub(crate) fn program(code: &str) -> (String, usize) {
    let lines: Vec<&str> = code.lines().collect();
    let head_len = lines.iter().take_while(|line| is_head(line)).count();
    let (head, body) = lines.split_at(head_len);
    if has_main(code) {
        return (code.to_owned(), 0);
    }
    let mut out = String::with_capacity(code.len() + 80);
    for line in head {
        out.push_str(line);
        out.push('\n');
    }
    let fallible = body.iter().any(|line| uses_question_mark(line));
    out.push_str(if fallible { "fn main() -> Result<(), Box<dyn std::error::Error>> {\n" } else { "fn main() {\n" });
    for line in body {
        out.push_str(line);
        out.push('\n');
    }
    let last = body.iter().rev().map(|l| l.trim()).find(|l| !l.is_empty() && !l.starts_with("//")).unwrap_or("");
    if fallible && !(last.starts_with("Ok(") || last.starts_with("Ok::<")) {
        out.push_str("Ok(())\n");
    }
    out.push_str("}\n");
    (out, 1)
}

/// Lines rustdoc keeps above the `fn main` it adds.
fn is_head(line: &str) -> bool {
    let line = line.trim();
    line.is_empty()
        || line.starts_with("//")
        || line.starts_with("#![")
        || line.starts_with("extern crate")
        || line == "#[macro_use]"
}

fn has_main(code: &str) -> bool {
    code.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        let line = line.strip_prefix("async ").unwrap_or(line);
        line.strip_prefix("fn main").is_some_and(|rest| rest.trim_start().starts_with(['(', '<']))
    })
}

/// Whether a line uses `?` as an operator (not in a comment or a string).
fn uses_question_mark(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or(line);
    let mut in_string = false;
    let mut previous = ' ';
    for c in code.chars() {
        match c {
            '"' if previous != '\\' => in_string = !in_string,
            '?' if !in_string && (previous.is_alphanumeric() || matches!(previous, ')' | ']' | '_' | '>' | '?')) => {
                return true;
            }
            _ => {}
        }
        previous = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_gets_a_main_below_crate_attributes() {
        let (program, inserted) = program("#![allow(unused)]\nextern crate core;\nlet x = 1;\nprintln!(\"{x}\");\n");
        assert_eq!(program, "#![allow(unused)]\nextern crate core;\nfn main() {\nlet x = 1;\nprintln!(\"{x}\");\n}\n");
        assert_eq!(inserted, 1);
    }

    #[test]
    fn a_body_with_the_question_mark_returns_a_result() {
        let (fallible, _) = program("let n: i32 = \"4\".parse()?;\nprintln!(\"{n}\");\n");
        assert!(fallible.starts_with("fn main() -> Result<(), Box<dyn std::error::Error>> {\n"), "{fallible}");
        assert!(fallible.ends_with("Ok(())\n}\n"), "{fallible}");
        let (ends_ok, _) = program("let n: i32 = \"4\".parse()?;\nOk::<(), std::num::ParseIntError>(())\n");
        assert_eq!(ends_ok.matches("Ok").count(), 1, "{ends_ok}");
        let (quoted, _) = program("println!(\"what?\"); // really?\n");
        assert!(quoted.starts_with("fn main() {\n"), "{quoted}");
    }

    #[test]
    fn a_block_with_a_main_is_left_alone() {
        for code in ["fn main() {}\n", "#[tokio::main]\nasync fn main() {}\n", "pub fn main () {}\n"] {
            assert_eq!(program(code), (code.to_owned(), 0));
        }
    }
}
