//! The rendered reference, read back as a reader's tools would: every link
//! resolves, every example shown meets its schema, the page fetches
//! nothing, and peer APIs' documents render with nothing API-specific.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use openapi_docs::{Download, Options, render};
use pulldown_cmark::{Event, Parser, Tag};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(rel: &str) -> openapi_spec::Document {
    openapi_spec::load(&root().join(rel), &Default::default()).expect("document loads")
}

fn options() -> Options {
    Options {
        source: "test.yaml".into(),
        models_crate: "models".into(),
        downloads: vec![Download {
            path: "downloads/test.yaml".into(),
            title: "The document".into(),
            contents: "openapi: 3.0.3\n".into(),
        }],
    }
}

const DOCUMENTS: &[&str] = &[
    "openapi/signalzen-v1.yaml",
    "openapi/peers/subiz-chats.yaml",
    "openapi/peers/socialintents-chats.yaml",
    // OpenAPI 3.1, as FastAPI writes it.
    "tests/fixtures/fastapi/openapi.json",
];

fn rendered(rel: &str) -> (openapi_spec::Document, BTreeMap<String, String>) {
    let doc = load(rel);
    let files = render(&doc, &options()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (doc, files)
}

/// (attribute name, value) of every element, from a real HTML parser.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    let mut out = Vec::new();
    for node in dom.nodes() {
        if let Some(tag) = node.as_tag() {
            let name = tag.name().as_utf8_str().to_string();
            for (k, v) in tag.attributes().iter() {
                out.push((
                    name.clone(),
                    k.to_string(),
                    v.unwrap_or_default().to_string(),
                ));
            }
        }
    }
    let _ = parser;
    out
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

#[test]
fn every_link_in_the_html_page_resolves() {
    for rel in DOCUMENTS {
        let (_, files) = rendered(rel);
        let html = &files["index.html"];
        let attrs = attributes(html);
        let ids: BTreeSet<&str> = attrs
            .iter()
            .filter(|(_, k, _)| k == "id")
            .map(|(_, _, v)| v.as_str())
            .collect();
        let id_count = attrs.iter().filter(|(_, k, _)| k == "id").count();
        assert_eq!(ids.len(), id_count, "{rel}: duplicate ids");
        let mut checked = 0;
        for (_, k, v) in attrs.iter().filter(|(_, k, _)| k == "href" || k == "for") {
            let v = html_unescape(v);
            if k == "for" {
                assert!(ids.contains(v.as_str()), "{rel}: label for missing id {v}");
            } else if let Some(anchor) = v.strip_prefix('#') {
                assert!(ids.contains(anchor), "{rel}: dangling link #{anchor}");
            } else if v.starts_with("https://") || v.starts_with("http://") {
                continue; // links out, followed only when a reader clicks
            } else {
                assert!(
                    files.contains_key(&v),
                    "{rel}: link to a file not rendered: {v}"
                );
            }
            checked += 1;
        }
        assert!(checked > 20, "{rel}: only {checked} links found");
    }
}

/// Heading ids (`## Title {#id}`) and `<span id>` anchors of a Markdown page.
fn markdown_anchors(md: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in md.lines() {
        if line.starts_with('#')
            && let Some(start) = line.rfind("{#")
            && let Some(id) = line[start + 2..].strip_suffix('}')
        {
            out.insert(id.to_string());
        }
    }
    out
}

#[test]
fn every_link_in_the_markdown_pages_resolves() {
    for rel in DOCUMENTS {
        let (_, files) = rendered(rel);
        let pages: BTreeMap<&str, &String> = files
            .iter()
            .filter_map(|(p, t)| Some((p.strip_prefix("markdown/")?, t)))
            .collect();
        assert!(pages.len() >= 3, "{rel}: pages {:?}", pages.keys());
        let anchors: BTreeMap<&str, BTreeSet<String>> = pages
            .iter()
            .map(|(p, t)| (*p, markdown_anchors(t)))
            .collect();
        let mut checked = 0;
        for (page, text) in &pages {
            for event in Parser::new(text) {
                let Event::Start(Tag::Link { dest_url, .. }) = event else {
                    continue;
                };
                if dest_url.starts_with("http") {
                    continue;
                }
                let (file, anchor) = dest_url.split_once('#').unwrap_or((&dest_url, ""));
                let file = if file.is_empty() { *page } else { file };
                let Some(found) = anchors.get(file) else {
                    panic!("{rel}: {page} links to a missing page {dest_url}");
                };
                assert!(
                    anchor.is_empty() || found.contains(anchor),
                    "{rel}: {page} links to a missing anchor {dest_url}"
                );
                checked += 1;
            }
        }
        assert!(checked > 3, "{rel}: only {checked} links found");
    }
}

#[test]
fn markdown_pages_carry_docusaurus_front_matter() {
    let (_, files) = rendered("openapi/signalzen-v1.yaml");
    let want = [
        ("authentication.md", 1),
        ("users.md", 2),
        ("messages.md", 3),
        ("errors.md", 4),
        ("webhooks.md", 5),
    ];
    for (page, position) in want {
        let text = &files[&format!("markdown/{page}")];
        let front = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map(|(f, _)| f)
            .unwrap_or_else(|| panic!("{page}: no front matter"));
        assert!(
            front
                .lines()
                .any(|l| l == format!("sidebar_position: {position}")),
            "{page}: {front}"
        );
    }
    let pages = files.keys().filter(|p| p.starts_with("markdown/")).count();
    assert_eq!(pages, want.len());
}

/// Every example shown, as (schema pointer, value): `<pre data-schema>` blocks.
fn html_examples(html: &str) -> Vec<(String, Value)> {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    let mut out = Vec::new();
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        let Some(Some(schema)) = tag.attributes().get("data-schema") else {
            continue;
        };
        let class = tag
            .attributes()
            .get("class")
            .flatten()
            .map(|c| c.as_utf8_str().to_string())
            .unwrap_or_default();
        let text = html_unescape(&tag.inner_text(parser));
        let value = if class == "lang-json" {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("example is not JSON ({e}): {text}"))
        } else {
            Value::String(text)
        };
        out.push((html_unescape(&schema.as_utf8_str()), value));
    }
    out
}

