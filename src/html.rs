//! HTML helpers that every stage may use: escaping text for element
//! content and attribute values.

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_html`] does.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Alt text for a figure a block of code made: the block's `#| alt:` line
/// (Quarto's cell option, `#| fig-alt:` too), or else its last line of
/// code worth naming.
pub(crate) fn figure_alt(code: &str) -> String {
    let option =
        code.lines().map(str::trim).find_map(|l| l.strip_prefix("#| alt:").or_else(|| l.strip_prefix("#| fig-alt:")));
    if let Some(alt) = option.map(str::trim).filter(|alt| !alt.is_empty()) {
        return alt.to_owned();
    }
    let line = code.lines().map(str::trim).rev().find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("code");
    let line: String = line.chars().take(80).collect();
    format!("Figure made by the code above, ending with {line}")
}
