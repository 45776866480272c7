//! Fuzz target: arbitrary UTF-8 through `primer::fuzzing::snippet_attributes`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        primer::fuzzing::snippet_attributes(text);
    }
});
