//! Shared by the tests that run the `extract` example: where its binary is,
//! built on first use.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The path of `target/<profile>/examples/extract`, built on first use.
pub fn extract_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // This test runs as target/<profile>/deps/cli-<hash>.
        let exe = std::env::current_exe().expect("the path of the running test binary");
        let deps = exe.parent().expect("the test binary has a directory");
        let profile_dir = if deps.ends_with("deps") {
            deps.parent().expect("deps/ has a parent")
        } else {
            deps
        };
        let bin = profile_dir
            .join("examples")
            .join(format!("extract{}", std::env::consts::EXE_SUFFIX));

        // Build it in the same profile and target directory, so that the
        // binary exists and is never stale (a no-op when it is up to date).
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = std::process::Command::new(cargo);
        cmd.args([
            "build",
            "--quiet",
            "--example",
            "extract",
            "--manifest-path",
        ])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => {}
            Some("release") => {
                cmd.arg("--release");
            }
            Some(other) => {
                cmd.args(["--profile", other]);
            }
            None => panic!("cannot tell the profile from {}", profile_dir.display()),
        }
        // The target directory is the parent of cargo's `CARGO_TARGET_TMPDIR`
        // (set for integration tests): the profile directory sits right in
        // it, or in `<target-dir>/<triple>` for a cross build.
        let target_dir = option_env!("CARGO_TARGET_TMPDIR")
            .and_then(|t| Path::new(t).parent())
            .or_else(|| profile_dir.parent());
        if let (Some(target_dir), Some(above)) = (target_dir, profile_dir.parent()) {
            if above == target_dir {
                cmd.arg("--target-dir").arg(target_dir);
            } else if let Some(triple) = above.file_name() {
                cmd.arg("--target")
                    .arg(triple)
                    .arg("--target-dir")
                    .arg(target_dir);
            }
        }
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("cannot run `{cmd:?}`: {e}"));
        assert!(
            status.success(),
            "`{cmd:?}` failed ({status}): the extract example does not build"
        );
        assert!(
            bin.is_file(),
            "the extract example binary is not at {} after `{cmd:?}`; \
             build it with `cargo build --example extract` (add --release for a release test run)",
            bin.display()
        );
        bin
    })
}
