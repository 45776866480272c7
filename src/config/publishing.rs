//! How a build presents itself to readers and search engines: its
//! version among others (`[site] version`, `[versions]`), whether it is a
//! preview (`--preview`), and where readers send feedback (`[feedback]`).
//!
//! Checked here into [`Publishing`], which the render stage reads for
//! the header's version switcher, banners, `noindex` and canonical links,
//! and the Markdown stage for "Report a problem with this example".

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::diagnostic::Diagnostic;

/// `[versions]`: the list of published versions and the preferred one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVersions {
    /// Where `versions.json` lives: an http(s) URL, or a path resolved
    /// against the site's base URL.
    url: String,
    /// The preferred version's public base, which every page's canonical
    /// link points under.
    #[serde(default)]
    canonical: Option<String>,
    /// This build's status, when it is known at build time: `preview`
    /// and `dev` builds are kept out of search engines.
    #[serde(default)]
    status: Option<String>,
}

/// `[feedback]`: the "Was this page helpful?" links to new issues.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeedback {
    #[serde(default)]
    enabled: Option<bool>,
    /// Labels of the new issue.
    #[serde(default)]
    labels: Option<Vec<String>>,
    /// Title of a page's feedback issue; `{title}` is the page's title.
    #[serde(default)]
    title: Option<String>,
    /// Title of an example's problem report; `{title}` and `{line}`.
    #[serde(default)]
    example_title: Option<String>,
    /// `github` or `gitlab`; guessed from the repository's host.
    #[serde(default)]
    forge: Option<String>,
}

/// What a version may be in `versions.json` and `[versions] status`.
pub(crate) const STATUSES: [&str; 4] = ["current", "outdated", "preview", "dev"];

/// The checked `[versions]`.
#[derive(Debug, Clone)]
pub(crate) struct Versions {
    /// `versions.json`, as written: the browser resolves a path against
    /// the site's root.
    pub(crate) url: String,
    /// Ends with `/`.
    pub(crate) canonical: Option<String>,
    pub(crate) status: Option<String>,
}

/// Which forge's URL forms new issues take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forge {
    GitHub,
    GitLab,
}

/// The checked `[feedback]`, present when the site names a repository
/// and does not turn feedback off.
#[derive(Debug, Clone)]
pub(crate) struct Feedback {
    repository: String,
    forge: Forge,
    labels: Vec<String>,
    title: String,
    example_title: String,
}

/// Everything of this section, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Publishing {
    /// `[site] version`: the version this build is of.
    pub(crate) version: Option<String>,
    pub(crate) versions: Option<Versions>,
    /// The banner of a preview build (`--preview`).
    pub(crate) preview: Option<String>,
    pub(crate) feedback: Option<Feedback>,
}

impl Publishing {
    /// Whether search engines are asked to leave this build alone: a
    /// preview, or a version whose status says it is not released.
    pub(crate) fn noindex(&self) -> bool {
        self.preview.is_some()
            || self.versions.as_ref().and_then(|v| v.status.as_deref()).is_some_and(|s| s == "preview" || s == "dev")
    }
}

/// Makes "Report a problem with this example" links, for the blocks
/// whose last run failed.
#[derive(Debug, Clone)]
pub(crate) struct ExampleReports {
    feedback: Feedback,
    base_url: String,
    version: Option<String>,
}

impl ExampleReports {
    /// The link for the block at `line` of `source`, on the page with
    /// `title` at the site-relative `url`.
    pub(crate) fn link(&self, title: &str, url: &str, source: &str, line: usize) -> String {
        let url = format!("{}{url}", self.base_url);
        let page = AboutPage { title, url: &url, version: self.version.as_deref() };
        self.feedback.example_issue(&page, source, line)
    }
}

impl Publishing {
    /// The example reports of a site at `base_url`, when it takes feedback.
    pub(crate) fn example_reports(&self, base_url: &str) -> Option<ExampleReports> {
        Some(ExampleReports {
            feedback: self.feedback.clone()?,
            base_url: base_url.to_owned(),
            version: self.version.clone(),
        })
    }
}

/// What a page's feedback link says about the page.
pub(crate) struct AboutPage<'a> {
    pub(crate) title: &'a str,
    /// Its public URL.
    pub(crate) url: &'a str,
    pub(crate) version: Option<&'a str>,
}

