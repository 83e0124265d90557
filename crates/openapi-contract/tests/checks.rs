//! The request and paging checks one exchange at a time, on small
//! documents written for the rule under test: every credential placement
//! OpenAPI allows, the Accept rule, required and typed parameters, and the
//! page rules. Each test names the rule it pins and fails without it.

use std::path::Path;

use openapi_contract::har::Header;
use openapi_contract::{Check, Contract, Credentials, Exchange, Options, Outcome};

/// A document with one paged list (`GET /things`) and one search
/// (`GET /search`, a required string and a boolean), guarded by `security`.
fn document(security: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: t, version: '1'}}
servers: [{{url: 'https://api.example.test/v1'}}]
x-contract:
  acceptMediaType: application/vnd.t+json
  notAcceptableStatus: 406
  unauthorizedStatus: 401
  badRequestStatus: 400
  statusPrecedence: [401, 406, 400]
  rateLimited: {{status: 429}}
security: [{security}]
components:
  securitySchemes:
    bearer: {{type: http, scheme: bearer}}
    basic: {{type: http, scheme: basic}}
    keyHeader: {{type: apiKey, in: header, name: X-Key}}
    keyQuery: {{type: apiKey, in: query, name: key}}
    keyCookie: {{type: apiKey, in: cookie, name: session}}
  schemas:
    Error:
      type: object
      required: [error]
      properties: {{error: {{type: string}}}}
    Thing:
      type: object
      required: [id]
      properties: {{id: {{type: integer}}}}
  responses:
    Refused:
      description: refused
      content:
        application/json:
          schema: {{$ref: '#/components/schemas/Error'}}
