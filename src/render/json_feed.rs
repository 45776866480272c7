//! `feed.json`: the tutorials and recipes as a JSON Feed (version 1.1),
//! newest first, for readers' apps and for scripts: each item carries,
//! under `_primer`, its kind, level and when its examples were last
//! verified with which runners and packages.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::listing::Site;
use crate::model::{Kind, Page, Verified};

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: String,
    url: String,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(rename = "_primer")]
    primer: Extension<'a>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

/// What JSON Feed has no field for, under the `_primer` extension.
#[derive(Serialize)]
struct Extension<'a> {
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<&'a Verified>,
}

/// The feed's bytes.
pub(super) fn json_feed(config: &Config, site: &Site) -> Vec<u8> {
    let rfc3339 = |d: NaiveDate| format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
    let mut pages: Vec<&Page> = site.tutorials.iter().chain(&site.recipes).map(|&i| &site.pages[i]).collect();
    pages.sort_by_key(|page| std::cmp::Reverse(page.meta.updated.or(page.meta.date)));
    let items = pages
        .into_iter()
        .map(|page| {
            let url = format!("{}{}", config.base_url, page.url);
            Item {
                id: url.clone(),
                url,
                title: &page.rendered.title.plain,
                summary: page.rendered.summary.as_ref().map(|s| s.plain.as_str()),
                date_published: page.meta.date.map(rfc3339),
                date_modified: page.meta.updated.map(rfc3339),
                authors: page.meta.authors.iter().map(|name| Author { name }).collect(),
                tags: &page.meta.tags,
                primer: Extension {
                    kind: page.kind,
                    level: page.meta.level.map(|l| l.name()),
                    verified: page.rendered.verified.as_ref(),
                },
            }
        })
        .collect();
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &config.title,
        home_page_url: &config.base_url,
        feed_url: format!("{}feed.json", config.base_url),
        description: &config.description,
        language: &config.language,
        items,
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