impl AboutPage<'_> {
    /// The lines an issue's body opens with: which page, where, which version.
    fn lines(&self) -> String {
        let version = self.version.map(|v| format!("Version: {v}\n")).unwrap_or_default();
        format!("Page: {}\nURL: {}\n{version}", self.title, self.url)
    }
}

impl Feedback {
    /// A link to a new issue about a page.
    pub(crate) fn page_issue(&self, page: &AboutPage<'_>) -> String {
        let title = self.title.replace("{title}", page.title);
        self.new_issue(&title, &format!("{}\nWhat was helpful, missing or wrong?\n", page.lines()))
    }

    /// A link to a new issue about the example at `line` of a page's
    /// source, whose last run failed.
    pub(crate) fn example_issue(&self, page: &AboutPage<'_>, source: &str, line: usize) -> String {
        let title = self.example_title.replace("{title}", page.title).replace("{line}", &line.to_string());
        let body = format!("{}Example: {source}, line {line}\n\nWhat happened when you ran it?\n", page.lines());
        self.new_issue(&title, &body)
    }

    fn new_issue(&self, title: &str, body: &str) -> String {
        let encode = |text: &str| utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
        match self.forge {
            Forge::GitHub => {
                let mut url = format!("{}/issues/new?title={}&body={}", self.repository, encode(title), encode(body));
                if !self.labels.is_empty() {
                    url.push_str(&format!("&labels={}", encode(&self.labels.join(","))));
                }
                url
            }
            // GitLab takes labels as a quick action in the description.
            Forge::GitLab => {
                let labels: Vec<String> = self.labels.iter().map(|l| format!("~\"{l}\"")).collect();
                let body =
                    if labels.is_empty() { body.to_owned() } else { format!("{body}\n/label {}\n", labels.join(" ")) };
                format!(
                    "{}/-/issues/new?issue%5Btitle%5D={}&issue%5Bdescription%5D={}",
                    self.repository,
                    encode(title),
                    encode(&body)
                )
            }
        }
    }
}

/// Checks `[site] version`, `[versions]`, `[feedback]` and `--preview`.
pub(super) fn check(
    text: &str,
    version: Option<String>,
    versions: Option<RawVersions>,
    feedback: RawFeedback,
    repository: Option<&str>,
    preview: Option<String>,
    problems: &mut Vec<Diagnostic>,
) -> Publishing {
    let versions = versions.and_then(|raw| check_versions(text, raw, problems));
    if versions.is_some() && version.is_none() {
        problems.push(
            super::key_problem(
                text,
                "url",
                "[versions] needs `version` in [site]: the version this build is of".into(),
            )
            .with_hint("add `version = \"2.5\"` under [site], as it is named in versions.json"),
        );
    }
    let feedback = check_feedback(text, feedback, repository, problems);
    Publishing { version, versions, preview, feedback }
}

fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn check_versions(text: &str, raw: RawVersions, problems: &mut Vec<Diagnostic>) -> Option<Versions> {
    let before = problems.len();
    // A scheme before any `/` makes it a URL, which must be a web address:
    // a `javascript:` one would run on every page's switcher link.
    let scheme = raw.url.split_once(':').filter(|(before, _)| !before.contains('/')).is_some();
    let not_web = (scheme && !is_http(&raw.url)) || crate::safety::dangerous_scheme(&raw.url, false).is_some();
    if raw.url.trim().is_empty() || not_web {
        problems.push(
            super::key_problem(
                text,
                "url",
                format!("[versions] url `{}` is neither an http(s) URL nor a path", raw.url),
            )
            .with_hint("give `https://example.org/docs/versions.json`, or a path such as `../versions.json`"),
        );
    }
    if let Some(canonical) = raw.canonical.as_deref().filter(|c| !is_http(c)) {
        problems.push(
            super::key_problem(text, "canonical", format!("[versions] canonical `{canonical}` is not an http(s) URL"))
                .with_hint("give the preferred version's public base, such as `https://example.org/docs/stable/`"),
        );
    }
    if let Some(status) = raw.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        problems.push(
            super::key_problem(text, "status", format!("[versions] status `{status}` is not one primer knows"))
                .with_hint(format!("use one of {}", STATUSES.map(|s| format!("`{s}`")).join(", "))),
        );
    }
    (problems.len() == before).then(|| Versions {
        url: raw.url,
        canonical: raw.canonical.map(|c| format!("{}/", c.trim_end_matches('/'))),
        status: raw.status,
    })
}

