//! The request rules: credentials in every placement, Accept, parameters, and which refusal is owed.

use super::fixture::*;

#[test]
fn valid_bearer_credentials_must_not_be_refused_with_401() {
    let c = contract("{bearer: []}", &[SECRET]);
    let good = [("Authorization", "Bearer right-secret-value"), ACCEPT];
    assert!(Call::get(THINGS, &good).names(&c).is_empty());
    let refused = Call::get(THINGS, &good).answered(401, REFUSED).failing(&c);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, "request.auth");
    assert!(
        refused[0].1[0].contains("the credentials are valid, yet the answer is 401"),
        "{refused:?}"
    );
    // Known valid from the recording's annotation, without a list of secrets.
    let annotated = contract("{bearer: []}", &[]);
    let call = Call::get(THINGS, &good)
        .answered(401, REFUSED)
        .known(Credentials::Valid);
    assert_eq!(call.names(&annotated), ["request.auth"]);
    // Validity unknown: a 401 may be right.
    assert!(
        Call::get(THINGS, &good)
            .answered(401, REFUSED)
            .names(&annotated)
            .is_empty()
    );
}

#[test]
fn a_wrong_or_missing_bearer_must_be_refused_with_401() {
    let c = contract("{bearer: []}", &[SECRET]);
    let wrong = [("Authorization", "Bearer wrong-secret-value"), ACCEPT];
    let failing = Call::get(THINGS, &wrong).failing(&c);
    assert_eq!(failing[0].0, "request.auth");
    assert!(failing[0].1[0].contains("wrong secret"), "{failing:?}");
    assert!(
        Call::get(THINGS, &wrong)
            .answered(401, REFUSED)
            .names(&c)
            .is_empty()
    );
    let none = Call::get(THINGS, &[ACCEPT]).failing(&c);
    assert!(none[0].1[0].contains("no credentials"), "{none:?}");
    let empty = Call::get(THINGS, &[("Authorization", "Bearer  "), ACCEPT]).failing(&c);
    assert!(empty[0].1[0].contains("no credentials"), "{empty:?}");
    // Known wrong by annotation, though it is in the list.
    let annotated = Call::get(
        THINGS,
        &[("Authorization", "Bearer right-secret-value"), ACCEPT],
    )
    .known(Credentials::Invalid);
    assert_eq!(annotated.names(&c), ["request.auth"]);
}

#[test]
fn another_scheme_than_the_documented_one_is_refused() {
    let c = contract("{bearer: []}", &[SECRET]);
    let basic = [("Authorization", "Basic dXNlcjpwYXNz"), ACCEPT];
    let failing = Call::get(THINGS, &basic).failing(&c);
    assert!(
        failing[0].1[0].contains("another scheme (Basic)"),
        "{failing:?}"
    );
    // A lone word names another scheme too, shortened.
    let word = [("Authorization", "Tokenabcdefghijklmnop"), ACCEPT];
    let failing = Call::get(THINGS, &word).failing(&c);
    assert!(
        failing[0].1[0].contains("another scheme (Tokenabcdefg…)"),
        "{failing:?}"
    );
}

#[test]
fn basic_credentials_are_matched_by_the_pair_or_the_password() {
    use base64::Engine as _;
    let encode = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
    let c = contract("{basic: []}", &[SECRET]);
    let by_password = format!("Basic {}", encode("anyone:right-secret-value"));
    let call = [("Authorization", by_password.as_str()), ACCEPT];
    assert!(Call::get(THINGS, &call).names(&c).is_empty());
    let by_pair = contract("{basic: []}", &["me:pw-secret-value"]);
    let pair = format!("Basic {}", encode("me:pw-secret-value"));
    let call = [("Authorization", pair.as_str()), ACCEPT];
    assert!(Call::get(THINGS, &call).names(&by_pair).is_empty());
    let wrong = format!("Basic {}", encode("anyone:wrong-secret"));
    let call = [("Authorization", wrong.as_str()), ACCEPT];
    assert_eq!(Call::get(THINGS, &call).names(&c), ["request.auth"]);
    // Not base64 at all: a wrong secret, not a crash.
    let call = [("Authorization", "Basic !!!"), ACCEPT];
    assert_eq!(Call::get(THINGS, &call).names(&c), ["request.auth"]);
}

