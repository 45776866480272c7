//! Sphinx inventories (`objects.inv`, version 2), read and written.
//!
//! An inventory names the objects a documentation site documents and
//! where: four `#` header lines (the format version, the project, its
//! version, and a note that the rest is zlib-compressed), then, compressed,
//! one line per object: `name domain:role priority uri dispname`. In the
//! uri, a trailing `$` stands for the name; a dispname of `-` is the name
//! itself. Sphinx, MkDocs (mkdocstrings) and primer all write this format,
//! and intersphinx reads it.
//!
//! Reading ([`open`]) checks the header and decompresses the body, whose
//! [`Body::entries`] borrow each line as written ([`EntryRef`]); a malformed
//! line is an error naming its line (counting the header lines, as the
//! decompressed file would). Writing takes owned [`Entry`]s.

use std::io::{Read, Write};

mod index;
mod load;

pub(crate) use index::{ApiIndex, ApiTarget};
pub(crate) use load::load;

/// One documented object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The object's full name: `functools.reduce`, `torch.nn.Linear`.
    pub(crate) name: String,
    /// `py`, `std`, `c`…
    pub(crate) domain: String,
    /// `function`, `class`, `doc`, `label`…
    pub(crate) role: String,
    /// Sphinx's search priority: `1` is the default, `-1` hides the object.
    pub(crate) priority: i32,
    /// Where it is documented, relative to the inventory's base, written
    /// out in full ([`write`] shortens a trailing name to `$`).
    pub(crate) uri: String,
    /// The name shown for it.
    pub(crate) display: String,
}

/// The project an inventory describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inventory {
    pub(crate) project: String,
    pub(crate) version: String,
    pub(crate) entries: Vec<Entry>,
}

/// Why an inventory could not be read: the line (1-based, the header's
/// four lines counted) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

const HEADER_LINES: usize = 4;

/// Most bytes a body is decompressed to: a hostile file of a few KiB
/// can stand for gigabytes.
const MAX_BODY: u64 = 512 * 1024 * 1024;

/// An inventory's body, decompressed, its header checked.
#[derive(Debug)]
pub(crate) struct Body {
    text: String,
}

/// One body line, borrowed: the uri and dispname as written, `$` and `-`
/// not expanded, so that reading allocates nothing per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntryRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) role: &'a str,
    pub(crate) priority: i32,
    /// Ends with `$` where the name stands.
    pub(crate) uri: &'a str,
    /// `-` for the name itself.
    pub(crate) display: &'a str,
}

impl EntryRef<'_> {
    /// The uri with a trailing `$` replaced by the name.
    #[cfg(test)]
    fn expanded_uri(&self) -> std::borrow::Cow<'_, str> {
        match self.uri.strip_suffix('$') {
            Some(stem) => format!("{stem}{}", self.name).into(),
            None => self.uri.into(),
        }
    }

    #[cfg(test)]
    fn to_entry(self) -> Entry {
        let display = if self.display == "-" { self.name } else { self.display };
        Entry {
            name: self.name.to_owned(),
            domain: self.domain.to_owned(),
            role: self.role.to_owned(),
            priority: self.priority,
            uri: self.expanded_uri().into_owned(),
            display: display.to_owned(),
        }
    }
}

#[cfg(test)]
impl Entry {
    /// The entry as a body line reads, its uri and display as they are.
    pub(crate) fn as_ref(&self) -> EntryRef<'_> {
        EntryRef {
            name: &self.name,
            domain: &self.domain,
            role: &self.role,
            priority: self.priority,
            uri: &self.uri,
            display: &self.display,
        }
    }
}

/// Reads an inventory from the bytes of its file, every entry owned and
/// expanded: what the tests compare.
#[cfg(test)]
pub(crate) fn read(bytes: &[u8]) -> Result<Inventory, ReadError> {
    let body = open(bytes)?;
    let entries = body.entries().map(|entry| entry.map(EntryRef::to_entry)).collect::<Result<Vec<_>, _>>()?;
    let header = String::from_utf8_lossy(bytes);
    let field = |key: &str| header.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_default().to_owned();
    Ok(Inventory { project: field("# Project: "), version: field("# Version: "), entries })
}

/// Reads an inventory's header and decompresses its body.
pub(crate) fn open(bytes: &[u8]) -> Result<Body, ReadError> {
    let mut rest = bytes;
    let mut header = Vec::with_capacity(HEADER_LINES);
    for line in 1..=HEADER_LINES {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| ReadError { line, message: "the inventory ends inside its four header lines".to_owned() })?;
        let text = String::from_utf8_lossy(&rest[..end]).trim_end_matches('\r').to_owned();
        header.push(text);
        rest = &rest[end + 1..];
    }
    if header[0] != "# Sphinx inventory version 2" {
        let message = format!("`{}`: only version 2 inventories are read", header[0]);
        return Err(ReadError { line: 1, message });
    }
    let field = |line: usize, key: &str| {
        header[line - 1]
            .strip_prefix(key)
            .map(drop)
            .ok_or_else(|| ReadError { line, message: format!("expected a `{key}` line") })
    };
    field(2, "# Project: ")?;
    field(3, "# Version: ")?;
    if !header[3].contains("zlib") {
        return Err(ReadError { line: 4, message: "expected the rest to be compressed with zlib".to_owned() });
    }
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(rest).take(MAX_BODY).read_to_string(&mut text).map_err(|error| ReadError {
        line: HEADER_LINES + 1,
        message: format!("the compressed body cannot be read: {error}"),
    })?;
    Ok(Body { text })
}

