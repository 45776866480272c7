//! Math, typeset when the site is built: `$…$` and `$$…$$` become
//! MathML, which browsers draw with no script, so math shows from
//! `file://` and in feeds alike. The TeX stays in the MathML as its
//! annotation (read by assistive technology and kept for copying) and
//! in the search index. TeX the converter cannot read is a warning at
//! its line and shows as code.

use pulldown_cmark::{CowStr, Event};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage};

use super::{Locator, Spanned};
use crate::diagnostic::Diagnostic;

/// Replaces math events with MathML.
pub(super) fn transform<'a>(
    mut events: Vec<Spanned<'a>>,
    locator: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    for (event, range) in &mut events {
        let (tex, display) = match event {
            Event::InlineMath(tex) => (std::mem::replace(tex, CowStr::Borrowed("")), false),
            Event::DisplayMath(tex) => (std::mem::replace(tex, CowStr::Borrowed("")), true),
            _ => continue,
        };
        let (tex, number) = if display { numbered(&tex) } else { (tex.to_string(), None) };
        *event = match mathml(&tex, display) {
            Ok(html) => Event::Html(
                match number {
                    Some((anchor, number)) => format!(
                        "<span class=\"equation\" id=\"{}\">{html}<span class=\"equation-number\">{}</span></span>",
                        crate::html::escape_html(&crate::sources::label_anchor(&anchor)),
                        crate::html::escape_html(&number)
                    ),
                    None => html,
                }
                .into(),
            ),
            Err(reason) => {
                problems.push(
                    locator
                        .at(range.start, range.len(), format!("math that primer cannot typeset: {reason}"))
                        .with_hint("it is shown as code; check the TeX, or write it with commands KaTeX knows")
                        .warning(),
                );
                Event::Code(tex.into())
            }
        };
    }
    events
}

/// Display math with a `\label{anchor}` and a `\tag{number}` (a
/// numbered equation, as the MyST reader writes one): the TeX without
/// them, and the anchor and number.
fn numbered(tex: &str) -> (String, Option<(String, String)>) {
    let take = |tex: &str, command: &str| -> Option<(String, String)> {
        let start = tex.find(command)?;
        let end = start + tex[start..].find('}')?;
        let value = tex[start + command.len()..end].trim().to_owned();
        Some((format!("{}{}", &tex[..start], &tex[end + 1..]), value))
    };
    let Some((rest, anchor)) = take(tex, "\\label{") else { return (tex.to_owned(), None) };
    match take(&rest, "\\tag{") {
        Some((rest, number)) => (rest, Some((anchor, format!("({number})")))),
        None => (rest, Some((anchor, String::new()))),
    }
}

/// The MathML of `tex`, or why it cannot be typeset.
fn mathml(tex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect::<Result<_, _>>().map_err(|e| first_line(&e))?;
    let config = RenderConfig {
        display_mode: if display { DisplayMode::Block } else { DisplayMode::Inline },
        annotation: None,
        xml: true,
        ..RenderConfig::default()
    };
    let mut html = String::with_capacity(tex.len() * 8);
    pulldown_latex::push_mathml(&mut html, events.into_iter().map(Ok::<_, std::convert::Infallible>), config)
        .map_err(|e| e.to_string())?;
    crate::safety::mathml::clean(&html, tex)
}

fn first_line(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or(&text).trim();
    line.trim_start_matches("error: ").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_becomes_mathml_with_the_tex_as_annotation() {
        let html = mathml(r"\frac{a}{b} < c", false).expect("valid");
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(html.contains(r#"<annotation encoding="application/x-tex">\frac{a}{b} &lt; c</annotation>"#), "{html}");
        let block = mathml("x^2", true).expect("valid");
        assert!(block.contains("display=\"block\""), "{block}");
    }

    #[test]
    fn text_with_leading_spaces_and_numbered_equations_typeset() {
        assert!(mathml(r"\bar y = \text{ sample mean}", true).is_ok());
        let (tex, number) = numbered("\\label{mean}\\tag{1}\nx = 1");
        assert_eq!(tex.trim(), "x = 1");
        assert_eq!(number, Some(("mean".to_owned(), "(1)".to_owned())));
    }

    #[test]
    fn markup_in_tex_stays_text() {
        for tex in [r"\text{<script>alert(1)</script>}", r"\mathrm{<img src=x onerror=alert(1)>}", "<b>"] {
            if let Ok(html) = mathml(tex, false) {
                assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "{html}");
            }
        }
    }

    #[test]
    fn unknown_commands_are_reported() {
        assert!(mathml(r"\notacommand{x}", false).is_err());
        assert!(mathml(r"\frac{a}", false).is_err());
    }
}