#[test]
fn api_keys_are_read_from_the_header_the_query_and_the_cookie() {
    let header = contract("{keyHeader: []}", &[SECRET]);
    let call = [("X-Key", SECRET), ACCEPT];
    assert!(Call::get(THINGS, &call).names(&header).is_empty());
    let call = [("X-Key", "other-secret-x"), ACCEPT];
    assert_eq!(Call::get(THINGS, &call).names(&header), ["request.auth"]);
    let call = [("X-Key", " "), ACCEPT];
    let failing = Call::get(THINGS, &call).failing(&header);
    assert!(failing[0].1[0].contains("no credentials"), "{failing:?}");

    let query = contract("{keyQuery: []}", &[SECRET]);
    let url = format!("{THINGS}?key={SECRET}");
    assert!(Call::get(&url, &[ACCEPT]).names(&query).is_empty());
    let url = format!("{THINGS}?key=other-secret-x");
    assert_eq!(Call::get(&url, &[ACCEPT]).names(&query), ["request.auth"]);
    let url = format!("{THINGS}?key=");
    let failing = Call::get(&url, &[ACCEPT]).failing(&query);
    assert!(failing[0].1[0].contains("no credentials"), "{failing:?}");

    let cookie = contract("{keyCookie: []}", &[SECRET]);
    let jar = format!("theme=dark; session={SECRET}");
    let call = [("Cookie", jar.as_str()), ACCEPT];
    assert!(Call::get(THINGS, &call).names(&cookie).is_empty());
    let call = [("Cookie", "session=other-secret-x"), ACCEPT];
    assert_eq!(Call::get(THINGS, &call).names(&cookie), ["request.auth"]);
    let call = [("Cookie", "session=; other=right-secret-value"), ACCEPT];
    let failing = Call::get(THINGS, &call).failing(&cookie);
    assert!(failing[0].1[0].contains("no credentials"), "{failing:?}");
}

#[test]
fn an_alternative_needs_every_scheme_it_lists() {
    // Either (header key AND query key) or bearer.
    let c = contract("{keyHeader: [], keyQuery: []}, {bearer: []}", &[SECRET]);
    let url = format!("{THINGS}?key={SECRET}");
    let both = [("X-Key", SECRET), ACCEPT];
    assert!(Call::get(&url, &both).names(&c).is_empty());
    // The header alone is half an alternative: no credentials.
    let failing = Call::get(THINGS, &both).failing(&c);
    assert!(failing[0].1[0].contains("no credentials"), "{failing:?}");
    let bearer = [("Authorization", "Bearer right-secret-value"), ACCEPT];
    assert!(Call::get(THINGS, &bearer).names(&c).is_empty());
    // Every value of the alternative must be known.
    let url = format!("{THINGS}?key=other-secret-x");
    assert_eq!(Call::get(&url, &both).names(&c), ["request.auth"]);
}

#[test]
fn an_operation_without_security_has_no_auth_check() {
    let c = contract("{bearer: []}", &[SECRET]);
    let url = "https://api.example.test/v1/sized";
    let body = r#"[{"id":1}]"#;
    let call = Call::get(url, &[ACCEPT]).answered(200, body);
    assert!(call.names(&c).is_empty());
    let request = headers(&[ACCEPT]);
    let ex = Exchange {
        method: "GET",
        url,
        request_headers: &request,
        credentials: None,
        status: 200,
        response_headers: &headers(JSON),
        mime_type: "application/json",
        body: Some(body.as_bytes()),
    };
    let checks: Vec<Check> = c.check(&ex).results.iter().map(|r| r.check).collect();
    assert!(!checks.contains(&Check::RequestAuth), "{checks:?}");
    assert!(checks.contains(&Check::RequestAccept), "{checks:?}");
}

