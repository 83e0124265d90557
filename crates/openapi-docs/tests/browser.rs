//! The HTML reference in a real browser: headless Chromium opens the page
//! from disk, and the test asks it (over the DevTools protocol) what a
//! reader sees. Skipped with a message where Chromium is absent, unless
//! DOCS_BROWSER_REQUIRED is set (CI installs Chromium and sets it).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const DOCUMENTS: &[&str] = &[
    "openapi/signalzen-v1.yaml",
    "openapi/peers/subiz-chats.yaml",
    "openapi/peers/socialintents-chats.yaml",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Chromium, or `None` after saying why the test is skipped.
fn chromium() -> Option<PathBuf> {
    match openapi_docs::browser::find() {
        Some(p) => Some(p),
        None if std::env::var_os("DOCS_BROWSER_REQUIRED").is_some() => {
            panic!(
                "DOCS_BROWSER_REQUIRED is set but no Chromium was found (apt-get install -y chromium)"
            )
        }
        None => {
            eprintln!(
                "skipped: no Chromium found (install Debian's `chromium` package or set CHROMIUM); \
                 the browser test did not run"
            );
            None
        }
    }
}

/// A headless Chromium, killed when dropped.
struct Browser {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args(openapi_docs::browser::headless_args(profile.path()))
            .args([
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Chromium starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(Ok(url.trim().to_string()));
                    return;
                }
                seen.push(line);
            }
            let _ = tx.send(Err(seen.join("\n")));
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(url)) => url,
            Ok(Err(stderr)) => panic!("Chromium exited before listening:\n{stderr}"),
            Err(_) => panic!("Chromium did not open its DevTools port within 60 s"),
        };
        let (mut socket, _) = tungstenite::connect(&url).expect("DevTools connects");
        if let MaybeTlsStream::Plain(s) = socket.get_mut() {
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        }
        Browser {
            child,
            socket,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Sends one command and waits for its answer, skipping events.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.socket
            .send(Message::text(msg.to_string()))
            .expect("command sent");
        for _ in 0..10_000 {
            let reply = self.socket.read().expect("DevTools answers");
            let Message::Text(text) = reply else { continue };
            let v: Value = serde_json::from_str(&text).expect("JSON from DevTools");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
        }
        panic!("no answer to {method}");
    }

    /// Opens `url` in a new tab; returns the tab's session.
    fn open(&mut self, url: &str) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": url}));
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = session["sessionId"].as_str().unwrap().to_string();
        for _ in 0..200 {
            // The new tab starts on about:blank, which is "complete" at once.
            let state = "document.readyState === 'complete' && location.href !== 'about:blank' \
                         && document.documentElement !== null";
            if self.eval(&session, state) == json!(true) {
                return session;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{url} did not finish loading in 10 s");
    }

    fn eval(&mut self, session: &str, expression: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }
}

/// What a reader sees, as JSON: each element of interest and whether it is visible.
const SEEN: &str = r#"(() => {
  const vis = e => !!e && e.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0;
  const pick = (sel, key) => [...document.querySelectorAll(sel)]
    .map(e => ({key: key(e), visible: vis(e), text: e.innerText.slice(0, 300)}));
  return JSON.stringify({
    operations: pick('article.op', e => e.dataset.operation),
    variants: pick('table.variants th[data-variant]', e => e.dataset.variant),
    variantRows: pick('table.variants tbody tr', e => e.cells[0].innerText),
    errors: pick('table.errors tbody tr', e => e.id),
    errorTable: vis(document.querySelector('table.errors')),
    pageWidth: document.documentElement.scrollWidth,
  });
})()"#;

fn keys(seen: &Value, group: &str) -> BTreeSet<String> {
    seen[group]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["visible"], json!(true), "not visible: {e}");
            e["key"].as_str().unwrap().to_string()
        })
        .collect()
}

