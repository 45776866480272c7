//! Fuzz target, differential: arbitrary Markdown and raw HTML rendered
//! with raw HTML sanitized, read back with a browser-grade tokenizer; no
//! script may come out.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        primer::fuzzing::html_safety(text);
    }
});
