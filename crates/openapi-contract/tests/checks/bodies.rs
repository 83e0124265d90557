//! Statuses without documented refusals, links, and response bodies with unions.

use super::fixture::*;

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
