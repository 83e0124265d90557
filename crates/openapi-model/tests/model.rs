//! The model read from small documents: the rules each field of it follows,
//! one test per rule that would otherwise go unchecked.

use std::path::Path;

use openapi_model::{Credential, Model, Pagination, Scheme, StatusKey};

fn model(text: &str) -> Model {
    let doc = openapi_spec::load_str(text, Path::new("t.yaml"), false, &Default::default())
        .expect("the test document loads");
    Model::build(&doc, None).expect("the model builds")
}

const DOC: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'urn:example:api'}]
x-contract:
  signedUrlProperties: [file_url, 5, avatar_url]
paths:
  /things:
    get:
      operationId: listThings
      x-pagination: {style: offset-limit, order: [created_at, 7, id]}
      responses:
        '404': {description: exact}
        '4XX': {description: range}
        default: {description: anything}
"#;

#[test]
fn an_exact_status_wins_over_a_range_written_after_it_and_a_range_over_default() {
    let m = model(DOC);
    let op = m.operation("listThings").unwrap();
    let key = |status| op.response(status).map(|r| r.status);
    assert_eq!(key(404), Some(StatusKey::Code(404)));
    assert_eq!(key(418), Some(StatusKey::Range(4)));
    assert_eq!(key(503), Some(StatusKey::Default));
}

#[test]
fn string_lists_keep_their_strings_and_skip_the_rest() {
    let m = model(DOC);
    assert_eq!(m.rules.signed_url_properties, ["file_url", "avatar_url"]);
    let op = m.operation("listThings").unwrap();
    let Some(Pagination::OffsetLimit(o)) = &op.pagination else {
        panic!("offset-limit paging");
    };
    assert_eq!(o.order, ["created_at", "id"]);
}

#[test]
fn a_server_url_without_a_host_is_its_own_base_path() {
    assert_eq!(model(DOC).base_path, "urn:example:api");
    let hosted = DOC.replace("urn:example:api", "https://api.example.test/v1/");
    assert_eq!(model(&hosted).base_path, "/v1");
}

#[test]
fn basic_credentials_go_in_the_authorization_header() {
    let basic = Scheme::Http("basic".into()).credential();
    assert_eq!(
        basic,
        Some(Credential::Header {
            name: "Authorization".into(),
            prefix: "Basic "
        })
    );
    assert_eq!(Scheme::Http("digest".into()).credential(), None);
}

#[test]
fn a_status_range_has_one_digit() {
    assert_eq!(StatusKey::parse("4XX"), Some(StatusKey::Range(4)));
    assert_eq!(StatusKey::parse("4xx"), Some(StatusKey::Range(4)));
    assert_eq!(StatusKey::parse("05XX"), None);
    assert_eq!(StatusKey::parse("6XX"), None);
}
