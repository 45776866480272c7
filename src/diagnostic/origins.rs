//! Where the lines of converted documents come from. Notebook and script
//! pages are read as Markdown; every line of that Markdown remembers the
//! cell and line the author wrote, and problems found by any later stage
//! are moved back there before they are shown.

use std::collections::HashMap;
use std::sync::Arc;

use super::Diagnostic;

/// Where each line of a converted document comes from: for line `n`
/// (1-based) of the Markdown, `lines[n - 1]` is the cell (1-based, none
/// for a script) and the line in it, or in the script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origins {
    lines: Vec<(Option<usize>, usize)>,
    /// The file the author wrote, when its lines are the lines problems
    /// are moved to (a script, an RST page; not a notebook's JSON): a
    /// moved problem quotes its own line.
    source: Option<Arc<str>>,
}

impl Origins {
    /// `origins` of a document converted from `source`, whose lines they
    /// number.
    pub(crate) fn with_source(origins: Self, source: &str) -> Self {
        Self { source: Some(Arc::from(source)), ..origins }
    }

    /// Records where the next line of the converted document comes from.
    pub(crate) fn push(&mut self, cell: Option<usize>, line: usize) {
        self.lines.push((cell, line));
    }

    /// The line of the author's file that line `line` (1-based) of the
    /// converted document comes from; 0 when it is not known.
    pub(crate) fn line_of(&self, line: usize) -> usize {
        self.lines.get(line.wrapping_sub(1)).map_or(0, |(_, at)| *at)
    }

    /// The cell that line `line` (1-based) of the converted document
    /// comes from, in a notebook.
    pub(crate) fn cell_of(&self, line: usize) -> Option<usize> {
        self.lines.get(line.wrapping_sub(1)).and_then(|(cell, _)| *cell)
    }

    /// `display:line` for line `line` of the converted document, at the
    /// cell and line the author wrote: `content/a.ipynb (cell 2):1`.
    pub(crate) fn location(&self, display: &str, line: usize) -> String {
        let (cell, at) = self.lines.get(line.wrapping_sub(1)).copied().unwrap_or((None, line));
        format!("{}:{at}", super::origin(display, cell))
    }

    /// Moves a diagnostic at a line of the converted document to the line
    /// (and cell) of the file the author wrote.
    pub(crate) fn relocate(&self, problem: Diagnostic) -> Diagnostic {
        if problem.line == 0 {
            return problem;
        }
        match (self.lines.get(problem.line - 1), &self.source) {
            (Some(&(None, line)), Some(source)) if line > 0 => problem.moved_to(None, line).quoting(source),
            (Some(&(cell, line)), _) => problem.moved_to(cell, line),
            (None, _) => problem,
        }
    }
}

/// Where the lines of every notebook and script page of a site come from,
/// by the path problems name: problems found in their Markdown, by any
/// stage, are moved back to the file the author wrote.
#[derive(Debug, Default)]
pub(crate) struct Relocator(HashMap<String, Arc<Origins>>);

impl Relocator {
    /// A relocator for converted documents: the path problems name them
    /// by, and where their lines come from.
    pub(crate) fn new<'a>(converted: impl IntoIterator<Item = (&'a str, &'a Arc<Origins>)>) -> Self {
        Self(converted.into_iter().map(|(display, origins)| (display.to_owned(), Arc::clone(origins))).collect())
    }

    pub(crate) fn apply(&self, problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let place = |problem: Diagnostic| match self.0.get(&problem.path) {
            Some(origins) => origins.relocate(problem),
            None => problem,
        };
        problems.into_iter().map(place).collect()
    }
}