#[test]
fn every_example_shown_meets_its_schema() {
    for rel in DOCUMENTS {
        let (doc, files) = rendered(rel);
        let examples = html_examples(&files["index.html"]);
        assert!(!examples.is_empty(), "{rel}: no examples shown");
        let converter = openapi_jsonschema::Converter::new(&doc.raw);
        for (ptr, value) in &examples {
            let ptr = ptr.trim_start_matches('#');
            let schema = doc
                .raw
                .pointer(ptr)
                .unwrap_or_else(|| panic!("{rel}: no schema at {ptr}"));
            let bundled = converter.bundle(schema, ptr).expect("schema converts");
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&bundled)
                .expect("schema compiles");
            let errors: Vec<String> = validator
                .iter_errors(value)
                .map(|e| e.to_string())
                .collect();
            assert!(
                errors.is_empty(),
                "{rel}: example for {ptr} is invalid: {errors:?}\n{value}"
            );
        }
        if *rel == "openapi/signalzen-v1.yaml" {
            // Both sender variants, the webhook event and an error body are among them.
            let shown: Vec<&Value> = examples.iter().map(|(_, v)| v).collect();
            for tag in ["user", "operator"] {
                assert!(
                    shown
                        .iter()
                        .any(|v| v.get("sender_type").and_then(Value::as_str) == Some(tag)),
                    "no {tag} message example"
                );
            }
            assert!(shown.iter().any(|v| v.get("event_type").is_some()));
            assert!(shown.iter().any(|v| v.get("error").is_some()));
        }
    }
}