fn check_feedback(
    text: &str,
    raw: RawFeedback,
    repository: Option<&str>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Feedback> {
    let forge = match raw.forge.as_deref() {
        Some("github") => Some(Forge::GitHub),
        Some("gitlab") => Some(Forge::GitLab),
        Some(other) => {
            problems.push(
                super::key_problem(text, "forge", format!("[feedback] forge `{other}` is not one primer knows"))
                    .with_hint("use `github` or `gitlab`"),
            );
            return None;
        }
        None => None,
    };
    if raw.enabled == Some(false) {
        return None;
    }
    let Some(repository) = repository else {
        if raw.enabled == Some(true) {
            problems.push(
                super::key_problem(text, "enabled", "[feedback] needs `repository` in [site]".into())
                    .with_hint("feedback opens a new issue there: add `repository = \"https://github.com/org/repo\"`"),
            );
        }
        return None;
    };
    let host = repository.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or_default();
    let forge = forge.unwrap_or(if host.contains("gitlab") { Forge::GitLab } else { Forge::GitHub });
    Some(Feedback {
        repository: repository.to_owned(),
        forge,
        labels: raw.labels.unwrap_or_else(|| vec!["feedback".to_owned()]),
        title: raw.title.unwrap_or_else(|| "Feedback: {title}".to_owned()),
        example_title: raw.example_title.unwrap_or_else(|| "Example fails: {title}, line {line}".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feedback(forge: &str) -> Feedback {
        let raw = RawFeedback { forge: Some(forge.to_owned()), ..RawFeedback::default() };
        check_feedback("", raw, Some("https://example.org/org/repo"), &mut Vec::new()).expect("feedback")
    }

    const PAGE: AboutPage<'static> =
        AboutPage { title: "Load data & plot", url: "https://example.org/docs/recipes/load/", version: Some("2.5") };

    #[test]
    fn a_github_issue_link_carries_title_url_version_and_label() {
        let url = feedback("github").page_issue(&PAGE);
        assert_eq!(
            url,
            "https://example.org/org/repo/issues/new?title=Feedback%3A%20Load%20data%20%26%20plot\
             &body=Page%3A%20Load%20data%20%26%20plot%0AURL%3A%20https%3A%2F%2Fexample%2Eorg%2Fdocs%2Frecipes%2Fload%2F\
             %0AVersion%3A%202%2E5%0A%0AWhat%20was%20helpful%2C%20missing%20or%20wrong%3F%0A&labels=feedback"
        );
    }

    #[test]
    fn a_gitlab_issue_link_puts_labels_in_a_quick_action() {
        let url = feedback("gitlab").example_issue(&PAGE, "content/recipes/load.md", 12);
        assert!(
            url.starts_with("https://example.org/org/repo/-/issues/new?issue%5Btitle%5D=Example%20fails%3A%20Load")
        );
        let description = url.split("issue%5Bdescription%5D=").nth(1).expect("description");
        let decoded = percent_encoding::percent_decode_str(description).decode_utf8().expect("utf-8");
        assert!(decoded.contains("Example: content/recipes/load.md, line 12\n"), "{decoded}");
        assert!(decoded.ends_with("/label ~\"feedback\"\n"), "{decoded}");
    }

    #[test]
    fn a_versions_list_is_a_web_address_or_a_path() {
        let check = |url: &str| {
            let raw = RawVersions { url: url.to_owned(), canonical: None, status: None };
            check_versions("", raw, &mut Vec::new()).is_some()
        };
        for good in ["https://example.org/versions.json", "../versions.json", "/docs/versions.json", "v/a:b.json"] {
            assert!(check(good), "{good}");
        }
        for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://x/v.json", ""] {
            assert!(!check(bad), "{bad}");
        }
    }

    #[test]
    fn the_forge_is_guessed_from_the_host() {
        let gitlab = check_feedback("", RawFeedback::default(), Some("https://gitlab.com/a/b"), &mut Vec::new());
        assert_eq!(gitlab.map(|f| f.forge), Some(Forge::GitLab));
        let off = RawFeedback { enabled: Some(false), ..RawFeedback::default() };
        assert!(check_feedback("", off, Some("https://github.com/a/b"), &mut Vec::new()).is_none());
    }
}
