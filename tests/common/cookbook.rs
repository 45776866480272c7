//! A cookbook as real sites have them: 200 recipes over 80 tags in 8
//! groups, titles and summaries written with inline code, emphasis and
//! links, and tutorials with code, output and callouts.

use std::fmt::Write as _;

use super::TestSite;

pub const RECIPES: usize = 200;
pub const GROUPS: [&str; 8] = ["Basics", "Concurrency", "Data", "Files", "Network", "Text", "Tools", "Web"];
const TAGS_PER_GROUP: usize = 10;

/// Tag `n` of 80: `basics-0` … `web-9`.
pub fn tag(n: usize) -> String {
    format!("{}-{}", GROUPS[n / TAGS_PER_GROUP].to_lowercase(), n % TAGS_PER_GROUP)
}

/// The tags of recipe `n`: a popular one, and one or two of the long tail.
pub fn tags_of(n: usize) -> Vec<String> {
    let total = GROUPS.len() * TAGS_PER_GROUP;
    let mut tags = vec![tag((n * n) % 7), tag(7 + (n * 13) % (total - 7))];
    if n % 3 == 0 {
        tags.push(tag(7 + (n * 29 + 5) % (total - 7)));
    }
    tags.sort();
    tags.dedup();
    tags
}

/// Builds the cookbook's sources in a new site.
pub fn cookbook() -> TestSite {
    let site = TestSite::empty();
    let mut config = String::from(
        "[site]\ntitle = \"Rust Cookbook\"\ndescription = \"Short recipes for common tasks\"\n\
         base_url = \"https://example.org/cookbook/\"\n\n[home]\nnewest = 3\n\n\
         [[home.callouts]]\ntitle = \"New here?\"\ntext = \"Start with the first tutorial.\"\n\
         link = \"tutorials/first-steps.md\"\nbutton = \"Start\"\n\n[taxonomy]\ngroups = [",
    );
    config.push_str(&GROUPS.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(", "));
    config.push_str("]\n\n[taxonomy.tags]\n");
    for n in 0..GROUPS.len() * TAGS_PER_GROUP {
        let group = GROUPS[n / TAGS_PER_GROUP];
        writeln!(config, "{} = {{ description = \"Recipes about {group}\", group = \"{group}\" }}", tag(n)).unwrap();
    }
    site.write("book.toml", config);
    for n in 0..RECIPES {
        let tags = tags_of(n).iter().map(|t| format!("  - {t}")).collect::<Vec<_>>().join("\n");
        let level = ["beginner", "intermediate", "advanced"][n % 3];
        site.write(
            &format!("content/recipes/recipe-{n:03}.md"),
            format!(
                "---\ntitle: Communicate with `mpsc` channels, part {n}\n\
                 summary: Send values through a [`Sender`](https://doc.rust-lang.org/std/sync/mpsc/) to an **actor** \
                 thread, and read them back in order with a loop that ends when every sender is dropped and the \
                 channel closes, as recipe {n} shows.\ntags:\n{tags}\nlevel: {level}\ndate: 2024-01-{:02}\n---\n\n\
                 ## Send\n\n```rust\nlet (tx, rx) = std::sync::mpsc::channel();\ntx.send({n}).unwrap();\n\
                 println!(\"{{}}\", rx.recv().unwrap());\n```\n\n```output\n{n}\n```\n\n\
                 > [!NOTE]\n> The receiver blocks until a value arrives.\n\n\
                 > [!WARNING]\n> Dropping every sender closes the channel.\n\n\
                 > [!CAUTION]\n> A full bounded channel blocks the sender.\n\n\
                 ## Receive\n\nIterate over `rx` to read every value.\n",
                n % 28 + 1
            ),
        );
    }
    for (n, name) in ["first-steps", "threads", "files"].iter().enumerate() {
        site.write(
            &format!("content/tutorials/{name}.md"),
            format!(
                "---\ntitle: Tutorial on *{name}*\nsummary: A longer walk through `{name}`.\ntags:\n  - {}\n\
                 level: beginner\n---\n\n## Setting up\n\nText.\n\n```python\nprint('hello')\n```\n\n\
                 ```output\nhello\n```\n\n> [!TIP]\n> Keep going.\n\n## Next\n\nMore text.\n\n### Details\n\n\
                 A very long line of code:\n\n```rust\nlet a_very_long_name_that_goes_on = \
                 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].iter().sum::<i32>();\n```\n",
                tag(n)
            ),
        );
    }
    site
}
