//! Encoders: valid `gzip`, `deflate` (zlib) and `br` streams of any content, with the
//! parameters chosen by the fuzzer (level, Brotli's quality and window, gzip members).

use std::io::Write;

use arbitrary::{Arbitrary, Result, Unstructured};

/// A content coding, as a sender writes it in `Content-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Coding {
    /// `gzip`.
    Gzip,
    /// `x-gzip`, gzip's other name.
    XGzip,
    /// `deflate`: zlib.
    Deflate,
    /// `br`.
    Br,
}

impl Coding {
    /// Its name in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::XGzip => "x-gzip",
            Coding::Deflate => "deflate",
            Coding::Br => "br",
        }
    }
}

/// How a stream is written.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// flate2's level or Brotli's quality, 0 to 6 (the higher ones write the same kinds of
    /// streams, slower: encoding is most of a decoding target's time).
    pub level: u32,
    /// Brotli's window (`lgwin`, 10-24).
    pub window: u32,
    /// Where a gzip stream is split into two members (a fraction of 256 of the content).
    pub split: u8,
}

impl<'a> Arbitrary<'a> for Settings {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self {
            level: u.int_in_range(0..=6)?,
            window: u.int_in_range(10..=24)?,
            split: u.arbitrary()?,
        })
    }
}

/// `data` encoded with `coding`.
pub fn encode(coding: Coding, settings: Settings, data: &[u8]) -> Vec<u8> {
    let level = flate2::Compression::new(settings.level);
    match coding {
        Coding::Gzip | Coding::XGzip => {
            // Two members when `split` is not 0: the decoder must read both.
            let at = data.len() * usize::from(settings.split) / 256;
            let mut out = Vec::new();
            let parts: &[&[u8]] = if settings.split == 0 {
                &[data]
            } else {
                &[&data[..at], &data[at..]]
            };
            for part in parts {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
                encoder.write_all(part).expect("in memory");
                out.extend(encoder.finish().expect("in memory"));
            }
            out
        }
        Coding::Deflate => {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
            encoder.write_all(data).expect("in memory");
            encoder.finish().expect("in memory")
        }
        Coding::Br => {
            let mut out = Vec::new();
            {
                let mut encoder =
                    brotli::CompressorWriter::new(&mut out, 4096, settings.level, settings.window);
                encoder.write_all(data).expect("in memory");
            }
            out
        }
    }
}

/// `data` encoded with each of `codings` in turn (the order a sender applies them, and
/// `Content-Encoding` lists them).
pub fn encode_all(codings: &[Coding], settings: Settings, data: &[u8]) -> Vec<u8> {
    let mut body = data.to_vec();
    for coding in codings {
        body = encode(*coding, settings, &body);
    }
    body
}
