//! `primer test`: run every code snippet of the site and check its output.
//!
//! Reuses the first stages of the build (config, discovery, front matter),
//! then for each page: extract its blocks ([`extract`]), work out its
//! cache key from everything it depends on ([`keys`], [`provenance`]),
//! skip it when the cache says it passed with that key ([`store`]), run
//! its programs ([`session`], [`process`]) and compare outputs
//! ([`expect`]). Pages run in parallel; [`shard`] splits them over CI
//! jobs; [`report`] prints the summary and JUnit file; [`bless`] writes
//! actual output back into pages. Results, with what each page ran with,
//! are kept in `.primer/results.json` for the build to show.

mod bless;
mod cargo;
mod environment;
mod expect;
pub(crate) mod extract;
#[cfg(target_os = "linux")]
pub(crate) mod isolation;
mod keys;
mod namespaces;
mod preload;
mod process;
mod programs;
mod provenance;
mod report;
pub(crate) mod runners;
mod rustdoc;
mod session;
pub(crate) mod shard;
pub(crate) mod store;
pub(crate) mod supervisor;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{self, Config, Overrides};
use crate::diagnostic::{Diagnostic, count};
use crate::model::Page;
use crate::progress::Progress;
use crate::results::Status;
use crate::{discover, frontmatter};
pub(crate) use process::Running;
use report::PageReport;
use runners::Runners;
use shard::Shard;

/// Default cap on what one program may print, per stream.
const DEFAULT_OUTPUT_LIMIT: usize = 256 * 1024;
/// Default largest heap of a program, in MiB.
const DEFAULT_MEMORY_MIB: u64 = 4096;
/// Default largest file a program may write, in MiB.
const DEFAULT_FILE_SIZE_MIB: u64 = 1024;

/// What `primer test` was asked to do.
#[derive(Debug, Clone, Default)]
pub(crate) struct TestOptions {
    /// Site folder.
    pub(crate) root: PathBuf,
    /// Pages or folders to test; all pages when empty.
    pub(crate) paths: Vec<PathBuf>,
    /// Pages run at once.
    pub(crate) jobs: Option<usize>,
    /// `K/N`: run one of N parts.
    pub(crate) shard: Option<String>,
    /// Where to write a JUnit XML report.
    pub(crate) junit: Option<PathBuf>,
    /// Run pages even when the cache says they passed unchanged.
    pub(crate) no_cache: bool,
    /// Record each page's duration for shard balancing.
    pub(crate) update_durations: bool,
    /// Only pages whose path, or blocks whose name, contain this text.
    pub(crate) filter: Option<String>,
    /// Write actual output into mismatching output blocks.
    pub(crate) bless: bool,
    /// Say why each page ran or was cached.
    pub(crate) explain: bool,
}

/// The outcome of `primer test`.
#[derive(Debug)]
pub(crate) struct TestRun {
    /// The human report, ending with `N passed, N failed, N skipped`.
    pub(crate) report: String,
    /// Whether any block failed.
    pub(crate) failed: bool,
}

/// A page with its blocks, ready to run.
struct Planned {
    page: Page,
    snippets: Vec<extract::Snippet>,
    /// What its results depend on ([`provenance::Parts`]), and the cache
    /// key they make; filled in once the runners are resolved.
    parts: provenance::Parts,
    key: String,
    /// The crates of a Cargo manifest its Rust code uses.
    crates: Vec<crate::results::Tool>,
    weight: f64,
}

/// Why `primer test` ran nothing.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The command line asked for something that cannot be (exit 2).
    Usage(Vec<Diagnostic>),
    /// The site has problems (exit 1).
    Site(Vec<Diagnostic>),
}

impl From<Vec<Diagnostic>> for Refused {
    fn from(problems: Vec<Diagnostic>) -> Self {
        Refused::Site(problems)
    }
}