#[test]
fn markdown_shows_the_same_json_examples_as_the_page() {
    let (_, files) = rendered("openapi/signalzen-v1.yaml");
    let in_html: BTreeSet<String> = html_examples(&files["index.html"])
        .into_iter()
        .filter(|(_, v)| !v.is_string())
        .map(|(_, v)| v.to_string())
        .collect();
    let mut in_md = BTreeSet::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("markdown/")) {
        let mut json = None::<String>;
        let mut in_cell = false;
        for event in Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(lang)))
                    if &*lang == "json" =>
                {
                    json = Some(String::new())
                }
                Event::Text(t) if json.is_some() => json.as_mut().unwrap().push_str(&t),
                Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                    if let Some(j) = json.take() {
                        let v: Value = serde_json::from_str(&j)
                            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {j}"));
                        in_md.insert(v.to_string());
                    }
                }
                Event::Start(Tag::TableCell) => in_cell = true,
                Event::End(pulldown_cmark::TagEnd::TableCell) => in_cell = false,
                // The errors table shows its example bodies as inline code.
                Event::Code(c) if in_cell && c.starts_with('{') => {
                    let v: Value = serde_json::from_str(&c)
                        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {c}"));
                    in_md.insert(v.to_string());
                }
                _ => {}
            }
        }
    }
    assert_eq!(
        in_md, in_html,
        "the Markdown pages show other examples than the page"
    );
}

#[test]
fn an_invalid_example_fails_the_build() {
    let path = root().join("openapi/signalzen-v1.yaml");
    let text = std::fs::read_to_string(&path).expect("document");
    let broken = text.replacen(
        "                    email: john.smith@gmail.com",
        "                    email: 42",
        1,
    );
    assert_ne!(broken, text);
    let doc =
        openapi_spec::load_str(&broken, &path, false, &Default::default()).expect("still loads");
    let err = render(&doc, &options()).expect_err("an invalid example is refused");
    let message = err.to_string();
    assert!(message.contains("example"), "{message}");
    assert!(message.contains("/examples/vendor/value"), "{message}");
}

