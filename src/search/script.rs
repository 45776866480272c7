//! The index's files as scripts: JSON, gzipped and base64-encoded, handed
//! to `primerSearch.load`.
//!
//! A site's index is hundreds of small files. A gzip encoder made per file
//! spends more time setting up its tables than compressing, so each thread
//! keeps one [`Scripts`] and resets its compressor between files. The bytes
//! are exactly those of flate2's `GzEncoder` at the default level (a test
//! holds them to it), so an index stays the same across primer versions.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::io::Write as _;

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};
use serde_json::json;

use crate::output::OutputFile;

/// gzip's header as flate2 writes it: deflate, no name or time, the
/// default level's `XFL` of 0, and "unknown" as the operating system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// Makes the script files of one thread, with one compressor.
#[derive(Debug)]
pub(super) struct Scripts {
    /// Resetting the encoder ends its stream and keeps its tables.
    deflate: DeflateEncoder<Vec<u8>>,
}

impl Scripts {
    pub(super) fn new() -> Self {
        Self { deflate: DeflateEncoder::new(Vec::new(), Compression::default()) }
    }

    /// The script `<name>.js` that hands `data` to the client: its JSON,
    /// gzipped and base64-encoded so it still travels inside a script
    /// (which loads from disk, unlike `fetch`) at about half the size of
    /// the text.
    pub(super) fn script(&mut self, name: &str, data: &serde_json::Value) -> OutputFile {
        let compressed = self.gzip(data.to_string().as_bytes());
        let text = format!("primerSearch.load({},\"{}\");\n", json!(name), BASE64.encode(compressed));
        OutputFile::generated(format!("{name}.js"), text)
    }

    fn gzip(&mut self, bytes: &[u8]) -> Vec<u8> {
        // Writing into memory has no way to fail: `Vec`'s writer never
        // returns an error. Were it to, an empty or partial file would be a
        // broken index, so it is not papered over.
        #[allow(clippy::expect_used)]
        let deflated = self
            .deflate
            .write_all(bytes)
            .and_then(|()| self.deflate.reset(Vec::new()))
            .expect("deflate into memory cannot fail");
        let mut crc = Crc::new();
        crc.update(bytes);
        let mut out = Vec::with_capacity(GZIP_HEADER.len() + deflated.len() + 8);
        out.extend_from_slice(&GZIP_HEADER);
        out.extend_from_slice(&deflated);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&crc.amount().to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_compressor_writes_what_a_new_gz_encoder_writes() {
        let mut scripts = Scripts::new();
        let mut text = String::new();
        for round in 0..40 {
            // Short and long, repetitive and not, past deflate's window.
            text.push_str(&format!("{round} word{} {}\t", round * 7919 % 1013, "ab".repeat(round * round)));
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(text.as_bytes()).expect("write");
            assert_eq!(scripts.gzip(text.as_bytes()), encoder.finish().expect("finish"), "{} bytes", text.len());
        }
        // Past the encoder's 32 KiB output buffer, with matches that span
        // its refills.
        let big: String =
            (0..400_000u32).map(|i| format!("{}{} ", ["al", "be", "co"][(i % 3) as usize], i * 7919 % 4001)).collect();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(big.as_bytes()).expect("write");
        assert_eq!(scripts.gzip(big.as_bytes()), encoder.finish().expect("finish"));
        assert_eq!(scripts.gzip(b""), {
            let encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
            encoder.finish().expect("finish")
        });
    }
}
