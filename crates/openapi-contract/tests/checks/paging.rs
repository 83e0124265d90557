//! The page rules of `x-pagination`, one page at a time.

use super::fixture::*;

fn paging(body: &str, query: &str) -> Vec<(&'static str, Vec<String>)> {
    let c = contract("{bearer: []}", &[SECRET]);
    let good = [("Authorization", "Bearer right-secret-value"), ACCEPT];
    let url = format!("{THINGS}{query}");
    Call::get(&url, &good)
        .answered(200, body)
        .failing(&c)
        .into_iter()
        .filter(|(n, _)| *n == "pagination")
        .collect()
}

fn paging_messages(body: &str, query: &str) -> Vec<String> {
    paging(body, query)
        .into_iter()
        .flat_map(|(_, m)| m)
        .collect()
}

#[test]
fn a_page_echoes_its_limit_and_offset_or_their_defaults() {
    assert!(paging(PAGE, "").is_empty());
    let page = r#"{"things":[{"id":1}],"total":3,"limit":1,"offset":2}"#;
    assert!(paging(page, "?limit=1&offset=2").is_empty());
    let m = paging_messages(PAGE, "?limit=3");
    assert_eq!(
        m,
        ["limit echoes 5, but the request's limit is 3 (given or the documented default)"]
    );
    let m = paging_messages(r#"{"things":[],"total":1,"limit":5,"offset":1}"#, "");
    assert!(
        m[0].starts_with("offset echoes 1, but the request's offset is 0"),
        "{m:?}"
    );
    let m = paging_messages(r#"{"things":[{"id":1}],"total":1,"offset":0}"#, "");
    assert_eq!(m, ["limit is missing or not an integer"]);
    let m = paging_messages(r#"{"things":[{"id":1}],"total":1,"limit":5}"#, "");
    assert_eq!(m, ["offset is missing or not an integer"]);
}

#[test]
fn an_echoed_limit_outside_its_documented_bounds_fails() {
    let m = paging_messages(
        r#"{"things":[],"total":0,"limit":11,"offset":0}"#,
        "?limit=10",
    );
    assert!(
        m.iter()
            .any(|m| m == "limit 11 is outside the documented bounds 1..=10"),
        "{m:?}"
    );
    let m = paging_messages(
        r#"{"things":[],"total":0,"limit":0,"offset":0}"#,
        "?limit=1",
    );
    assert!(
        m.iter()
            .any(|m| m == "limit 0 is outside the documented bounds 1..=10"),
        "{m:?}"
    );
    let at_bounds = r#"{"things":[],"total":0,"limit":10,"offset":0}"#;
    assert!(paging(at_bounds, "?limit=10").is_empty());
    let at_bounds = r#"{"things":[{"id":1}],"total":1,"limit":1,"offset":0}"#;
    assert!(paging(at_bounds, "?limit=1").is_empty());
}

#[test]
fn a_page_needs_total_and_an_items_array() {
    let m = paging_messages(r#"{"things":[{"id":1}],"limit":5,"offset":0}"#, "");
    assert_eq!(m, ["total is missing or not an integer"]);
    let m = paging_messages(r#"{"things":{"id":1},"total":1,"limit":5,"offset":0}"#, "");
    assert_eq!(m, ["things is missing or not an array"]);
    let m = paging_messages(r#"{"total":1,"limit":5,"offset":0}"#, "");
    assert_eq!(m, ["things is missing or not an array"]);
}

#[test]
fn a_page_holds_exactly_what_limit_offset_and_total_leave() {
    let two = r#"{"things":[{"id":1},{"id":2}],"total":2,"limit":1,"offset":0}"#;
    let m = paging_messages(two, "?limit=1");
    assert_eq!(m, ["the page holds 2 items, more than the limit 1"]);
    let short = r#"{"things":[{"id":1}],"total":3,"limit":2,"offset":0}"#;
    let m = paging_messages(short, "?limit=2");
    assert_eq!(
        m,
        [
            "the page holds 1 items; with limit 2, offset 0 and total 3 it must hold min(limit, max(0, total - offset)) = 2"
        ]
    );
    let past = r#"{"things":[{"id":1}],"total":3,"limit":2,"offset":3}"#;
    let m = paging_messages(past, "?limit=2&offset=3");
    assert!(m[0].ends_with("= 0"), "{m:?}");
    let far = r#"{"things":[],"total":3,"limit":2,"offset":9}"#;
    assert!(paging(far, "?limit=2&offset=9").is_empty());
    let last = r#"{"things":[{"id":3}],"total":3,"limit":2,"offset":2}"#;
    assert!(paging(last, "?limit=2&offset=2").is_empty());
}

fn sized(path: &str, query: &str, body: &str) -> Vec<String> {
    let c = contract("{bearer: []}", &[SECRET]);
    let url = format!("https://api.example.test/v1/{path}{query}");
    Call::get(&url, &[ACCEPT])
        .answered(200, body)
        .failing(&c)
        .into_iter()
        .filter(|(n, _)| *n == "pagination")
        .flat_map(|(_, m)| m)
        .collect()
}

#[test]
fn a_page_size_page_is_an_array_of_at_most_the_size() {
    assert!(sized("sized", "", r#"[{"id":1},{"id":2}]"#).is_empty());
    assert_eq!(
        sized("sized", "", r#"[{"id":1},{"id":2},{"id":3}]"#),
        ["the page holds 3 items, more than per_page 2"]
    );
    assert!(sized("sized", "?per_page=3", r#"[{"id":1},{"id":2},{"id":3}]"#).is_empty());
    assert_eq!(
        sized("sized", "", r#"{"id":1}"#),
        ["the page is not an array"]
    );
    assert!(sized("wrapped", "", r#"{"data":[{"id":1}]}"#).is_empty());
    assert_eq!(
        sized("wrapped", "", r#"{"data":[{"id":1},{"id":2},{"id":3}]}"#),
        ["the page holds 3 items, more than per_page 2"]
    );
    assert_eq!(
        sized("wrapped", "", r#"{"data":{"id":1}}"#),
        ["the page is not an array"]
    );
}

#[test]
fn an_unknown_paging_style_is_a_warning_not_a_pass() {
    let c = contract("{bearer: []}", &[SECRET]);
    let url = "https://api.example.test/v1/cursor";
    let request = headers(&[ACCEPT]);
    let response = headers(JSON);
    let ex = Exchange {
        method: "GET",
        url,
        request_headers: &request,
        credentials: None,
        status: 200,
        response_headers: &response,
        mime_type: "application/json",
        body: Some(br#"[{"id":1}]"#),
    };
    let checked = c.check(&ex);
    let paging = checked
        .results
        .iter()
        .find(|r| r.check == Check::Pagination)
        .expect("a paging verdict");
    assert_eq!(paging.outcome, Outcome::Warn);
    assert!(paging.findings[0].message.contains("\"cursor\""));
}