/// Runs the snippets of a site. `knows` tells whether a language without
/// a runner is one the highlighter knows (shown, not an error).
pub(crate) fn test(
    options: &TestOptions,
    running: &Running,
    knows: &(dyn Fn(&str) -> bool + Sync),
) -> Result<TestRun, Refused> {
    let shard: Option<Shard> = match &options.shard {
        Some(text) => Some(text.parse().map_err(|e: String| Refused::Usage(vec![Diagnostic::file("--shard", e)]))?),
        None => None,
    };
    let config = config::load(&options.root, &Overrides { drafts: true, ..Overrides::default() })?;
    let mut runners = Runners::new(&config)?;
    let sandbox = sandbox_setting(&config, running)?;
    let planned = plan_site(&config, &runners, knows)?;
    let mut planned = select(&config, options, shard, planned).map_err(Refused::Usage)?;
    let (env, secrets) = environment::base(&config);
    // The programs, and their versions, are part of every cache key: they
    // are found first, from answers kept between runs, so a rerun that
    // the cache answers starts nothing.
    runners.resolve_programs(
        &config.root,
        &env,
        planned.iter().flat_map(|p| p.snippets.iter().map(|s| s.lang.as_str())),
    );
    key_pages(&config, &runners, &mut planned);
    // Cargo packages are built for the pages that will run.
    let will_run: Vec<&Planned> =
        planned.iter().filter(|plan| options.no_cache || !store::is_cached(&config.root, &plan.key)).collect();
    prepare_projects(&config, &mut runners, &will_run, &env)?;
    let isolated = !will_run.is_empty() && isolate(sandbox);
    // Worked out only for a sandbox, which is all that uses them.
    let sandbox_views = sandbox.map(|_| environment::sandbox_views(&env, &config.root)).unwrap_or_default();
    let started = Instant::now();
    let limits = session::Limits {
        output_bytes: config.test.output_limit.unwrap_or(DEFAULT_OUTPUT_LIMIT),
        memory: config.test.memory_limit_mib.unwrap_or(DEFAULT_MEMORY_MIB).saturating_mul(1024 * 1024),
        file_size: config.test.file_size_limit_mib.unwrap_or(DEFAULT_FILE_SIZE_MIB).saturating_mul(1024 * 1024),
        env,
        secrets,
        normalize: config.test.normalize.clone(),
        zygotes: zygote_pool(&runners, sandbox.is_some(), running),
        sandbox_views,
        sandbox,
        isolated,
        running: running.clone(),
    };
    let reports = run_pages(&config, &runners, &limits, &planned, options)?;
    Ok(finish(&config, options, &planned, &reports, started)?)
}

/// How programs are sandboxed, when `book.toml` asks for a sandbox; an
/// error at its line when none can be made here.
fn sandbox_setting(config: &Config, running: &Running) -> Result<Option<supervisor::SandboxKind>, Vec<Diagnostic>> {
    if !config.test.sandbox {
        return Ok(None);
    }
    sandbox_kind(running).map(Some).map_err(|why| {
        vec![config.problem_at_key("sandbox", format!("`sandbox = true`, but {why}")).with_hint(
            "allow unprivileged user namespaces, or install bubblewrap (`apt-get install bubblewrap`), or remove `sandbox`",
        )]
    })
}

/// Every page of the site with its checked blocks, ready to run; the
/// problems of any, moved back to the cells of notebooks.
fn plan_site(
    config: &Config,
    runners: &Runners,
    knows: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Planned>, Refused> {
    let (inventory, discovered) = discover::run(config);
    let relocator = crate::model::relocator(&inventory.docs);
    let (mut pages, mut problems) = frontmatter::run(config, inventory.docs);
    pages.sort_by(|a, b| a.source.display.cmp(&b.source.display));
    let mut planned = Vec::new();
    for page in pages {
        let (snippets, mut found) = checked_snippets(&page, runners, knows);
        problems.append(&mut found);
        planned.push(page_plan(page, snippets));
    }
    let mut problems = relocator.apply(problems);
    problems.extend(discovered);
    // Warnings are `build`'s and `check`'s to show: they stop no run.
    problems.retain(Diagnostic::is_error);
    if problems.is_empty() { Ok(planned) } else { Err(Refused::Site(problems)) }
}

/// Runs the planned pages on `--jobs` workers, showing progress.
fn run_pages(
    config: &Config,
    runners: &Runners,
    limits: &session::Limits,
    planned: &[Planned],
    options: &TestOptions,
) -> Result<Vec<PageReport>, Vec<Diagnostic>> {
    let jobs = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| vec![Diagnostic::file(".", format!("cannot start {jobs} workers: {e}"))])?;
    let progress = Progress::start(planned.len(), "pages");
    let reports: Vec<PageReport> = pool.install(|| {
        planned
            .par_iter()
            .map(|plan| {
                let report = run_planned(config, runners, limits, plan, options);
                progress.finished(&report.display, report.outcome());
                report
            })
            .collect()
    });
    progress.finish();
    Ok(reports)
}

