//! RST tables — grid, simple, `list-table` and `csv-table` — as Markdown
//! tables. A cell's lines join into one; what Markdown tables cannot hold
//! (spans, blocks in cells) is flattened, never dropped.

use super::blocks::{block_end, dedent, indent};
use super::directives::Directive;
use super::{Line, Rst};
use crate::sources::Writer;

/// Rows of cells, each cell its lines of RST, and how many rows head it.
struct Table {
    rows: Vec<Vec<String>>,
    header_rows: usize,
}

impl Rst<'_> {
    /// A grid or simple table starting at `lines[i]`: the line after it.
    pub(super) fn table(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> Option<usize> {
        let (n, line) = lines[i];
        let end = (i..lines.len()).find(|&j| lines[j].1.trim().is_empty()).unwrap_or(lines.len());
        let block: Vec<&str> = lines[i..end].iter().map(|(_, l)| *l).collect();
        let table = if line.starts_with("+-") || line.starts_with("+=") {
            grid(&block)?
        } else if is_simple_border(line) && end > i + 1 {
            // A simple table may hold blank lines inside; it ends after its
            // closing border.
            let end = simple_end(lines, i)?;
            let block: Vec<&str> = lines[i..end].iter().map(|(_, l)| *l).collect();
            let table = simple(&block)?;
            self.write_table(&table, n, out);
            return Some(end);
        } else {
            return None;
        };
        self.write_table(&table, n, out);
        Some(end)
    }

    /// `list-table`, `csv-table` and `table` (a titled table).
    pub(super) fn table_directive(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        if !directive.argument.is_empty() {
            let title = self.inline(&directive.argument, n);
            out.blank(n);
            out.line(None, n, &format!("**{title}**"));
        }
        let header_rows = directive.option("header-rows").and_then(|h| h.parse().ok()).unwrap_or(0);
        let table = match name {
            "list-table" => Table { rows: list_rows(&directive.content), header_rows },
            "csv-table" => {
                let mut rows = Vec::new();
                let header = directive.option("header").map(csv_row);
                rows.extend(header.clone());
                rows.extend(directive.content.iter().filter(|(_, l)| !l.trim().is_empty()).map(|(_, l)| csv_row(l)));
                Table { rows, header_rows: header_rows + usize::from(header.is_some()) }
            }
            _ => {
                self.blocks(&directive.content, out);
                return;
            }
        };
        self.write_table(&table, n, out);
    }

    fn write_table(&mut self, table: &Table, n: usize, out: &mut Writer) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let row_text = |rst: &mut Self, cells: &[String]| {
            let mut line = String::from("|");
            for k in 0..columns {
                let cell = cells.get(k).map_or("", String::as_str).split_whitespace().collect::<Vec<_>>().join(" ");
                // A cell may hold an image, the one directive tables of
                // tutorials hold.
                let text = match cell.strip_prefix(".. image::") {
                    Some(source) => format!("![]({})", super::inline::link_destination(source.trim())),
                    None => rst.inline(&cell, n),
                };
                line.push_str(&format!(" {} |", text.replace('|', "\\|")));
            }
            line
        };
        out.blank(n);
        let (head, body) = table.rows.split_at(table.header_rows.min(table.rows.len()));
        // A Markdown table needs one header row: several join into one, and
        // a table without one gets an empty header.
        let header: Vec<String> = (0..columns)
            .map(|k| head.iter().filter_map(|row| row.get(k)).cloned().collect::<Vec<_>>().join(" "))
            .collect();
        let header_line = row_text(self, &header);
        out.line(None, n, &header_line);
        out.line(None, n, &format!("|{}", " --- |".repeat(columns)));
        for row in body {
            let line = row_text(self, row);
            out.line(None, n, &line);
        }
        out.line(None, n, "");
    }
}

fn is_simple_border(line: &str) -> bool {
    let line = line.trim_end();
    line.starts_with('=') && line.contains(' ') && line.chars().all(|c| c == '=' || c == ' ')
}

