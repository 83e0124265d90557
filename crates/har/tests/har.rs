//! Reading leniently, decoding bodies, redacting and writing.

use har::{BodyError, Content, Entry, Har, Header, Recording, SecretSet, SensitiveNames};

fn content(text: &str, encoding: Option<&str>) -> Content {
    Content {
        size: text.len() as i64,
        mime_type: "application/json".into(),
        text: Some(text.into()),
        encoding: encoding.map(String::from),
    }
}

#[test]
fn bodies_decode_from_base64_and_respect_the_cap() {
    let plain = content("{\"a\":1}", None);
    assert_eq!(plain.decoded(100).unwrap().unwrap().as_ref(), b"{\"a\":1}");
    let b64 = content("eyJhIjoxfQ==", Some("base64"));
    assert_eq!(b64.decoded(100).unwrap().unwrap().as_ref(), b"{\"a\":1}");
    assert!(matches!(
        plain.decoded(3),
        Err(BodyError::TooLarge { size: 7, limit: 3 })
    ));
    assert!(matches!(b64.decoded(3), Err(BodyError::TooLarge { .. })));
    assert!(matches!(
        content("@@@", Some("base64")).decoded(100),
        Err(BodyError::Base64(_))
    ));
    assert!(matches!(
        content("x", Some("gzip")).decoded(100),
        Err(BodyError::UnknownEncoding(_))
    ));
    let empty = Content::default();
    assert!(empty.decoded(100).unwrap().is_none());
}

#[test]
fn entries_carry_their_index_and_line() {
    let text = "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"/a\"}},\n\n{\"request\": {\"method\": 5}}\n]}}";
    let rec = Recording::from_text("t.har", text.into());
    let entries = rec.entries().unwrap();
    assert_eq!(entries.entries.len(), 2);
    assert_eq!((entries.entries[0].index, entries.entries[0].line), (0, 2));
    assert_eq!((entries.entries[1].index, entries.entries[1].line), (1, 4));
    let first = entries.entries[0].parse().unwrap();
    assert_eq!(first.request.url, "/a");
    assert!(first.response.is_none());
    let err = entries.entries[1].parse().unwrap_err().to_string();
    assert!(err.starts_with("entry 1 (line 4)"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let rec = Recording::from_text("t.har", "\u{feff}{\"log\": {\"entries\": []}}".into());
    assert!(rec.entries().unwrap().entries.is_empty());
}

#[test]
fn secrets_are_collected_and_scrubbed() {
    let mut s = SecretSet::new();
    s.insert_header_value("Authorization", "Basic dXNlcjpwYXNzd29yZDE=");
    assert!(s.occurs_in("password1 leaked"));
    assert!(s.occurs_in("user:password1"));
    assert_eq!(
        s.scrub("token dXNlcjpwYXNzd29yZDE= end"),
        "token [REDACTED] end"
    );
    s.insert_header_value("Cookie", "a=cookie-value-1; b=cookie-value-2");
    assert!(s.occurs_in("cookie-value-2"));
    // Very short values are not scrubbed from free text.
    s.insert("ab");
    assert_eq!(s.scrub("abc"), "abc");
}

#[test]
fn written_archives_are_redacted_and_atomic() {
    let mut entry = Entry::default();
    entry.request.method = "GET".into();
    entry.request.url = "https://x.test/a?token=tok-123456&x=1".into();
    entry.request.headers = vec![
        Header::new("Authorization", "Bearer sekret-987"),
        Header::new("X-Custom-Key", "custom-555"),
        Header::new("Accept", "application/json"),
    ];
    entry.request.query_string = vec![Header::new("token", "tok-123456")];
    let mut archive = Har::new("test", "1");
    archive.log.entries.push(entry);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.har");
    let names = SensitiveNames::default().with_header("x-custom-key");
    archive.write(&path, &names).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in ["sekret-987", "custom-555", "tok-123456"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("Bearer [REDACTED]"));
    assert!(text.contains("application/json"));
    // The original is untouched, and only the final file exists.
    assert_eq!(
        archive.log.entries[0].request.headers[0].value,
        "Bearer sekret-987"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    // What was written reads back.
    let rec = Recording::read(&path, 1 << 20).unwrap();
    assert_eq!(rec.entries().unwrap().entries.len(), 1);
}

#[test]
fn a_secret_only_in_the_url_query_is_redacted_when_written() {
    let mut entry = Entry::default();
    entry.request.method = "GET".into();
    entry.request.url = "https://x.test/a?api_key=url-only-secret%21&x=1".into();
    let mut archive = Har::new("test", "1");
    archive.log.entries.push(entry);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.har");
    archive.write(&path, &SensitiveNames::default()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("url-only-secret"), "{text}");
}