#[test]
fn the_page_fetches_nothing_and_runs_nothing() {
    for rel in DOCUMENTS {
        let (_, files) = rendered(rel);
        let html = &files["index.html"];
        for banned in [
            "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
        ] {
            assert!(!html.contains(banned), "{rel}: the page contains {banned}");
        }
    }
    // Raw HTML in a description is shown as text, not obeyed.
    let path = root().join("openapi/signalzen-v1.yaml");
    let text = std::fs::read_to_string(&path).expect("document");
    let hostile = text.replacen(
        "Read-only access to the users",
        "<script>alert(1)</script><img src=\"https://example.com/x.png\"> Read-only access to the users",
        1,
    );
    let doc = openapi_spec::load_str(&hostile, &path, false, &Default::default()).expect("loads");
    let files = render(&doc, &options()).expect("renders");
    let html = &files["index.html"];
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn the_reference_says_what_the_document_says() {
    let (_, files) = rendered("openapi/signalzen-v1.yaml");
    let html = &files["index.html"];
    for op in ["listUsers", "getUser", "listMessages", "getMessage"] {
        assert!(html.contains(&format!("data-operation=\"{op}\"")), "{op}");
    }
    // Bounds and defaults in words, nullability and formats in plain words.
    for words in [
        "1 to 99",
        "<code>50</code>",
        "0 or more",
        "email address or null",
        "date-time (RFC 3339)",
        "https URL or null",
        "integer (64-bit)",
        "application/vnd.signalzen.v1+json",
        "Bearer YOUR_API_SECRET",
        "x-signalzen-signature",
        "constant-time",
        "challenge",
        "Retry-After",
        "Allow: GET",
        // The OpenAPI links: where the ids of an answer lead.
        "<h4>Links</h4>",
        "$response.body#/users/0/id",
        "$request.path.user_id",
    ] {
        assert!(html.contains(words), "the page does not say {words:?}");
    }
    // The sender variants side by side: one column per sender_type.
    assert!(html.contains("data-variant=\"user\""));
    assert!(html.contains("data-variant=\"operator\""));
    assert!(html.contains("<code>sender.forename</code>"));
    assert!(html.contains("<code>sender.picture_thumb_url</code>"));
    // Samples in three languages per operation; the Rust one uses the models.
    assert_eq!(html.matches(">curl</label>").count(), 4);
    assert_eq!(html.matches(">Ruby</label>").count(), 4);
    assert_eq!(html.matches(">Rust</label>").count(), 4);
    assert!(html.contains("HTTParty.get("));
    assert!(html.contains("use models::MessagesPage;"));
    // The error table has a row per documented error status, and 405.
    for status in [400, 401, 404, 405, 406, 429, 500, 503] {
        assert!(html.contains(&format!("id=\"error-{status}\"")), "{status}");
    }
}

#[test]
fn rust_samples_file_holds_every_operation() {
    let (_, files) = rendered("openapi/signalzen-v1.yaml");
    let rust = &files[openapi_docs::RUST_SAMPLES];
    for f in ["list_users", "get_user", "list_messages", "get_message"] {
        assert!(rust.contains(&format!("pub async fn {f}(")), "{f}");
    }
    assert!(rust.starts_with("// Generated by `cargo xtask docs`"));
}

#[test]
fn rendering_is_deterministic() {
    let (_, a) = rendered("openapi/signalzen-v1.yaml");
    let (_, b) = rendered("openapi/signalzen-v1.yaml");
    assert_eq!(a, b);
}

/// Docusaurus reads `.md` as MDX: `{` starts an expression and `<` a JSX
/// tag. Outside code, only heading ids (`{#id}`) and the error table's
/// `<span id>` anchors may use them.
#[test]
fn markdown_pages_are_mdx_safe() {
    for rel in DOCUMENTS {
        let (_, files) = rendered(rel);
        for (path, text) in files.iter().filter(|(p, _)| p.starts_with("markdown/")) {
            let body = text.splitn(3, "---\n").nth(2).unwrap_or(text);
            let mut in_code = false;
            for event in Parser::new_ext(body, pulldown_cmark::Options::ENABLE_TABLES) {
                match event {
                    Event::Start(Tag::CodeBlock(_)) => in_code = true,
                    Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_code = false,
                    Event::Text(t) if !in_code => {
                        let t = match t.rfind(" {#") {
                            Some(i) if t.ends_with('}') => &t[..i],
                            _ => &t,
                        };
                        assert!(
                            !t.contains(['{', '}', '<']),
                            "{rel}: {path}: MDX would misread {t:?}"
                        );
                    }
                    Event::Html(h) | Event::InlineHtml(h) => assert!(
                        h.starts_with("<span id=\"") || h.as_ref() == "</span>",
                        "{rel}: {path}: raw HTML {h:?}"
                    ),
                    _ => {}
                }
            }
        }
    }
}

/// OpenAPI 3.2's `query` method and `additionalOperations` are operations
/// of the reference like any other.
#[test]
fn a_3_2_query_and_an_additional_operation_are_documented() {
    let text = "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    query:\n      operationId: searchThings\n      summary: Search the things\n      responses: {'200': {description: the matches}}\n    additionalOperations:\n      COPY:\n        operationId: copyThings\n        summary: Copy the things\n        responses: {'204': {description: copied}}\n";
    let doc =
        openapi_spec::load_str(text, Path::new("t.yaml"), false, &Default::default()).unwrap();
    let files = render(&doc, &options()).unwrap();
    let html = &files[openapi_docs::HTML_PAGE];
    for shown in [
        "QUERY",
        "things",
        "Search the things",
        "COPY",
        "Copy the things",
    ] {
        assert!(html.contains(shown), "{shown} is not in the page");
    }
}
