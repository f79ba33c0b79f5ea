//! Embeds every file under `gazetteers/` into the binary, so that newsx runs with no set-up.
//! Writes `$OUT_DIR/embedded_gazetteers.rs`: a sorted table of (relative path, contents).
use std::{env, fs, path::Path};

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    // A directory's mtime changes when a file is added to it: rebuild then.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read gazetteers dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "tsv" || e == "txt" || e == "rules") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteers");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut code = String::from("/// Embedded gazetteer files: (path relative to `gazetteers/`, contents).\npub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for rel in &files {
        println!("cargo:rerun-if-changed=gazetteers/{rel}");
        code.push_str(&format!(
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/gazetteers/{rel}\"))),\n"
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_gazetteers.rs");
    fs::write(out, code).expect("write embedded table");
}
