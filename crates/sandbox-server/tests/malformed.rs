//! The sandbox's own answers to malformed requests are documented answers:
//! every one is sent over a raw socket (so the bytes are exactly ours, not
//! a client's normalised URL) and judged by the contract's checks, the
//! same ones a live run applies. No answer may be a router's plain-text
//! error or an undocumented status.

use std::io::{Read, Write};

use openapi_contract::{Check, Contract, Credentials, Exchange, Options, Outcome};
use sandbox_server::{Config, Sandbox};

/// Sends `request` as written and returns (status, headers, body).
fn send(
    addr: std::net::SocketAddr,
    request: &str,
) -> (u16, Vec<openapi_contract::har::Header>, Vec<u8>) {
    let mut conn = std::net::TcpStream::connect(addr).expect("connects");
    conn.write_all(request.as_bytes()).expect("sends");
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).expect("reads");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| openapi_contract::har::Header::new(k.trim(), v.trim()))
        .collect();
    (status, headers, body)
}

fn request(target: &str, secret: &str, extra: &str) -> String {
    format!(
        "GET {target} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {secret}\r\nAccept: application/vnd.signalzen.v1+json\r\n{extra}Connection: close\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_paths_queries_and_headers_get_documented_answers() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let addr = sandbox.addr();
    let secret = sandbox.websites()[0].secret.clone();
    let spec =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    let doc = openapi_spec::load(&spec, &Default::default()).unwrap();
    let options = Options {
        base_url: Some(sandbox.base_url()),
        valid_secrets: vec![secret.clone()],
        ..Options::default()
    };
    let contract = Contract::new(doc, options).unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("invalid UTF-8 in a user id", request("/external/users/%ff", &secret, "")),
        ("invalid UTF-8 in a message id", request("/external/users/1/messages/%ff%fe", &secret, "")),
        ("invalid UTF-8 in a parent id", request("/external/users/%c3%28/messages", &secret, "")),
        ("an encoded slash in an id", request("/external/users/1%2F2", &secret, "")),
        ("a huge id", request("/external/users/99999999999999999999999", &secret, "")),
        ("a negative id", request("/external/users/-1", &secret, "")),
        ("an encoded space", request("/external/users/%20", &secret, "")),
        ("a bad percent-encoding", request("/external/users/%zz", &secret, "")),
        ("an undecodable query value", request("/external/users?limit=%ff", &secret, "")),
        ("a bad percent-encoding in the query", request("/external/users?offset=%zz", &secret, "")),
        ("a query without a value", request("/external/users?limit", &secret, "")),
        ("a query with a plus", request("/external/users?limit=+5", &secret, "")),
        ("a limit with leading zeros", request("/external/users?limit=007", &secret, "")),
        ("an unknown query parameter", request("/external/users?colour=red", &secret, "")),
        ("a double slash", request("/external//users", &secret, "")),
        ("a trailing slash", request("/external/users/", &secret, "")),
        ("two Accept headers", request("/external/users", &secret, "Accept: text/html\r\n")),
        (
            "a lower-case scheme",
            format!("GET /external/users HTTP/1.1\r\nHost: sandbox\r\nAuthorization: bearer {secret}\r\nAccept: application/vnd.signalzen.v1+json\r\nConnection: close\r\n\r\n"),
        ),
        (
            "an Authorization header with no secret",
            "GET /external/users HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer\r\nAccept: application/vnd.signalzen.v1+json\r\nConnection: close\r\n\r\n".to_string(),
        ),
    ];
    let mut problems = Vec::new();
    for (what, raw) in &cases {
        let (status, headers, body) = send(addr, raw);
        let target = raw.split(' ').nth(1).unwrap_or("");
        let request_headers: Vec<openapi_contract::har::Header> = raw
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| openapi_contract::har::Header::new(k.trim(), v.trim()))
            .collect();
        let url = format!("http://{addr}{target}");
        let ex = Exchange {
            method: "GET",
            url: &url,
            request_headers: &request_headers,
            credentials: Some(Credentials::Valid),
            status,
            response_headers: &headers,
            mime_type: "",
            body: Some(&body),
        };
        let checked = contract.check(&ex);
        // Every answer is JSON with a documented status and body; a path
        // no operation has is an `operation` failure only when the answer
        // is not the document's 404.
        for r in &checked.results {
            let tolerated =
                r.check == Check::Operation && status == 404 || r.check == Check::BodyUndocumented;
            if r.outcome == Outcome::Fail && !tolerated {
                problems.push(format!(
                    "{what}: {target} -> {status}: {} {:?}",
                    r.check, r.findings
                ));
            }
        }
        if !(200..500).contains(&status) {
            problems.push(format!("{what}: {target} -> {status}"));
        }
        if checked.operation.is_none() {
            let error: Result<signalzen_models::Error, _> = serde_json::from_slice(&body);
            if status != 404 || error.is_err() {
                problems.push(format!(
                    "{what}: {target} -> {status} is not the document's 404 Error body: {}",
                    String::from_utf8_lossy(&body)
                ));
            }
        }
    }
    sandbox.stop().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
