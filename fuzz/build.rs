//! Gathers the test fixtures the structure-aware generators start from: the reference's model
//! examples (`clustaar-schemas/tests/fixtures/v1/*.load.json`) and the notifications of
//! `tests/fixtures/`, embedded as `(name, JSON text)` pairs, with every object key and `type` tag
//! they hold.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(value: &serde_json::Value, keys: &mut BTreeSet<String>, tags: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, item) in object {
                keys.insert(key.clone());
                if key == "type" {
                    if let Some(tag) = item.as_str() {
                        tags.insert(tag.to_owned());
                    }
                }
                collect(item, keys, tags);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect(item, keys, tags)),
        _ => {}
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let mut files: Vec<PathBuf> = Vec::new();
    for (dir, suffix) in [
        ("clustaar-schemas/tests/fixtures/v1", ".load.json"),
        ("tests/fixtures", ".json"),
    ] {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.to_string_lossy().ends_with(suffix))
            .collect();
        found.sort();
        files.extend(found);
    }
    let (mut keys, mut tags) = (BTreeSet::new(), BTreeSet::new());
    let mut out = String::from(
        "/// The fixtures: `(file name, JSON text)`.\npub static FIXTURES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        collect(&value, &mut keys, &mut tags);
        let name = Path::new(path).file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.canonicalize().unwrap().display()
        )
        .unwrap();
    }
    out.push_str("];\n\n/// Every object key of the fixtures.\npub static KEYS: &[&str] = &[\n");
    for key in &keys {
        writeln!(out, "    {key:?},").unwrap();
    }
    out.push_str("];\n\n/// Every `type` tag of the fixtures.\npub static TAGS: &[&str] = &[\n");
    for tag in &tags {
        writeln!(out, "    {tag:?},").unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("fixtures.rs");
    std::fs::write(dest, out).unwrap();
}
