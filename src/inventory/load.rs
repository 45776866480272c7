//! Where the site's inventories come from: local files, or URLs fetched
//! once into `.primer/cache/inventories/` and reused from there, offline
//! too. A copy is fetched again when `--refresh-inventories` asks or when
//! it is older than `[api] max_age_days`; if that fetch fails, the copy
//! still serves, with a warning. Hands on one [`ApiIndex`] of them all.

use std::path::Path;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use super::{ApiIndex, Body, ReadError, open};
use crate::config::{CONFIG_FILE, Config, InventoryLocation, InventorySource};
use crate::diagnostic::Diagnostic;

/// Largest inventory read or fetched. The biggest real ones (Python's,
/// NumPy's) are a few hundred KiB.
const MAX_INVENTORY: u64 = 64 * 1024 * 1024;

/// How long a fetch may take before it counts as failed.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The index, with warnings about copies used after a failed refresh.
pub(crate) type Loaded = (ApiIndex, Vec<Diagnostic>);

/// Reads every inventory of the site into one index. An inventory that
/// cannot be had at all (a missing file, a URL never fetched that cannot
/// be fetched now, a malformed file) is an error naming it. The files are
/// read and decompressed in parallel, then indexed in name order, so the
/// first inventory in `book.toml` wins a name two document.
pub(crate) fn load(config: &Config) -> Result<Loaded, Vec<Diagnostic>> {
    let bodies: Vec<(Result<Body, Diagnostic>, Vec<Diagnostic>)> = config
        .api
        .inventories
        .par_iter()
        .map(|source| {
            let mut warnings = Vec::new();
            let body = match &source.location {
                InventoryLocation::Path(path) => from_file(config, source, path),
                InventoryLocation::Url(url) => from_url(config, source, url, &mut warnings),
            };
            (body, warnings)
        })
        .collect();
    let mut index = ApiIndex::default();
    let (mut warnings, mut errors) = (Vec::new(), Vec::new());
    for ((body, mut noticed), source) in bodies.into_iter().zip(&config.api.inventories) {
        warnings.append(&mut noticed);
        match body.and_then(|body| {
            let entries = body.entries().collect::<Result<Vec<_>, _>>().map_err(|e| problem(config, source, &e))?;
            index.add(entries, &source.base);
            Ok(())
        }) {
            Ok(()) => {}
            Err(problem) => errors.push(problem),
        }
    }
    if errors.is_empty() { Ok((index, warnings)) } else { Err(errors) }
}

/// A malformed inventory: an error at its line.
fn problem(config: &Config, source: &InventorySource, error: &ReadError) -> Diagnostic {
    let shown = match &source.location {
        InventoryLocation::Path(path) => config.display(path),
        InventoryLocation::Url(url) => url.clone(),
    };
    Diagnostic::file(format!("{shown}:{}", error.line), format!("inventory `{}`: {}", source.name, error.message))
}

fn from_file(config: &Config, source: &InventorySource, path: &Path) -> Result<Body, Diagnostic> {
    let bytes = read_limited(path).map_err(|error| {
        Diagnostic::file(config.display(path), format!("cannot read inventory `{}`: {error}", source.name))
            .with_hint("check `path` in [api.inventories] of book.toml; it is relative to book.toml")
    })?;
    open(&bytes).map_err(|error| problem(config, source, &error))
}

/// The body of an inventory file whose every line reads.
fn checked(bytes: &[u8]) -> Result<Body, ReadError> {
    let body = open(bytes)?;
    body.entries().try_for_each(|entry| entry.map(drop))?;
    Ok(body)
}

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::paths::read_state(path, MAX_INVENTORY)
}

/// The inventory at `url`: the cached copy while it is fresh, else a new
/// fetch (kept for next time), else the stale copy with a warning.
fn from_url(
    config: &Config,
    source: &InventorySource,
    url: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Body, Diagnostic> {
    let cached = crate::paths::SitePaths::new(&config.root).inventory_cache(url);
    let shown = config.display(&cached);
    // A cached copy that no longer reads (cut short, or committed by
    // someone) is fetched again rather than trusted.
    let copy = read_limited(&cached).ok().and_then(|bytes| checked(&bytes).ok());
    let age = std::fs::metadata(&cached)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok());
    let stale = config.api.refresh || config.api.max_age.is_some_and(|max| age.is_none_or(|age| age > max));
    let copy = match (copy, stale) {
        (Some(copy), false) => return Ok(copy),
        (copy, _) => copy,
    };
    let fetched = fetch(url).and_then(|bytes| {
        let inventory = checked(&bytes)
            .map_err(|e| format!("what it sent is not an inventory (line {}: {})", e.line, e.message))?;
        crate::paths::write_state(&cached, &bytes).map_err(|e| format!("cannot keep it in {shown}: {e}"))?;
        Ok(inventory)
    });
    match (fetched, copy) {
        (Ok(inventory), _) => Ok(inventory),
        (Err(why), Some(copy)) => {
            let when = age.map_or(String::new(), |age| format!(", fetched {} ago", rough(age)));
            warnings.push(
                Diagnostic::file(CONFIG_FILE, format!("inventory `{}`: cannot fetch {url}: {why}; using the copy in {shown}{when}", source.name))
                    .warning(),
            );
            Ok(copy)
        }
        (Err(why), None) => Err(Diagnostic::file(CONFIG_FILE, format!("inventory `{}`: cannot fetch {url}: {why}", source.name))
            .with_hint("check the URL and the network; offline, download the file and name it with `{ path = \"…\", base = \"…\" }`")),
    }
}

/// The body of `url`, at most [`MAX_INVENTORY`] bytes.
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .user_agent(concat!("primer/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    let response = agent.get(url).call().map_err(|error| error.to_string())?;
    response.into_body().with_config().limit(MAX_INVENTORY).read_to_vec().map_err(|error| error.to_string())
}

/// `3 days`, `5 hours`, `12 minutes`.
fn rough(age: Duration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0..60 => crate::diagnostic::count(minutes as usize, "minute", "minutes"),
        60..2880 => crate::diagnostic::count((minutes / 60) as usize, "hour", "hours"),
        _ => crate::diagnostic::count((minutes / 1440) as usize, "day", "days"),
    }
}