#[test]
fn the_accept_header_must_list_the_media_type_without_refusing_it() {
    let c = contract("{bearer: []}", &[SECRET]);
    let auth = ("Authorization", "Bearer right-secret-value");
    for accept in [
        "application/vnd.t+json",
        "text/html, Application/Vnd.T+JSON;q=0.5",
        "application/vnd.t+json; q=1",
    ] {
        let call = [auth, ("Accept", accept)];
        assert!(Call::get(THINGS, &call).names(&c).is_empty(), "{accept}");
    }
    // Two Accept headers are one list.
    let call = [
        auth,
        ("Accept", "text/html"),
        ("Accept", "application/vnd.t+json"),
    ];
    assert!(Call::get(THINGS, &call).names(&c).is_empty());
    for accept in [
        "application/json",
        "application/vnd.t+json;q=0",
        "application/vnd.t+json; q=0.0",
        "application/vnd.t+jsonx",
    ] {
        let call = [auth, ("Accept", accept)];
        let failing = Call::get(THINGS, &call).failing(&c);
        assert_eq!(failing.len(), 1, "{accept}: {failing:?}");
        assert_eq!(failing[0].0, "request.accept", "{accept}");
        assert!(failing[0].1[0].contains("does not list"), "{failing:?}");
        let refused = Call::get(THINGS, &call).answered(406, REFUSED);
        assert!(refused.names(&c).is_empty(), "{accept}");
    }
    let failing = Call::get(THINGS, &[auth]).failing(&c);
    assert!(failing[0].1[0].contains("no Accept header"), "{failing:?}");
    // A good Accept refused with 406 fails.
    let refused = Call::get(THINGS, &[auth, ACCEPT]).answered(406, REFUSED);
    let failing = refused.failing(&c);
    assert_eq!(failing[0].0, "request.accept");
    assert!(
        failing[0].1[0].contains("lists the required media type, yet the answer is 406"),
        "{failing:?}"
    );
}

#[test]
fn the_status_precedence_picks_which_refusal_is_owed() {
    let c = contract("{bearer: []}", &[SECRET]);
    // No credentials and no Accept: 401 comes first.
    let url = format!("{THINGS}?limit=0");
    let call = Call::get(&url, &[]).answered(406, REFUSED);
    let failing = call.failing(&c);
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0].0, "request.auth");
    assert!(
        failing[0].1[0]
            .contains("expected 401 (the document's status precedence puts it first), got 406"),
        "{failing:?}"
    );
    assert!(
        Call::get(&url, &[])
            .answered(401, REFUSED)
            .names(&c)
            .is_empty()
    );
    // Answered 200: the message says it must be rejected.
    let failing = Call::get(&url, &[]).failing(&c);
    assert!(
        failing[0].1[0].contains("yet it was answered 200: the API must reject it with 401"),
        "{failing:?}"
    );
    // A rate limit is never the wrong refusal.
    assert!(
        Call::get(&url, &[])
            .answered(429, REFUSED)
            .names(&c)
            .is_empty()
    );
}

#[test]
fn query_parameters_are_typed_bounded_required_and_single() {
    let c = contract("{bearer: []}", &[SECRET]);
    let good = [("Authorization", "Bearer right-secret-value"), ACCEPT];
    let search = "https://api.example.test/v1/search";
    let ok = r#"[{"id":1}]"#;
    let pass = |url: &str| Call::get(url, &good).answered(200, ok).names(&c);
    assert!(pass(&format!("{search}?q=x")).is_empty());
    assert!(pass(&format!("{search}?q=x&exact=true&score=1.5")).is_empty());
    assert!(pass(&format!("{search}?q=x&exact=false&score=0")).is_empty());
    for (query, says) in [
        ("", "q is required but missing"),
        ("?q=x&exact=yes", "exact is \"yes\": not true or false"),
        ("?q=x&exact=1", "not true or false"),
        ("?q=x&score=abc", "score is \"abc\": not a number"),
        ("?q=x&score=-1", "score is \"-1\""),
        ("?q=x&q=y", "q is given 2 times"),
    ] {
        let url = format!("{search}{query}");
        let failing = Call::get(&url, &good).answered(200, ok).failing(&c);
        assert_eq!(failing.len(), 1, "{query}: {failing:?}");
        assert_eq!(failing[0].0, "request.parameters", "{query}");
        assert!(failing[0].1[0].contains(says), "{query}: {failing:?}");
        let refused = Call::get(&url, &good).answered(400, REFUSED);
        assert!(refused.names(&c).is_empty(), "{query}");
    }
    for query in ["?limit=0", "?limit=11", "?limit=x", "?offset=-1"] {
        let url = format!("{THINGS}{query}");
        let refused = Call::get(&url, &good).answered(400, REFUSED);
        assert!(refused.names(&c).is_empty(), "{query}");
    }
    // Valid parameters refused with 400 fail.
    let url = format!("{THINGS}?limit=5");
    let failing = Call::get(&url, &good).answered(400, REFUSED).failing(&c);
    assert_eq!(failing[0].0, "request.parameters");
    assert!(
        failing[0].1[0].contains("every query parameter is valid, yet the answer is 400"),
        "{failing:?}"
    );
}
