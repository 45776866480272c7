//! MathML that is only math. The TeX converter writes some characters of
//! its input into the markup as they are (`<` as an operator), so its
//! output is parsed as XML and written anew from an allow list of MathML
//! elements and presentation attributes, every text escaped; the TeX
//! goes in as the annotation, escaped here.

use std::fmt::Write as _;

use crate::html::push_escaped;

use roxmltree::{Document, Node, NodeType};

const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";

/// MathML Core's presentation elements: nothing that links or runs.
const ELEMENTS: [&str; 29] = [
    "math",
    "semantics",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "mtable",
    "mtr",
    "mtd",
    "mmultiscripts",
    "mprescripts",
    "none",
    "menclose",
];

/// Presentation attributes: sizes, spacing, alignment and variants.
const ATTRIBUTES: [&str; 27] = [
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "columnlines",
    "rowlines",
    "frame",
    "width",
    "height",
    "depth",
    "voffset",
    "scriptlevel",
    "displaystyle",
    "movablelimits",
    "largeop",
    "symmetric",
    "notation",
];

/// `mathml` written anew with only MathML elements and presentation
/// attributes, with `tex` as its annotation; an error when it is not a
/// MathML element.
pub(crate) fn clean(mathml: &str, tex: &str) -> Result<String, String> {
    // HTML's one named entity the converter writes, which XML lacks.
    let markup = escape_stray(&mathml.replace("&nbsp;", "&#160;"));
    let document = Document::parse(&markup).map_err(|e| format!("the converter wrote malformed MathML: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "math" || root.tag_name().namespace() != Some(MATHML_NS) {
        return Err("the converter wrote no <math> element".to_owned());
    }
    let mut out = String::with_capacity(mathml.len() + tex.len() + 64);
    out.push_str("<math");
    write_attributes(root, &mut out);
    out.push_str("><semantics><mrow>");
    for child in root.children() {
        write_node(child, &mut out);
    }
    out.push_str("</mrow><annotation encoding=\"application/x-tex\">");
    push_escaped(&mut out, tex);
    out.push_str("</annotation></semantics></math>");
    Ok(out)
}

/// The converter's markup with the `<` and `>` it copied from the TeX
/// (operators) escaped: a `<` that does not open or close a tag of a
/// MathML element, and a `>` outside a tag.
fn escape_stray(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len() + 16);
    let mut in_tag = false;
    for (at, c) in markup.char_indices() {
        match c {
            '<' if !in_tag && opens_tag(&markup[at + 1..]) => {
                in_tag = true;
                out.push('<');
            }
            '<' => out.push_str("&lt;"),
            '>' if in_tag => {
                in_tag = false;
                out.push('>');
            }
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether text after a `<` is the name of a MathML element (or the
/// closing tag of one) and then the end of the name.
fn opens_tag(after: &str) -> bool {
    let name_start = after.strip_prefix('/').unwrap_or(after);
    let len = name_start.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(name_start.len());
    let name = &name_start[..len];
    let next = name_start[len..].chars().next();
    (ELEMENTS.contains(&name) || name == "annotation") && matches!(next, Some(' ' | '>' | '/'))
}

fn write_node(node: Node<'_, '_>, out: &mut String) {
    match node.node_type() {
        NodeType::Text => push_escaped(out, node.text().unwrap_or_default()),
        NodeType::Element if allowed(node) => {
            let name = node.tag_name().name();
            let _ = write!(out, "<{name}");
            write_attributes(node, out);
            out.push('>');
            for child in node.children() {
                write_node(child, out);
            }
            let _ = write!(out, "</{name}>");
        }
        // Anything else goes, its text with it.
        _ => {}
    }
}

fn allowed(node: Node<'_, '_>) -> bool {
    node.tag_name().namespace() == Some(MATHML_NS) && ELEMENTS.contains(&node.tag_name().name())
}

fn write_attributes(node: Node<'_, '_>, out: &mut String) {
    for attribute in node.attributes() {
        if attribute.namespace().is_none() && ATTRIBUTES.contains(&attribute.name()) {
            let _ = write!(out, " {}=\"", attribute.name());
            push_escaped(out, attribute.value());
            out.push('"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_math_elements_and_presentation_attributes_stay() {
        let hostile = r#"<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline" onclick="x()"><mi href="javascript:x">a</mi><maction actiontype="statusline"><mtext>t</mtext></maction><script xmlns="http://www.w3.org/1999/xhtml">x()</script></math>"#;
        let clean = clean(hostile, "a<b").expect("valid");
        assert!(clean.starts_with("<math display=\"inline\"><semantics><mrow><mi>a</mi>"), "{clean}");
        assert!(clean.ends_with("<annotation encoding=\"application/x-tex\">a&lt;b</annotation></semantics></math>"));
        for gone in ["onclick", "href", "<maction", "<script"] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
    }
}
