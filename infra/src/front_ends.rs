//! Builds the front ends before the local stack serves them, so the one run command works
//! on a fresh clone (Rust and Node installed, nothing else): `npm ci` when dependencies are
//! missing or the lockfile changed, `npm run build` when the build is missing or older
//! than its sources. A machine without npm still gets the API, with a note.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// Newest modification time of `path` (a file, or everything below a directory).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn npm(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    // Its output goes to stderr with ours, so stdout stays free for whoever reads it.
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| anyhow::anyhow!("running npm in {}: {e}", dir.display()))?;
    anyhow::ensure!(
        status.success(),
        "npm {} failed in {}",
        args.join(" "),
        dir.display()
    );
    Ok(())
}

/// Makes sure the front end in `project` is built into `project/dist` with `marker` in
/// it. Nothing happens when `project` has no `package.json` or the build is current.
pub fn ensure_built(project: &Path, marker: &str) -> anyhow::Result<()> {
    if !project.join("package.json").is_file() {
        return Ok(());
    }
    let lock = project.join("package-lock.json");
    let installed = project.join("node_modules/.package-lock.json");
    if newest(&installed).is_none() || newest(&lock) > newest(&installed) {
        eprintln!(
            "  installing {} dependencies (npm ci) ...",
            project.display()
        );
        npm(
            project,
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        )?;
    }
    let built = newest(&project.join("dist").join(marker));
    let sources = [
        "src",
        "index.html",
        "package.json",
        "vite.config.ts",
        "build.mjs",
        // The API types are generated from it at build time.
        "../openapi.json",
    ]
    .iter()
    .filter_map(|p| newest(&project.join(p)))
    .max();
    if built.is_none() || sources > built {
        eprintln!("  building {} ...", project.display());
        npm(project, &["run", "--silent", "build"])?;
    }
    Ok(())
}
