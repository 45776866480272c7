//! `primer serve`: a dev server over the site built in memory.
//!
//! [`workspace`] builds the site in memory and rebuilds what a change
//! touches; [`watch`] turns file-system events into batches of changed
//! paths; [`http`] serves the latest good build and tells browsers what
//! changed; [`guard`] refuses foreign hosts and closes idle connections.
//! Data flows one way: a rebuild thread takes batches from the
//! watcher, rebuilds, and publishes an immutable [`Published`] state on a
//! `tokio::sync::watch` channel that the HTTP handlers read. Nothing is
//! written to the output folder.

mod guard;
mod http;
mod watch;
mod workspace;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::net::TcpListener;

use crate::config::Overrides;
use crate::diagnostic::Diagnostic;
use workspace::{Change, Rebuilt, Snapshot, Workspace};

/// What `primer serve` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) root: PathBuf,
    pub(crate) port: u16,
    pub(crate) bind: IpAddr,
    /// Host names served besides IP addresses and `localhost`.
    pub(crate) allow_hosts: Vec<String>,
    /// How long a connection may stay silent.
    pub(crate) idle: Duration,
    pub(crate) open: bool,
    pub(crate) drafts: bool,
    /// Fetch URL inventories again at the first build.
    pub(crate) refresh_inventories: bool,
}

/// The state browsers see: the last good build, counters of the changes
/// they must react to, and the error of the last build if it failed.
#[derive(Debug, Default)]
struct Published {
    site: Arc<Snapshot>,
    /// Bumped when pages changed: browsers reload.
    reload: u64,
    /// Bumped when only stylesheets changed: browsers swap them.
    styles: u64,
    error: Option<BuildError>,
}

/// A failed build, as the overlay shows it.
#[derive(Debug, Clone)]
struct BuildError {
    /// Tells one failure from the next.
    id: u64,
    /// `{count, location, text}` for the overlay.
    json: String,
}

/// Runs the server until Ctrl-C.
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(serve(options))
}

async fn serve(options: &Options) -> Result<(), String> {
    let listener = TcpListener::bind((options.bind, options.port)).await.map_err(|error| {
        format!(
            "cannot listen on {}:{}: {error} (pass another --port, or 0 for any free one)",
            options.bind, options.port
        )
    })?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{address}/");
    let overrides = Overrides {
        output: None,
        base_url: Some(url.clone()),
        drafts: options.drafts,
        refresh_inventories: options.refresh_inventories,
        preview: None,
    };
    let mut workspace = Workspace::new(&options.root, overrides);
    let (sender, receiver) = tokio::sync::watch::channel(Arc::new(Published::default()));
    let mut publisher = Publisher { sender, reload: 0, styles: 0, errors: 0 };
    let started = Instant::now();
    let first = workspace.rebuild(&[]);
    publisher.publish(&workspace, first, started.elapsed(), &[], &options.root);
    let (config, folders) = workspace.watched();
    let watcher = watch::Watcher::start(&config, &folders).map_err(|e| format!("cannot watch the site: {e}"))?;
    let root = options.root.clone();
    std::thread::spawn(move || rebuild_loop(workspace, watcher, &mut publisher, &root));
    println!("Serving at {url} (Ctrl-C to stop)");
    if options.open {
        open_browser(&url);
    }
    let hosts = guard::Hosts(Arc::new(options.allow_hosts.clone()));
    let server = axum::serve(guard::IdleListener(listener, options.idle), http::router(receiver, hosts));
    tokio::select! {
        result = server => result.map_err(|e| e.to_string()),
        _ = tokio::signal::ctrl_c() => {
            println!("Stopped.");
            Ok(())
        }
    }
}

/// What the rebuild thread acts on.
#[derive(Debug)]
enum Work {
    Changed(Vec<PathBuf>),
    Search(workspace::BuiltSearch),
}