fn page_plan(page: Page, snippets: Vec<extract::Snippet>) -> Planned {
    let code_bytes: usize = snippets.iter().map(|snippet| snippet.code.len()).sum();
    // Without a recorded duration, a page costs a little per run plus its code.
    #[allow(clippy::cast_precision_loss)]
    let weight = 0.05 + code_bytes as f64 / 4000.0;
    Planned { page, snippets, parts: provenance::Parts::new(), key: String::new(), crates: Vec::new(), weight }
}

/// Works out what each page depends on, and so its cache key.
fn key_pages(config: &Config, runners: &Runners, planned: &mut [Planned]) {
    let inputs = keys::KeyInputs::new(config, runners, planned.iter().map(|plan| &plan.page));
    let mut folders = HashMap::new();
    for plan in planned.iter_mut() {
        let page = keys::PageKey { page: &plan.page, snippets: &plan.snippets };
        (plan.parts, plan.crates) = keys::key_parts(config, runners, &inputs, &page, &mut folders);
        plan.key = provenance::key(&plan.parts);
    }
}

/// The warm Python interpreters of a run: the built-in python runner's
/// way, unless `preload = []` or a command of the site's own says
/// otherwise. Sandboxed runs start every program afresh instead.
fn zygote_pool(runners: &Runners, sandboxed: bool, running: &Running) -> Option<std::sync::Arc<preload::Pool>> {
    let python = runners.get("python").filter(|_| !sandboxed)?;
    let modules = python.preload.clone()?;
    let program = python.program.clone().unwrap_or_else(|| "python3".to_owned());
    Some(std::sync::Arc::new(preload::Pool::new(program, modules, running.clone())))
}

/// Builds the Cargo package of each runner with a `manifest` that a
/// selected page uses, so that dependencies compile before any block runs.
fn prepare_projects(
    config: &Config,
    runners: &mut Runners,
    planned: &[&Planned],
    env: &[(std::ffi::OsString, std::ffi::OsString)],
) -> Result<(), Vec<Diagnostic>> {
    let wanted: Vec<(String, PathBuf, usize)> = runners
        .with_manifest()
        .filter(|(name, ..)| {
            planned.iter().flat_map(|p| &p.snippets).any(|s| runners.get(&s.lang).is_some_and(|r| r.name == *name))
        })
        .map(|(name, path, line)| (name.to_owned(), path.to_path_buf(), line))
        .collect();
    for (name, manifest, line) in wanted {
        let editions: Vec<(String, u16)> =
            planned.iter().flat_map(|p| session::bin_editions(&p.page, &p.snippets, runners, &name)).collect();
        let project = cargo::prepare(&config.root, &manifest, &editions, env).map_err(|why| {
            let shown = config.display(&manifest);
            vec![
                config
                    .problem_at_key("manifest", format!("the manifest `{shown}` of the {name} runner: {why}"))
                    .with_hint(format!("book.toml line {line} names it; fix the manifest, or remove `manifest`")),
            ]
        })?;
        runners.set_project(&name, project);
    }
    Ok(())
}

/// Whether programs can start in namespaces of their own; when they
/// cannot, the risk is said once. bubblewrap makes its own.
fn isolate(sandbox: Option<supervisor::SandboxKind>) -> bool {
    if sandbox == Some(supervisor::SandboxKind::Bubblewrap) {
        return false;
    }
    match isolation::probe() {
        Ok(()) => true,
        Err(why) => {
            eprintln!("{}", isolation::risk(&why));
            false
        }
    }
}

