//! The Markdown pages in a real Docusaurus build (3.10, classic preset),
//! with broken links and broken anchors as errors: every link between the
//! pages, to a heading or an error row, must land where Docusaurus
//! registers an anchor. Needs an npm install of Docusaurus, named by
//! DOCUSAURUS_DIR (`.ci/docusaurus` makes one); skipped with a message
//! without it, unless DOCS_DOCUSAURUS_REQUIRED is set (CI sets both).

use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_docs::{Options, render};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder holding `node_modules/@docusaurus/core`, if there is one.
fn docusaurus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCUSAURUS_DIR").map(PathBuf::from);
    let found = dir.filter(|d| {
        d.join("node_modules/@docusaurus/core/bin/docusaurus.mjs")
            .exists()
    });
    match found {
        Some(d) => Some(d),
        None if std::env::var_os("DOCS_DOCUSAURUS_REQUIRED").is_some() => panic!(
            "DOCS_DOCUSAURUS_REQUIRED is set but DOCUSAURUS_DIR holds no Docusaurus install (bash .ci/docusaurus DIR)"
        ),
        None => {
            eprintln!(
                "skipped: no Docusaurus install (set DOCUSAURUS_DIR to a folder made by `bash .ci/docusaurus DIR`); the Docusaurus build did not run"
            );
            None
        }
    }
}

const CONFIG: &str = r#"module.exports = {
  title: 'Reference check',
  url: 'http://localhost',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {hooks: {onBrokenMarkdownLinks: 'throw'}},
  presets: [['classic', {docs: {path: 'docs', routeBasePath: '/'}, blog: false, pages: false}]],
};
"#;

#[test]
fn the_markdown_pages_build_in_docusaurus_with_no_broken_link_or_anchor() {
    let Some(install) = docusaurus() else { return };
    // One site, a folder of pages per document: one build for all three.
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("docs")).unwrap();
    std::fs::write(
        site.path().join("docs/index.md"),
        "---\nslug: /\n---\n# Site\n",
    )
    .unwrap();
    std::fs::write(site.path().join("docusaurus.config.js"), CONFIG).unwrap();
    std::os::unix::fs::symlink(
        install.join("node_modules"),
        site.path().join("node_modules"),
    )
    .unwrap();
    for (rel, folder) in [
        ("openapi/signalzen-v1.yaml", "signalzen"),
        ("openapi/peers/subiz-chats.yaml", "subiz"),
        ("openapi/peers/socialintents-chats.yaml", "socialintents"),
    ] {
        let doc = openapi_spec::load(&root().join(rel), &Default::default()).unwrap();
        let options = Options {
            source: rel.into(),
            models_crate: "models".into(),
            downloads: Vec::new(),
        };
        let files = render(&doc, &options).unwrap();
        let api = site.path().join("docs").join(folder);
        std::fs::create_dir_all(&api).unwrap();
        let mut pages = 0;
        for (path, text) in &files {
            if let Some(name) = path.strip_prefix("markdown/") {
                std::fs::write(api.join(name), text).unwrap();
                pages += 1;
            }
        }
        assert!(pages >= 3, "{rel}: {pages} Markdown pages");
    }
    let out = Command::new("node")
        .arg("node_modules/@docusaurus/core/bin/docusaurus.mjs")
        .arg("build")
        .current_dir(site.path())
        .output()
        .expect("node runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the Docusaurus build failed:\n{log}");
    assert!(!log.to_lowercase().contains("broken"), "{log}");
}
