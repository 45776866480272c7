//! SVG images that cannot run script. An SVG file opened by itself is a
//! document: its `<script>`, event handlers, `javascript:` links and
//! `<foreignObject>` HTML all run. Figures come from notebooks and from
//! `primer test` runs, that is from code and files anyone can commit, so
//! every SVG primer publishes is parsed and written anew from an allow
//! list of drawing elements and presentation attributes.

use std::fmt::Write as _;

use crate::html::push_escaped;

use roxmltree::{Document, Node, NodeType, ParsingOptions};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements that draw, group, define paint or describe: nothing that
/// runs, links away, animates attributes or embeds other documents.
const ELEMENTS: [&str; 44] = [
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "title",
    "desc",
    "clipPath",
    "mask",
    "pattern",
    "linearGradient",
    "radialGradient",
    "stop",
    "marker",
    "image",
    "style",
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feFlood",
    "feGaussianBlur",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "feTile",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feDropShadow",
    "switch",
];

/// Image types an `<image>` may embed as a `data:` URL.
const DATA_IMAGES: [&str; 4] = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"];

/// `text` written anew with only safe elements and attributes; an error
/// when it is not an SVG document.
pub(crate) fn clean(text: &str) -> Result<String, String> {
    let options = ParsingOptions { allow_dtd: true, nodes_limit: 4_000_000, ..ParsingOptions::default() };
    let document = Document::parse_with_options(text, options).map_err(|e| format!("not an SVG image: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err("not an SVG image: the document is not an <svg> element".to_owned());
    }
    let mut out = String::with_capacity(text.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write_element(root, &mut out, true);
    out.push('\n');
    Ok(out)
}

fn write_element(node: Node<'_, '_>, out: &mut String, root: bool) {
    let name = node.tag_name().name();
    out.push('<');
    out.push_str(name);
    if root {
        let _ = write!(out, " xmlns=\"{SVG_NS}\" xmlns:xlink=\"{XLINK_NS}\"");
    }
    for attribute in node.attributes() {
        let prefix = match attribute.namespace() {
            None => "",
            Some(XLINK_NS) => "xlink:",
            Some(XML_NS) => "xml:",
            Some(_) => continue,
        };
        if !attribute_allowed(attribute.name(), attribute.value()) {
            continue;
        }
        let _ = write!(out, " {prefix}{}=\"", attribute.name());
        push_escaped(out, attribute.value());
        out.push('"');
    }
    out.push('>');
    if name == "style" {
        let css: String = node.children().filter_map(|child| child.text()).collect();
        if css_allowed(&css) {
            push_escaped(out, &css);
        }
    } else {
        for child in node.children() {
            match child.node_type() {
                NodeType::Element if element_allowed(child) => write_element(child, out, false),
                NodeType::Text => push_escaped(out, child.text().unwrap_or_default()),
                _ => {}
            }
        }
    }
    let _ = write!(out, "</{name}>");
}

fn element_allowed(node: Node<'_, '_>) -> bool {
    node.tag_name().namespace() == Some(SVG_NS) && ELEMENTS.contains(&node.tag_name().name())
}

/// Event handlers go, and links but to a part of the same image or an
/// embedded raster image; paint may refer to the image's own parts only.
fn attribute_allowed(name: &str, value: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("on") {
        return false;
    }
    let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if lower == "href" {
        return squeezed.starts_with('#') || DATA_IMAGES.iter().any(|kind| squeezed.starts_with(kind));
    }
    !squeezed.contains("javascript:") && refers_within(&squeezed)
}

/// Style sheets may not import others or fetch anything.
fn css_allowed(css: &str) -> bool {
    let squeezed: String = css.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    !squeezed.contains("@import")
        && !squeezed.contains("javascript:")
        && !squeezed.contains('\\')
        && refers_within(&squeezed)
}

/// Whether every `url(…)` in `value` (squeezed, lower case) names a part
/// of the same image.
fn refers_within(value: &str) -> bool {
    value.match_indices("url(").all(|(at, _)| {
        let rest = value[at + 4..].trim_start_matches(['"', '\'']);
        rest.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_stays_and_everything_that_runs_goes() {
        let svg = r##"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" onload="alert(1)">
 <style type="text/css">*{stroke-linecap: butt}</style>
 <script>alert(2)</script>
 <defs><path id="p" d="M 0 0 L 1 1" style="fill: url(#g)"/></defs>
 <use xlink:href="#p" x="1"/>
 <a href="javascript:alert(3)"><text>link</text></a>
 <use href="javascript:alert(4)"/>
 <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(5)"/></body></foreignObject>
 <set attributeName="href" to="javascript:alert(6)"/>
 <image href="data:image/png;base64,AAAA"/>
 <image href="https://tracker.example/x.png"/>
 <rect fill="url(https://tracker.example/)" width="1"/>
 <text x="1">a &lt; b</text>
</svg>"##;
        let cleaned = clean(svg).expect("an SVG");
        for gone in ["alert", "script", "foreignObject", "tracker", "<set", "<a "] {
            assert!(!cleaned.contains(gone), "{gone} in {cleaned}");
        }
        for kept in [
            "<style type=\"text/css\">*{stroke-linecap: butt}</style>",
            "<path id=\"p\" d=\"M 0 0 L 1 1\" style=\"fill: url(#g)\"></path>",
            "<use xlink:href=\"#p\" x=\"1\"></use>",
            "<image href=\"data:image/png;base64,AAAA\"></image>",
            "<text x=\"1\">a &lt; b</text>",
        ] {
            assert!(cleaned.contains(kept), "{kept} missing from {cleaned}");
        }
        assert!(clean("<html><script>x</script></html>").is_err());
        assert!(clean("not xml").is_err());
    }

    #[test]
    fn style_sheets_that_fetch_or_escape_are_dropped() {
        for css in ["@import url(https://e.org/x.css);", "a{background:url(https://e.org/)}", "a{b:\\75rl(x)}"] {
            let svg = format!("<svg xmlns=\"{SVG_NS}\"><style>{css}</style></svg>");
            assert!(clean(&svg).expect("svg").contains("<style></style>"), "{css}");
        }
    }
}