/// How snippets can be sandboxed here: with bubblewrap when it works,
/// else with namespaces of primer's own, tried on a program that does
/// nothing; why not when neither can.
fn sandbox_kind(running: &Running) -> Result<supervisor::SandboxKind, String> {
    if !cfg!(target_os = "linux") {
        return Err("the sandbox needs Linux namespaces".to_owned());
    }
    let bubblewrap = match supervisor::bubblewrap_works() {
        Ok(()) => return Ok(supervisor::SandboxKind::Bubblewrap),
        Err(why) => why,
    };
    let kind = supervisor::SandboxKind::Namespaces;
    let folder = running.new_folder().map_err(|e| format!("cannot make a folder to try the sandbox in: {e}"))?;
    let dir = folder.path().to_path_buf();
    let job = process::Job {
        orders: supervisor::Orders {
            command: "true".to_owned(),
            dir: dir.clone(),
            timeout: std::time::Duration::from_secs(10),
            memory: DEFAULT_MEMORY_MIB * 1024 * 1024,
            file_size: DEFAULT_FILE_SIZE_MIB * 1024 * 1024,
            isolated: false,
            parent: i32::try_from(std::process::id()).unwrap_or(i32::MAX),
            sandbox: Some(supervisor::Sandbox { kind, writable: vec![dir.clone()], ..supervisor::Sandbox::default() }),
        },
        env: &[("PATH".into(), std::env::var_os("PATH").unwrap_or_default())],
        output_limit: 4096,
        secrets: &[],
    };
    let tried = process::run(&job, running);
    running.remove_folder(&dir);
    match tried {
        Ok(outcome) if outcome.status == Some(0) => Ok(kind),
        Ok(outcome) => Err(format!("{bubblewrap}, and namespaces failed: {}", outcome.stderr.trim())),
        Err(error) => Err(format!("{bubblewrap}, and namespaces failed: {error}")),
    }
}

/// What `primer test` would refuse to start with — runner settings,
/// block attributes, misspelled languages — for `build` and `check`.
pub(crate) fn check(config: &Config, knows: &(dyn Fn(&str) -> bool + Sync), pages: &[Page]) -> Vec<Diagnostic> {
    let runners = match Runners::new(config) {
        Ok(runners) => runners,
        Err(problems) => return problems,
    };
    pages.par_iter().flat_map_iter(|page| checked_snippets(page, &runners, knows).1).collect()
}

/// The blocks of a page, and every problem with them.
fn checked_snippets(
    page: &Page,
    runners: &Runners,
    knows: &(dyn Fn(&str) -> bool + Sync),
) -> (Vec<extract::Snippet>, Vec<Diagnostic>) {
    let (snippets, mut problems) = extract::snippets(page);
    problems.extend(language_typos(page, &snippets, runners, knows));
    (snippets, problems)
}