impl Body {
    /// Every entry in file order, or the first malformed line's error.
    pub(crate) fn entries(&self) -> impl Iterator<Item = Result<EntryRef<'_>, ReadError>> {
        self.text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()).map(|(n, line)| {
            entry(line).ok_or_else(|| ReadError { line: HEADER_LINES + n + 1, message: bad_line(line) })
        })
    }
}

fn bad_line(line: &str) -> String {
    let shown: String = line.chars().take(80).collect();
    format!("`{shown}` is not `name domain:role priority uri dispname`")
}

/// One body line. The name may hold spaces (`std:label` names do): it
/// ends before the first ` domain:role priority ` after it.
fn entry(line: &str) -> Option<EntryRef<'_>> {
    for (at, _) in line.match_indices(' ') {
        let mut rest = line[at + 1..].splitn(3, ' ');
        let (Some(kind), Some(priority), Some(tail)) = (rest.next(), rest.next(), rest.next()) else { return None };
        let (Some((domain, role)), Ok(priority)) = (kind.split_once(':'), priority.parse::<i32>()) else { continue };
        let name = &line[..at];
        if name.is_empty() || domain.is_empty() || role.is_empty() {
            return None;
        }
        let (uri, display) = tail.split_once(' ').unwrap_or((tail, "-"));
        return Some(EntryRef { name, domain, role, priority, uri, display });
    }
    None
}

/// Writes an inventory as Sphinx does, with `$` and `-` shortening what
/// repeats the name.
pub(crate) fn write(inventory: &Inventory) -> Vec<u8> {
    let mut out = format!(
        "# Sphinx inventory version 2\n# Project: {}\n# Version: {}\n# The remainder of this file is compressed using zlib.\n",
        inventory.project, inventory.version
    )
    .into_bytes();
    let mut body = String::new();
    for e in &inventory.entries {
        let uri = match e.uri.strip_suffix(e.name.as_str()) {
            Some(base) if !e.name.is_empty() && base.ends_with('#') => format!("{base}$"),
            _ => e.uri.clone(),
        };
        let display = if e.display == e.name { "-" } else { e.display.as_str() };
        body.push_str(&format!("{} {}:{} {} {uri} {display}\n", e.name, e.domain, e.role, e.priority));
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to memory cannot fail.
    let _ = encoder.write_all(body.as_bytes());
    out.extend(encoder.finish().unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compressed(header: &str, body: &str) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(body.as_bytes()).expect("memory");
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend(encoder.finish().expect("memory"));
        bytes
    }

    const HEADER: &str = "# Sphinx inventory version 2\n# Project: Python\n# Version: 3.13\n# The remainder of this file is compressed using zlib.\n";

    #[test]
    fn lines_are_read_with_dollar_and_dash_expanded() {
        let body = "functools.reduce py:function 1 library/functools.html#$ -\n\
                    os.path py:module 0 library/os.path.html#module-$ -\n\
                    bltin-types std:label -1 library/stdtypes.html#bltin-types Built-in Types\n\
                    a label with spaces std:label 2 page.html#x Shown Title\n";
        let inventory = read(&compressed(HEADER, body)).expect("valid");
        assert_eq!((inventory.project.as_str(), inventory.version.as_str()), ("Python", "3.13"));
        let reduce = &inventory.entries[0];
        assert_eq!(reduce.uri, "library/functools.html#functools.reduce");
        assert_eq!(reduce.display, "functools.reduce");
        assert_eq!((reduce.domain.as_str(), reduce.role.as_str(), reduce.priority), ("py", "function", 1));
        assert_eq!(inventory.entries[1].uri, "library/os.path.html#module-os.path");
        assert_eq!(inventory.entries[2].display, "Built-in Types");
        assert_eq!(inventory.entries[2].priority, -1);
        assert_eq!(inventory.entries[3].name, "a label with spaces");
        assert_eq!(inventory.entries[3].display, "Shown Title");
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let body = "functools.reduce py:function 1 library/functools.html#$ -\nintro std:doc -1 intro/ Introduction\n";
        let inventory = read(&compressed(HEADER, body)).expect("valid");
        assert_eq!(read(&write(&inventory)).expect("round trip"), inventory);
    }

    #[test]
    fn bad_inventories_name_the_line() {
        let version1 = "# Sphinx inventory version 1\n# Project: P\n# Version: 1\n# zlib\n";
        assert_eq!(read(version1.as_bytes()).expect_err("old").line, 1);
        assert_eq!(read(b"# Sphinx inventory version 2\n").expect_err("short").line, 2);
        let error = read(&compressed(HEADER, "ok py:function 1 a.html -\nbroken line\n")).expect_err("bad line");
        assert_eq!(error.line, 6, "{error:?}");
        assert!(error.message.contains("`broken line`"), "{error:?}");
        let garbage = format!("{HEADER}not zlib at all");
        assert_eq!(read(garbage.as_bytes()).expect_err("not zlib").line, 5);
    }
}
