//! Fuzz target: arbitrary UTF-8 read as an RST page and as a
//! sphinx-gallery script, then rendered, through `primer::fuzzing::source_page`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        primer::fuzzing::source_page(text);
    }
});
