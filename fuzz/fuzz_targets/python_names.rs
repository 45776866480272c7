//! Fuzz target: arbitrary UTF-8 as a Python block through
//! `primer::fuzzing::python_names`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        primer::fuzzing::python_names(text);
    }
});