paths:
  /things:
    get:
      operationId: listThings
      x-pagination: {{style: offset-limit, itemsField: things, order: [id]}}
      parameters:
        - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 10, default: 5}}}}
        - {{name: offset, in: query, schema: {{type: integer, minimum: 0, default: 0}}}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  things: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
                  total: {{type: integer}}
                  limit: {{type: integer}}
                  offset: {{type: integer}}
        '400': {{$ref: '#/components/responses/Refused'}}
        '401': {{$ref: '#/components/responses/Refused'}}
        '406': {{$ref: '#/components/responses/Refused'}}
        '429': {{$ref: '#/components/responses/Refused'}}
  /search:
    get:
      operationId: search
      parameters:
        - {{name: q, in: query, required: true, schema: {{type: string}}}}
        - {{name: exact, in: query, schema: {{type: boolean}}}}
        - {{name: score, in: query, schema: {{type: number, minimum: 0}}}}
      responses:
        '200':
          description: results
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
        '400': {{$ref: '#/components/responses/Refused'}}
        '401': {{$ref: '#/components/responses/Refused'}}
        '406': {{$ref: '#/components/responses/Refused'}}
  /sized:
    get:
      operationId: sized
      security: []
      x-pagination: {{style: page-size, sizeParameter: per_page}}
      parameters:
        - {{name: per_page, in: query, schema: {{type: integer, default: 2}}}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
  /wrapped:
    get:
      operationId: wrapped
      security: []
      x-pagination: {{style: page-size, sizeParameter: per_page, itemsField: data}}
      parameters:
        - {{name: per_page, in: query, schema: {{type: integer, default: 2}}}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
  /cursor:
    get:
      operationId: cursor
      security: []
      x-pagination: {{style: cursor}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
"#
    )
}

const SECRET: &str = "right-secret-value";

fn contract(security: &str, valid: &[&str]) -> Contract {
    let text = document(security);
    let doc = openapi_spec::load_str(
        &text,
        Path::new("t.yaml"),
        false,
        &openapi_spec::LoadOptions::default(),
    )
    .expect("the test document loads");
    let options = Options {
        valid_secrets: valid.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    };
    Contract::new(doc, options).expect("the test document compiles")
}

fn headers(list: &[(&str, &str)]) -> Vec<Header> {
    list.iter()
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect()
}

const ACCEPT: (&str, &str) = ("Accept", "application/vnd.t+json");
const JSON: &[(&str, &str)] = &[("Content-Type", "application/json")];
const PAGE: &str = r#"{"things":[{"id":1}],"total":1,"limit":5,"offset":0}"#;
const REFUSED: &str = r#"{"error":"no"}"#;

/// One exchange's failing (or warning) checks, by name.
struct Call<'a> {
    url: &'a str,
    request: Vec<(&'a str, &'a str)>,
    credentials: Option<Credentials>,
    status: u16,
    body: &'a str,
}

impl<'a> Call<'a> {
    fn get(url: &'a str, request: &[(&'a str, &'a str)]) -> Self {
        Call {
            url,
            request: request.to_vec(),
            credentials: None,
            status: 200,
            body: PAGE,
        }
    }

    fn answered(mut self, status: u16, body: &'a str) -> Self {
        self.status = status;
        self.body = body;
        self
    }

    fn known(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The checks that did not pass, with their findings' messages.
    fn failing(&self, c: &Contract) -> Vec<(&'static str, Vec<String>)> {
        let request = headers(&self.request);
        let response = headers(JSON);
        let ex = Exchange {
            method: "GET",
            url: self.url,
            request_headers: &request,
            credentials: self.credentials,
            status: self.status,
            response_headers: &response,
            mime_type: "application/json",
            body: Some(self.body.as_bytes()),
        };
        c.check(&ex)
            .results
            .into_iter()
            .filter(|r| r.outcome != Outcome::Pass)
            .map(|r| {
                let messages = r.findings.iter().map(|f| f.message.clone()).collect();
                (r.check.name(), messages)
            })
            .collect()
    }

    fn names(&self, c: &Contract) -> Vec<&'static str> {
        self.failing(c).into_iter().map(|(n, _)| n).collect()
    }
}

const THINGS: &str = "https://api.example.test/v1/things";

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

#[test]
fn without_documented_statuses_a_refusal_is_any_4xx() {
    // The same document with no x-contract statuses: no precedence to cite.
    let text = document("{bearer: []}")
        .replace("  notAcceptableStatus: 406\n", "")
        .replace("  unauthorizedStatus: 401\n", "")
        .replace("  badRequestStatus: 400\n", "");
    let doc = openapi_spec::load_str(
        &text,
        Path::new("t.yaml"),
        false,
        &openapi_spec::LoadOptions::default(),
    )
    .unwrap();
    let options = Options {
        valid_secrets: vec![SECRET.into()],
        ..Options::default()
    };
    let c = Contract::new(doc, options).unwrap();
    let good = [("Authorization", "Bearer right-secret-value"), ACCEPT];
    // One reason, answered 302: "expected a 4xx status", no precedence.
    let url = format!("{THINGS}?limit=0");
    let failing = Call::get(&url, &good).answered(302, REFUSED).failing(&c);
    let message = &failing
        .iter()
        .find(|(n, _)| *n == "request.parameters")
        .unwrap()
        .1[0];
    assert_eq!(
        message,
        "limit is \"0\": 0 is less than the minimum of 1: expected a 4xx status, got 302"
    );
    // Two reasons: the message says which one the precedence put first.
    let failing = Call::get(&url, &[ACCEPT])
        .answered(302, REFUSED)
        .failing(&c);
    let message = &failing
        .iter()
        .find(|(n, _)| *n == "request.auth")
        .unwrap()
        .1[0];
    assert!(
        message.ends_with(
            "expected a 4xx status (the document's status precedence puts it first), got 302"
        ),
        "{message}"
    );
    // Any 4xx will do (422 is undocumented: only `status` says so).
    assert_eq!(
        Call::get(&url, &good).answered(422, REFUSED).names(&c),
        ["status"]
    );
}

/// A document whose one operation answers a discriminated union with a
/// decided property (`sender`), a link with `x-url-schemes`, and a schema
/// that names itself through a union (a cycle the walk must stop).
const BODIES: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.test/v1'}]
paths:
  /message:
    get:
      operationId: getMessage
      responses:
        '200':
          description: a message
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Message'}
  /tree:
    get:
      operationId: getTree
      responses:
        '200':
          description: a tree
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tree'}
components:
  schemas:
    Message:
      oneOf: [{$ref: '#/components/schemas/UserMessage'}, {$ref: '#/components/schemas/AgentMessage'}]
      discriminator: {propertyName: sender_type, mapping: {user: '#/components/schemas/UserMessage', agent: '#/components/schemas/AgentMessage'}}
    UserMessage:
      type: object
      required: [sender_type, sender, link]
      properties:
        sender_type: {type: string, enum: [user]}
        sender: {$ref: '#/components/schemas/User'}
        link: {type: string, format: uri, x-url-schemes: [https]}
    AgentMessage:
      type: object
      required: [sender_type, sender, link]
      properties:
        sender_type: {type: string, enum: [agent]}
        sender: {$ref: '#/components/schemas/Agent'}
        link: {type: string, format: uri, x-url-schemes: [https]}
    User:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        roles: {type: array, items: {type: object, required: [name], properties: {name: {type: string, nullable: true}}}}
    Agent:
      type: object
      required: [id, desk]
      properties: {id: {type: integer}, desk: {type: string}}
    Tree:
      oneOf: [{$ref: '#/components/schemas/Tree'}, {$ref: '#/components/schemas/Leaf'}]
    Leaf:
      type: object
      properties: {name: {type: string}}
"#;

fn bodies(path: &str, body: &str) -> Vec<(&'static str, Vec<String>)> {
    let doc = openapi_spec::load_str(
        BODIES,
        Path::new("bodies.yaml"),
        false,
        &openapi_spec::LoadOptions::default(),
    )
    .unwrap();
    let c = Contract::new(doc, Options::default()).unwrap();
    let url = format!("https://api.example.test/v1/{path}");
    Call::get(&url, &[]).answered(200, body).failing(&c)
}

#[test]
fn links_outside_their_schemes_fail_except_plain_http_on_loopback() {
    let body =
        |link: &str| format!(r#"{{"sender_type":"user","sender":{{"id":1}},"link":"{link}"}}"#);
    for ok in [
        "https://files.example.test/a",
        "http://127.0.0.1:8080/a",
        "http://localhost/a",
    ] {
        assert!(bodies("message", &body(ok)).is_empty(), "{ok}");
    }
    for bad in ["http://files.example.test/a", "ftp://127.0.0.1/a"] {
        let failing = bodies("message", &body(bad));
        assert_eq!(failing.len(), 1, "{bad}: {failing:?}");
        assert_eq!(failing[0].0, "body.schema", "{bad}");
        assert!(
            failing[0].1[0].starts_with("link must be an absolute https URL"),
            "{failing:?}"
        );
    }
}

#[test]
fn a_decided_property_of_the_wrong_shape_leaves_the_rest_of_the_body_checked() {
    // sender has a key only an agent has: the discriminator's finding; the
    // undocumented key beside it is still reported.
    let body = r#"{"sender_type":"user","sender":{"desk":"x"},"link":"https://a.test/","extra":1}"#;
    let failing = bodies("message", body);
    let names: Vec<&str> = failing.iter().map(|(n, _)| *n).collect();
    assert!(names.contains(&"body.discriminator"), "{failing:?}");
    let undocumented = failing.iter().find(|(n, _)| *n == "body.undocumented");
    let messages = &undocumented.expect("extra is reported").1;
    assert_eq!(messages, &["extra is not described by the document"]);
}

#[test]
fn a_union_that_names_itself_is_walked_to_an_end() {
    // Tree is oneOf [Tree, Leaf]: choosing a branch must stop.
    let failing = bodies("tree", r#"{"name":"a"}"#);
    assert!(
        failing.iter().all(|(n, _)| *n != "body.undocumented"),
        "{failing:?}"
    );
}

#[test]
fn a_decided_property_missing_or_misshapen_is_the_discriminators_in_plain_words() {
    let failing = bodies(
        "message",
        r#"{"sender_type":"user","link":"https://a.test/"}"#,
    );
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0].0, "body.discriminator");
    assert!(failing[0].1[0].contains("sender"), "{failing:?}");
    // Inside the wrong shape, array items are named by index.
    let body = r#"{"sender_type":"user","sender":{"roles":[{"name":5}]},"link":"https://a.test/"}"#;
    let failing = bodies("message", body);
    let messages = &failing
        .iter()
        .find(|(n, _)| *n == "body.discriminator")
        .expect("a finding")
        .1;
    assert!(
        messages.contains(&"sender_type is user but sender has no id".to_string()),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("sender_type is user but sender.roles[0].name: ")),
        "{messages:?}"
    );
}

#[test]
fn a_missing_nullable_key_inside_a_decided_list_is_the_nullable_checks() {
    // roles[0] lacks `name`, which is required but nullable: the nullable
    // check says so; the schema check does not say it twice.
    let body = r#"{"sender_type":"user","sender":{"id":1,"roles":[{}]},"link":"https://a.test/"}"#;
    let failing = bodies("message", body);
    let names: Vec<&str> = failing.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["body.nullable"], "{failing:?}");
}

#[test]
fn a_nullable_key_missing_inside_an_array_of_a_decided_property_is_bodynullables() {
    // roles[0] lacks `name`, required and nullable: body.nullable's finding
    // alone, not also a schema error nor the discriminator's.
    let body = r#"{"sender_type":"user","sender":{"id":1,"roles":[{}]},"link":"https://a.test/"}"#;
    let failing = bodies("message", body);
    let names: Vec<&str> = failing.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["body.nullable"], "{failing:?}");
}