/// A language that is neither a runner nor a known syntax but looks like
/// a misspelled runner (`pyhton`).
fn language_typos(
    page: &Page,
    snippets: &[extract::Snippet],
    runners: &Runners,
    knows: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Diagnostic> {
    snippets
        .iter()
        // `shell:` and the like are labels of MyST's, not misspellings.
        .filter(|s| !s.lang.is_empty() && !s.lang.contains(':') && !crate::codeblock::PLAIN.contains(&s.lang.as_str()))
        .filter(|s| runners.get(&s.lang).is_none() && !knows(&s.lang))
        .filter_map(|s| {
            let best = runners.suggest(&s.lang)?;
            let message = format!("unknown language `{}`", s.lang);
            Some(
                Diagnostic::on_line(&page.source.display, &page.source.text, s.line, &s.lang, message)
                    .with_hint(format!("did you mean `{best}`? Blocks in a language with no runner are not run")),
            )
        })
        .collect()
}

/// Keeps the pages asked for, then this shard's share of them. A path
/// that matches no page is a mistake, not an empty run.
fn select(
    config: &Config,
    options: &TestOptions,
    shard: Option<Shard>,
    planned: Vec<Planned>,
) -> Result<Vec<Planned>, Vec<Diagnostic>> {
    let wanted: Vec<String> = options.paths.iter().map(|p| normalize_arg(config, p)).collect();
    let pages: Vec<&str> = planned.iter().map(|plan| plan.page.source.display.as_str()).collect();
    let unmatched: Vec<Diagnostic> = options
        .paths
        .iter()
        .zip(&wanted)
        .filter(|(_, w)| !pages.iter().any(|page| page.starts_with(w.as_str())))
        .map(|(arg, w)| {
            let problem = Diagnostic::file(arg.display().to_string(), format!("`{}` matches no page", arg.display()));
            match crate::diagnostic::did_you_mean(w, pages.iter().copied()) {
                Some(best) => problem.with_hint(format!("did you mean `{best}`?")),
                None => problem.with_hint("give a page or folder under content/, relative to the current folder"),
            }
        })
        .collect();
    if !unmatched.is_empty() {
        return Err(unmatched);
    }
    let planned: Vec<Planned> = planned
        .into_iter()
        .filter(|plan| wanted.is_empty() || wanted.iter().any(|w| plan.page.source.display.starts_with(w.as_str())))
        .filter(|plan| {
            options.filter.as_ref().is_none_or(|text| {
                plan.page.source.display.contains(text.as_str())
                    || plan.snippets.iter().any(|s| s.attrs.name.as_deref().is_some_and(|n| n.contains(text.as_str())))
            })
        })
        .collect();
    let Some(shard) = shard else { return Ok(planned) };
    let durations = store::load_durations(&config.root);
    let weights: Vec<f64> =
        planned.iter().map(|p| durations.get(&p.page.source.rel).copied().unwrap_or(p.weight)).collect();
    let shard_of = shard::assign(&weights, shard.count);
    Ok(planned.into_iter().zip(shard_of).filter(|(_, s)| *s == shard.index).map(|(p, _)| p).collect())
}

/// A command-line path as a site-relative display path.
fn normalize_arg(config: &Config, path: &Path) -> String {
    let absolute =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let root = std::fs::canonicalize(&config.root).unwrap_or_else(|_| config.root.clone());
    let absolute = std::fs::canonicalize(&absolute).unwrap_or(absolute);
    crate::diagnostic::display_path(&root, &absolute)
}

fn run_planned(
    config: &Config,
    runners: &Runners,
    limits: &session::Limits,
    plan: &Planned,
    options: &TestOptions,
) -> PageReport {
    let started = Instant::now();
    let display = plan.page.source.display.clone();
    let origins = plan.page.source.origins.clone();
    let parts_path = provenance::parts_path(&config.root, &plan.page.source.rel);
    let before = || store::read_parts(&parts_path);
    if !options.no_cache {
        if let Some(entry) = store::cached(&config.root, &plan.key) {
            let why = if options.explain { provenance::explain(&plan.parts, None, true, false) } else { Vec::new() };
            return PageReport {
                display,
                origins,
                blocks: entry.blocks,
                with: entry.with,
                cached: true,
                seconds: 0.0,
                why,
            };
        }
    }
    let why = if options.explain {
        provenance::explain(&plan.parts, before().as_ref(), false, options.no_cache)
    } else {
        Vec::new()
    };
    let (blocks, ran_with) = session::run_page(&config.root, &plan.page, &plan.snippets, runners, limits);
    let with = recorded_tools(ran_with, &plan.crates);
    let parts = keys::after_run(&plan.parts, runners, &with);
    // Kept state that cannot be written only costs a rerun, or an
    // explanation, next time.
    let _ = store::write_parts(&parts_path, &parts);
    let passed = blocks.iter().all(|b| !matches!(b.status, Status::Failed(_)));
    if passed {
        let _ = store::store(
            &config.root,
            &provenance::key(&parts),
            &store::CacheEntry { blocks: blocks.clone(), with: with.clone() },
        );
    }
    PageReport { display, origins, blocks, with, cached: false, seconds: started.elapsed().as_secs_f64(), why }
}

/// What a page ran with: each runner once, then its packages and crates
/// by name.
fn recorded_tools(ran_with: Vec<crate::results::Tool>, crates: &[crate::results::Tool]) -> Vec<crate::results::Tool> {
    let (mut runners, mut packages): (Vec<_>, Vec<_>) =
        ran_with.into_iter().chain(crates.iter().cloned()).partition(|tool| tool.kind == "runner");
    let mut seen = std::collections::HashSet::new();
    runners.retain(|tool| seen.insert(tool.name.clone()));
    packages.sort();
    packages.dedup_by(|a, b| a.name == b.name && a.kind == b.kind);
    runners.extend(packages);
    runners
}

fn finish(
    config: &Config,
    options: &TestOptions,
    planned: &[Planned],
    reports: &[PageReport],
    started: Instant,
) -> Result<TestRun, Vec<Diagnostic>> {
    let io_problem = |what: &str, e: std::io::Error| {
        vec![Diagnostic::file(crate::paths::STATE_DIR, format!("cannot write {what}: {e}"))]
    };
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut records = BTreeMap::new();
    let mut durations = BTreeMap::new();
    for (plan, report) in planned.iter().zip(reports) {
        records.insert(
            plan.page.source.rel.clone(),
            crate::results::PageRecord::new(report.blocks.clone(), today.clone(), report.with.clone()),
        );
        if !report.cached {
            durations.insert(plan.page.source.rel.clone(), report.seconds);
        }
    }
    store::save_results(&config.root, records).map_err(|e| io_problem("results", e))?;
    if options.update_durations {
        store::save_durations(&config.root, durations).map_err(|e| io_problem("durations", e))?;
    }
    if let Some(path) = &options.junit {
        std::fs::write(path, report::junit(reports)).map_err(|e| {
            vec![Diagnostic::file(path.display().to_string(), format!("cannot write the JUnit report: {e}"))]
        })?;
    }
    let mut blessed = Vec::new();
    let mut kept = Vec::new();
    if options.bless {
        for (plan, report) in planned.iter().zip(reports) {
            if plan.page.source.origins.is_some() {
                // A notebook or script is not Markdown: writing the page
                // back would replace the author's file with another format.
                if report.blocks.iter().any(|b| matches!(b.status, Status::Failed(_))) {
                    kept.push(plan.page.source.display.clone());
                }
                continue;
            }
            if let Some(text) = bless::bless(&plan.page.source.text, &plan.snippets, &report.blocks) {
                let path = config.root.join(&plan.page.source.display);
                std::fs::write(&path, text).map_err(|e| io_problem(&plan.page.source.display, e))?;
                blessed.push(plan.page.source.display.clone());
            }
        }
    }
    let mut text = String::new();
    if options.explain {
        for report in reports {
            for why in &report.why {
                text.push_str(&format!("{}: {why}\n", report.display));
            }
        }
    }
    text.push_str(&report::human(reports));
    let totals = report::totals(reports);
    if !blessed.is_empty() {
        text.push_str(&format!("blessed {}: {}\n", count(blessed.len(), "page", "pages"), blessed.join(", ")));
    }
    if !kept.is_empty() {
        text.push_str(&format!(
            "not blessed, being notebooks or scripts ({}): {}; update their outputs in Jupyter\n",
            kept.len(),
            kept.join(", ")
        ));
    }
    text.push_str(&format!(
        "tested {} in {:.2}s\n",
        count(reports.len(), "page", "pages"),
        started.elapsed().as_secs_f64()
    ));
    // Blessing repairs output mismatches; any other failure still fails.
    let failed = if options.bless {
        !kept.is_empty()
            || reports.iter().flat_map(|r| &r.blocks).any(|b| matches!(b.status, Status::Failed(_)) && b.diff.is_none())
    } else {
        totals.failed > 0
    };
    Ok(TestRun { report: text, failed })
}