/// What the document says should be there.
fn expected(
    doc: &openapi_spec::Document,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let raw = &doc.raw;
    let ops = openapi_spec::visit::operations(raw)
        .into_iter()
        .filter_map(|o| Some(o.operation.get("operationId")?.as_str()?.to_string()))
        .collect();
    let mut variants = BTreeSet::new();
    for s in raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, s)| s)
    {
        if let Some(m) = s
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
        {
            variants.extend(m.keys().cloned());
        }
    }
    let mut errors: BTreeSet<String> = openapi_spec::visit::operations(raw)
        .into_iter()
        .filter(|o| o.root() == openapi_spec::visit::Root::Paths)
        .flat_map(|o| {
            o.operation
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(s, _)| s.parse::<u16>().is_ok_and(|c| c >= 400))
                .map(|(s, _)| format!("error-{s}"))
                .collect::<Vec<_>>()
        })
        .collect();
    if let Some(s) = raw.pointer("/x-contract/methodNotAllowed/status") {
        errors.insert(format!("error-{s}"));
    }
    (ops, variants, errors)
}

#[test]
fn chromium_shows_the_operations_the_sender_variants_and_the_error_table() {
    let Some(binary) = chromium() else { return };
    let mut browser = Browser::start(&binary);
    let out = tempfile::tempdir().unwrap();
    for rel in DOCUMENTS {
        let doc = openapi_spec::load(&root().join(rel), &Default::default()).unwrap();
        let files = openapi_docs::render(
            &doc,
            &openapi_docs::Options {
                source: rel.to_string(),
                models_crate: "models".into(),
                downloads: Vec::new(),
            },
        )
        .unwrap();
        let page = out.path().join(format!("{}.html", openapi_docs::slug(rel)));
        std::fs::write(&page, &files[openapi_docs::HTML_PAGE]).unwrap();
        let session = browser.open(&format!("file://{}", page.display()));
        let seen: Value =
            serde_json::from_str(browser.eval(&session, SEEN).as_str().unwrap()).unwrap();

        let (ops, variants, errors) = expected(&doc);
        assert_eq!(keys(&seen, "operations"), ops, "{rel}");
        assert_eq!(keys(&seen, "variants"), variants, "{rel}");
        assert_eq!(keys(&seen, "errors"), errors, "{rel}");
        assert_eq!(seen["errorTable"], json!(true), "{rel}");
        assert!(
            seen["pageWidth"].as_u64().unwrap() <= 1280,
            "{rel}: the page scrolls sideways at 1280 px: {}",
            seen["pageWidth"]
        );

        if *rel == "openapi/signalzen-v1.yaml" {
            // The issue's own words: four operations, both senders, the errors.
            for op in ["listUsers", "getUser", "listMessages", "getMessage"] {
                assert!(ops.contains(op));
            }
            assert!(variants.contains("user") && variants.contains("operator"));
            let rows = keys(&seen, "variantRows");
            for row in [
                "sender",
                "sender.name",
                "sender.forename",
                "sender.picture_thumb_url",
            ] {
                assert!(rows.contains(row), "no visible variant row {row}: {rows:?}");
            }
            let text = seen["errors"].to_string();
            for words in [
                "401 Unauthorized",
                "406 Not Acceptable",
                "Retry-After",
                "Allow: GET",
            ] {
                assert!(text.contains(words), "error table lacks {words:?}");
            }
            // Sample tabs: one panel shown at a time; a click switches.
            let tabs = r#"(() => {
              const t = document.querySelector('#op-list-users .tabs');
              const shown = () => [...t.querySelectorAll('div.panel')].map(p => p.checkVisibility());
              const before = shown();
              t.querySelectorAll('label')[1].click();
              return JSON.stringify({before, after: shown(), label: t.querySelectorAll('label')[1].innerText});
            })()"#;
            let tabs: Value =
                serde_json::from_str(browser.eval(&session, tabs).as_str().unwrap()).unwrap();
            assert_eq!(tabs["before"], json!([true, false, false]), "{tabs}");
            assert_eq!(tabs["after"], json!([false, true, false]), "{tabs}");
            assert_eq!(tabs["label"], json!("Ruby"));
        }
    }
}
