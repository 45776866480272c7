//! Fuzz target: a small site of arbitrary content files, built in memory;
//! every output path must be relative, unique and free of empty, `.` and
//! `..` segments.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|files: Vec<(String, String)>| {
    primer::fuzzing::site(&files[..files.len().min(8)]);
});
