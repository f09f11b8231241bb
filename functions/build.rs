//! Embeds the built front ends (dashboard/dist, widget/dist) into release builds, which is
//! what `sam build` makes: the deploy-setup function copies them into the bucket, so the
//! deployed code and the deployed app are always the same build. Debug builds (tests,
//! wrrk-local, which serves the dist folders itself) embed nothing unless
//! WRRK_EMBED_FRONT_ENDS=1, so a rebuilt front end never recompiles them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=WRRK_EMBED_FRONT_ENDS");
    // Another built dashboard (the emulator test deploys a changed one).
    println!("cargo:rerun-if-env-changed=WRRK_DASHBOARD_DIST");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest
        .parent()
        .expect("functions/ is in the workspace")
        .to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("front_ends.rs");
    let embed = std::env::var("PROFILE").as_deref() == Ok("release")
        || std::env::var("WRRK_EMBED_FRONT_ENDS").as_deref() == Ok("1");
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if embed {
        let dashboard = std::env::var_os("WRRK_DASHBOARD_DIST")
            .map_or_else(|| root.join("dashboard/dist"), PathBuf::from);
        let widget = root.join("widget/dist");
        for dir in [&dashboard, &widget] {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
        walk(&dashboard, &dashboard, &mut files);
        // The widget's script and its hashed copy; demo.html is the local demo's page.
        let mut widget_files = Vec::new();
        walk(&widget, &widget, &mut widget_files);
        files.extend(widget_files.into_iter().filter(|(name, _)| {
            name.starts_with("widget.") && name.ends_with(".js") && !name.contains('/')
        }));
        if files.is_empty() {
            println!(
                "cargo:warning=no built front ends to embed: run `npm ci && npm run build` in \
                 dashboard/ and widget/ before `sam build` (the deploy fails without them)"
            );
        }
    }
    files.sort();
    let mut code = String::from(
        "/// The built front ends: (path under the site, contents).\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        let _ = writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    std::fs::write(&out, code).expect("writing front_ends.rs");
}

/// Every regular file under `dir`, named by its path relative to `base` with `/`.
fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
        } else if path.is_file()
            && let Ok(rel) = path.strip_prefix(base)
        {
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path));
        }
    }
}
