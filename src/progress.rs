//! Progress of long work: a bar on a terminal, one plain line per finished
//! item when stderr is a file or a CI log, where a redrawn bar would be
//! noise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress over a known number of items; safe to share across threads.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    /// Starts showing progress over `total` items, as `what` ("pages").
    pub(crate) fn start(total: usize, what: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            let template = format!("{{bar:30}} {{pos}}/{{len}} {what} {{msg}}");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar, total, done: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// One item finished: `name` with its `outcome`.
    pub(crate) fn finished(&self, name: &str, outcome: &str) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(name.to_owned());
                bar.inc(1);
            }
            None => eprintln!("[{done}/{}] {name} {outcome}", self.total),
        }
    }

    /// Clears the bar before the report is printed.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