/// The line after a simple table's closing border.
fn simple_end(lines: &[Line<'_>], i: usize) -> Option<usize> {
    let borders: Vec<usize> = (i..lines.len()).filter(|&j| is_simple_border(lines[j].1)).take(3).collect();
    let last = *borders.last()?;
    // Two borders: no header; three: a header between the first two.
    let after = last + 1;
    let closes = lines.get(after).is_none_or(|(_, l)| l.trim().is_empty());
    (borders.len() >= 2 && closes).then_some(after)
}

/// A simple table: columns are the runs of `=` in its borders.
fn simple(block: &[&str]) -> Option<Table> {
    let border = block[0].trim_end();
    let mut columns = Vec::new();
    let mut start = None;
    for (k, c) in border.char_indices() {
        match (c, start) {
            ('=', None) => start = Some(k),
            (' ', Some(s)) => {
                columns.push(s);
                start = None;
            }
            _ => {}
        }
    }
    columns.extend(start);
    let borders: Vec<usize> = (0..block.len()).filter(|&k| is_simple_border(block[k])).collect();
    let header_rows = if borders.len() >= 3 { block[1..borders[1]].len() } else { 0 };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (k, line) in block.iter().enumerate() {
        if borders.contains(&k) || line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = (0..columns.len())
            .map(|c| {
                let from = columns[c].min(line.len());
                let to = columns.get(c + 1).map_or(line.len(), |next| (*next).min(line.len()));
                line.get(from..to).unwrap_or("").trim().to_owned()
            })
            .collect();
        // A row whose first cell is empty goes on with the row before.
        match rows.last_mut() {
            Some(last) if cells[0].is_empty() && k > 1 && !borders.contains(&(k - 1)) => {
                for (cell, more) in last.iter_mut().zip(cells) {
                    cell.push(' ');
                    cell.push_str(&more);
                }
            }
            _ => rows.push(cells),
        }
    }
    Some(Table { rows, header_rows })
}

/// A grid table: columns start at the `+` of its first border; `+===`
/// ends the header.
fn grid(block: &[&str]) -> Option<Table> {
    let border = block[0].trim_end();
    let edges: Vec<usize> = border.char_indices().filter(|(_, c)| *c == '+').map(|(k, _)| k).collect();
    if edges.len() < 2 {
        return None;
    }
    let mut rows = Vec::new();
    let mut current: Vec<String> = vec![String::new(); edges.len() - 1];
    let mut header_rows = 0;
    for line in &block[1..] {
        if line.starts_with('+') {
            if current.iter().any(|c| !c.trim().is_empty()) {
                rows.push(std::mem::replace(&mut current, vec![String::new(); edges.len() - 1]));
            }
            if line.starts_with("+=") {
                header_rows = rows.len();
            }
            continue;
        }
        for (c, cell) in current.iter_mut().enumerate() {
            let from = (edges[c] + 1).min(line.len());
            let to = edges[c + 1].min(line.len());
            let text = line.get(from..to).unwrap_or("").trim_matches(|ch: char| ch == '|' || ch.is_whitespace());
            cell.push(' ');
            cell.push_str(text);
        }
    }
    Some(Table { rows, header_rows })
}

/// A `list-table`'s rows: a bullet list of bullet lists.
fn list_rows(content: &[Line<'_>]) -> Vec<Vec<String>> {
    let content = dedent(content);
    let mut rows = Vec::new();
    let mut i = 0;
    while i < content.len() {
        let (_, line) = content[i];
        if !(line.starts_with("* ") || line.starts_with("- ")) {
            i += 1;
            continue;
        }
        let end = block_end(&content, i, 1);
        let mut row_lines = vec![&line[2..]];
        row_lines.extend(content[i + 1..end].iter().map(|(_, l)| l.get(2.min(indent(l))..).unwrap_or("")));
        rows.push(cells(&row_lines));
        i = end;
    }
    rows
}

/// The cells of one `list-table` row: the items of its inner list.
fn cells(lines: &[&str]) -> Vec<String> {
    let mut cells: Vec<String> = Vec::new();
    for line in lines {
        let trimmed = line.trim_start();
        if indent(line) == 0 && (trimmed.starts_with("- ") || trimmed.starts_with("* ") || trimmed == "-") {
            cells.push(trimmed.get(2..).unwrap_or("").to_owned());
        } else if let Some(last) = cells.last_mut() {
            last.push(' ');
            last.push_str(trimmed);
        }
    }
    cells
}

/// One line of CSV: commas split cells, double quotes hold commas.
fn csv_row(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.trim().chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().map_or((), |cell| cell.push(c)),
        }
    }
    cells.iter().map(|c| c.trim().to_owned()).collect()
}