fn rebuild_loop(mut workspace: Workspace, watcher: watch::Watcher, publisher: &mut Publisher, root: &Path) {
    let (sender, work) = std::sync::mpsc::channel();
    let changes = sender.clone();
    std::thread::spawn(move || {
        while let Some(paths) = watcher.next_batch() {
            if changes.send(Work::Changed(paths)).is_err() {
                return;
            }
        }
    });
    // One index build at a time, on a pool of its own: builds for older
    // pages would only take cores from the next rebuild, and on the shared
    // pool the rebuild's page renders would queue behind the index's work.
    let indexer = rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "primer-search".into()).build();
    let mut indexing = false;
    while let Ok(next) = work.recv() {
        match next {
            Work::Changed(paths) => {
                let started = Instant::now();
                let result = workspace.rebuild(&paths);
                publisher.publish(&workspace, result, started.elapsed(), &paths, root);
            }
            Work::Search(built) => {
                indexing = false;
                if workspace.install_search(built) {
                    publisher.republish(&workspace);
                }
            }
        }
        // Pages first; the search index follows on another thread, so
        // readers see the change and the next save is not kept waiting.
        if !indexing {
            if let Some(job) = workspace.search_job() {
                indexing = true;
                let results = sender.clone();
                let run = move || drop(results.send(Work::Search(job.run())));
                match &indexer {
                    Ok(pool) => pool.spawn(run),
                    Err(_) => drop(std::thread::spawn(run)),
                }
            }
        }
    }
}

/// Sends new states to the HTTP side and logs one line per rebuild.
#[derive(Debug)]
struct Publisher {
    sender: tokio::sync::watch::Sender<Arc<Published>>,
    reload: u64,
    styles: u64,
    errors: u64,
}

impl Publisher {
    fn publish(
        &mut self,
        workspace: &Workspace,
        result: Result<Rebuilt, Vec<Diagnostic>>,
        elapsed: Duration,
        paths: &[PathBuf],
        root: &Path,
    ) {
        let what = changed_names(paths, root);
        let error = match result {
            Ok(rebuilt) => {
                match rebuilt.change {
                    Change::Pages => self.reload += 1,
                    Change::Styles => self.styles += 1,
                    Change::Nothing => {}
                }
                let scope = if rebuilt.full { "everything" } else { "incrementally" };
                for warning in &rebuilt.warnings {
                    eprintln!("{}\n", warning.render(false));
                }
                let warnings = match rebuilt.warnings.len() {
                    0 => String::new(),
                    n => format!(", {}", crate::diagnostic::count(n, "warning", "warnings")),
                };
                println!(
                    "Rebuilt {scope}{what} in {} ms: {} rendered, {}{warnings}",
                    elapsed.as_millis(),
                    crate::diagnostic::count(rebuilt.rendered, "file", "files"),
                    match rebuilt.change {
                        Change::Pages => "pages reload",
                        Change::Styles => "stylesheets swapped",
                        Change::Nothing => "no visible change",
                    }
                );
                None
            }
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{}\n", problem.render(false));
                }
                eprintln!(
                    "Build failed{what}: {} problem{}; still serving the last good build",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                self.errors += 1;
                Some(BuildError { id: self.errors, json: overlay_json(&problems) })
            }
        };
        self.send(workspace, error);
    }

    /// The same state with newer files (the search index).
    fn republish(&self, workspace: &Workspace) {
        let error = self.sender.borrow().error.clone();
        self.send(workspace, error);
    }

    fn send(&self, workspace: &Workspace, error: Option<BuildError>) {
        let published =
            Published { site: Arc::new(workspace.snapshot().clone()), reload: self.reload, styles: self.styles, error };
        self.sender.send_replace(Arc::new(published));
    }
}

fn overlay_json(problems: &[Diagnostic]) -> String {
    let text: Vec<String> = problems.iter().map(|p| p.render(false)).collect();
    let location = problems.first().map(Diagnostic::location).unwrap_or_default();
    json!({ "count": problems.len(), "location": location, "text": text.join("\n\n") }).to_string()
}

/// ` (content/a.md, …)` for the log line.
fn changed_names(paths: &[PathBuf], root: &Path) -> String {
    if paths.is_empty() {
        return String::new();
    }
    // A file that is gone and was no page (an editor's or `sed -i`'s
    // temporary file, renamed away) is not worth naming.
    let real: Vec<&PathBuf> =
        paths.iter().filter(|p| p.exists() || p.extension().is_some_and(|e| e == "md" || e == "toml")).collect();
    if real.is_empty() {
        return String::new();
    }
    let names: Vec<String> =
        real.iter().take(3).map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect();
    let more = if real.len() > 3 { format!(" and {} more", real.len() - 3) } else { String::new() };
    format!(" after {}{more}", names.join(", "))
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(error) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {error}); open {url} yourself");
    }
}
