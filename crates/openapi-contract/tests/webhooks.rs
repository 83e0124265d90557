//! The webhook checks on a small document of their own (no SignalZen in
//! it): every rule of `x-webhook-signature`, `x-webhook-challenge` and
//! `x-webhook-resource`, each failing on a delivery that breaks it and
//! passing on one that keeps it.

use std::path::Path;

use base64::Engine as _;
use openapi_contract::har::Header;
use openapi_contract::{Check, Contract, Deliveries, Delivery, Options, Outcome};
use serde_json::json;

const SECRET: &str = "test-secret-for-webhooks";

fn document(encoding: &str, algorithm: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: hooks, version: '1'}}
servers: [{{url: 'https://api.example.test/v2'}}]
x-contract:
  signedUrlProperties: [link]
paths:
  /orders/{{id}}:
    get:
      operationId: getOrder
      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
      responses:
        '200':
          description: an order
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Order'}}
components:
  schemas:
    Order:
      type: object
      required: [id, state, note, link]
      properties:
        id: {{type: integer}}
        state: {{type: string, enum: [open, shipped]}}
        note: {{type: string, nullable: true}}
        link: {{type: string}}
x-webhooks:
  ping:
    post:
      operationId: ping
      x-webhook-signature: {{header: X-Hook-Mac, encoding: {encoding}, algorithm: {algorithm}, secret: key}}
      x-webhook-challenge: {{echo: token}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [token]
              additionalProperties: false
              properties: {{token: {{type: string}}}}
      responses: {{'200': {{description: ok}}}}
  orderShipped:
    post:
      operationId: orderShipped
      x-webhook-signature: {{header: X-Hook-Mac, encoding: {encoding}, algorithm: {algorithm}, secret: key}}
      x-webhook-resource: {{operation: getOrder, data: /order, parameters: {{id: /order/id}}}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [order]
              properties: {{order: {{$ref: '#/components/schemas/Order'}}}}
      responses: {{'200': {{description: ok}}}}
"#
    )
}

fn contract_with(text: &str, secrets: &[&str]) -> Contract {
    let doc = openapi_spec::load_str(
        text,
        Path::new("hooks.yaml"),
        false,
        &openapi_spec::LoadOptions::default(),
    )
    .unwrap();
    let options = Options {
        valid_secrets: secrets.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    };
    Contract::new(doc, options).unwrap()
}

fn contract() -> Contract {
    contract_with(&document("hex", "hmac-sha256"), &[SECRET])
}

fn mac(key: &str, body: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    ring::hmac::sign(&key, body).as_ref().to_vec()
}

fn signed(body: &[u8]) -> Vec<Header> {
    vec![
        Header::new("Content-Type", "application/json"),
        Header::new(
            "X-Hook-Mac",
            data_encoding::HEXLOWER.encode(&mac(SECRET, body)),
        ),
    ]
}

const PING: &[u8] = br#"{"token":"abc"}"#;
const SHIPPED: &[u8] =
    br#"{"order":{"id":4,"state":"shipped","note":null,"link":"https://x.test/a?sig=1"}}"#;

/// Checks deliveries in order; each one's (check, outcome) pairs.
fn run(contract: &Contract, deliveries: &[Delivery<'_>]) -> Vec<Vec<(Check, Outcome)>> {
    let mut seen = Deliveries::default();
    deliveries
        .iter()
        .map(|d| {
            let checked = contract.check_delivery(&mut seen, d);
            checked
                .results
                .iter()
                .map(|r| (r.check, r.outcome))
                .collect()
        })
        .collect()
}

fn outcome(results: &[(Check, Outcome)], check: Check) -> Option<Outcome> {
    results.iter().find(|(c, _)| *c == check).map(|(_, o)| *o)
}

fn delivery<'a>(headers: &'a [Header], body: &'a [u8]) -> Delivery<'a> {
    Delivery {
        method: "POST",
        headers,
        body,
        answer: None,
    }
}

#[test]
fn a_clean_sequence_passes_every_check() {
    let c = contract();
    let (ping_h, shipped_h) = (signed(PING), signed(SHIPPED));
    let mut ping = delivery(&ping_h, PING);
    ping.answer = Some((200, b"abc"));
    let results = run(&c, &[ping, delivery(&shipped_h, SHIPPED)]);
    for r in &results {
        assert!(r.iter().all(|(_, o)| *o == Outcome::Pass), "{r:?}");
    }
    assert_eq!(
        outcome(&results[0], Check::WebhookChallenge),
        Some(Outcome::Pass)
    );
    assert_eq!(
        outcome(&results[1], Check::WebhookSchema),
        Some(Outcome::Pass)
    );
    assert_eq!(
        outcome(&results[1], Check::WebhookSignature),
        Some(Outcome::Pass)
    );
}

#[test]
fn the_signature_must_be_present_well_formed_and_over_the_exact_bytes() {
    let c = contract();
    let cases: Vec<(Vec<Header>, &[u8], &str)> = vec![
        (
            vec![Header::new("Content-Type", "application/json")],
            SHIPPED,
            "no X-Hook-Mac header",
        ),
        (
            vec![Header::new(
                "X-Hook-Mac",
                data_encoding::HEXLOWER
                    .encode(&mac(SECRET, SHIPPED))
                    .to_uppercase(),
            )],
            SHIPPED,
            "not lowercase hex",
        ),
        (vec![Header::new("X-Hook-Mac", "abcd")], SHIPPED, "2 bytes"),
        (
            vec![Header::new(
                "X-Hook-Mac",
                data_encoding::HEXLOWER.encode(&mac("another key", SHIPPED)),
            )],
            SHIPPED,
            "not the HMAC-SHA256",
        ),
    ];
    for (headers, body, words) in &cases {
        let mut seen = Deliveries::default();
        let checked = c.check_delivery(&mut seen, &delivery(headers, body));
        let r = checked
            .results
            .iter()
            .find(|r| r.check == Check::WebhookSignature)
            .unwrap();
        assert_eq!(r.outcome, Outcome::Fail, "{words}");
        assert!(
            r.findings[0].message.contains(words),
            "{words}: {:?}",
            r.findings
        );
    }
    // Signed compact, sent indented: the message says what went wrong.
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(SHIPPED).unwrap())
            .unwrap();
    let headers = vec![Header::new(
        "X-Hook-Mac",
        data_encoding::HEXLOWER.encode(&mac(SECRET, SHIPPED)),
    )];
    let mut seen = Deliveries::default();
    let checked = c.check_delivery(&mut seen, &delivery(&headers, &pretty));
    let r = checked
        .results
        .iter()
        .find(|r| r.check == Check::WebhookSignature)
        .unwrap();
    assert_eq!(r.outcome, Outcome::Fail);
    assert!(
        r.findings[0].message.contains("re-serialised"),
        "{:?}",
        r.findings
    );
}

#[test]
fn base64_signatures_and_several_secrets() {
    let c = contract_with(&document("base64", "hmac-sha256"), &["first", SECRET]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(mac(SECRET, SHIPPED));
    let headers = vec![Header::new("X-Hook-Mac", encoded)];
    let results = run(&c, &[delivery(&headers, SHIPPED)]);
    assert_eq!(
        outcome(&results[0], Check::WebhookSignature),
        Some(Outcome::Pass)
    );
    let headers = vec![Header::new("X-Hook-Mac", "!!not base64")];
    let results = run(&c, &[delivery(&headers, SHIPPED)]);
    assert_eq!(
        outcome(&results[0], Check::WebhookSignature),
        Some(Outcome::Fail)
    );
}

#[test]
fn what_the_tool_cannot_verify_is_a_note_not_a_failure() {
    // No secret given: the form is checked, the MAC is not.
    let c = contract_with(&document("hex", "hmac-sha256"), &[]);
    let headers = vec![Header::new(
        "X-Hook-Mac",
        data_encoding::HEXLOWER.encode(&mac("any", SHIPPED)),
    )];
    let mut seen = Deliveries::default();
    let checked = c.check_delivery(&mut seen, &delivery(&headers, SHIPPED));
    assert!(checked.note.unwrap().contains("no API secret"));
    let signature = |r: &[openapi_contract::CheckResult]| {
        r.iter()
            .find(|r| r.check == Check::WebhookSignature)
            .map(|r| r.outcome)
    };
    assert_eq!(signature(&checked.results), Some(Outcome::Pass));
    // An algorithm this tool does not compute.
    let c = contract_with(&document("hex", "ed25519"), &[SECRET]);
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&headers, SHIPPED));
    assert!(checked.note.unwrap().contains("ed25519"));
    assert_eq!(signature(&checked.results), Some(Outcome::Pass));
}

#[test]
fn the_url_check_comes_first_fits_its_schema_and_is_answered_with_its_text() {
    let c = contract();
    let (ping_h, shipped_h) = (signed(PING), signed(SHIPPED));
    // An event first: the challenge check fails on it, once.
    let results = run(
        &c,
        &[delivery(&shipped_h, SHIPPED), delivery(&shipped_h, SHIPPED)],
    );
    assert_eq!(
        outcome(&results[0], Check::WebhookChallenge),
        Some(Outcome::Fail)
    );
    assert_eq!(outcome(&results[1], Check::WebhookChallenge), None);
    // Answered with other text, or another status.
    for answer in [(200, &b"abd"[..]), (204, &b"abc"[..])] {
        let mut ping = delivery(&ping_h, PING);
        ping.answer = Some(answer);
        let results = run(&c, &[ping]);
        assert_eq!(
            outcome(&results[0], Check::WebhookChallenge),
            Some(Outcome::Fail),
            "{answer:?}"
        );
    }
    // A URL check with a field its schema does not allow.
    let odd = br#"{"token":"abc","extra":1}"#;
    let odd_h = signed(odd);
    let results = run(&c, &[delivery(&odd_h, odd)]);
    assert_eq!(
        outcome(&results[0], Check::WebhookChallenge),
        Some(Outcome::Fail)
    );
}

#[test]
fn method_content_type_schema_and_repeats() {
    let c = contract();
    let h = signed(SHIPPED);
    let mut put = delivery(&h, SHIPPED);
    put.method = "PUT";
    let text = vec![Header::new("Content-Type", "text/plain"), h[1].clone()];
    let bad = br#"{"order":{"id":4,"state":"lost","note":null,"link":"x"}}"#;
    let bad_h = signed(bad);
    let results = run(
        &c,
        &[
            put,
            delivery(&text, SHIPPED),
            delivery(&bad_h, bad),
            delivery(&bad_h, bad),
        ],
    );
    assert_eq!(
        outcome(&results[0], Check::WebhookMethod),
        Some(Outcome::Fail)
    );
    assert_eq!(
        outcome(&results[1], Check::WebhookContentType),
        Some(Outcome::Fail)
    );
    assert_eq!(
        outcome(&results[1], Check::WebhookDuplicate),
        Some(Outcome::Warn)
    );
    assert_eq!(
        outcome(&results[2], Check::WebhookSchema),
        Some(Outcome::Fail)
    );
    assert_eq!(
        outcome(&results[2], Check::WebhookDuplicate),
        Some(Outcome::Pass)
    );
    assert_eq!(
        outcome(&results[3], Check::WebhookDuplicate),
        Some(Outcome::Warn)
    );
    // Not JSON at all: the event's schema check says so.
    let results = run(&c, &[delivery(&h, b"{not json")]);
    assert_eq!(
        outcome(&results[0], Check::WebhookSchema),
        Some(Outcome::Fail)
    );
}

#[test]
fn the_carried_resource_is_named_and_compared_field_by_field() {
    let c = contract();
    let h = signed(SHIPPED);
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&h, SHIPPED));
    let resource = checked.resource.unwrap();
    assert_eq!(resource.operation, "getOrder");
    assert_eq!(
        resource.arguments,
        vec![("id".to_string(), "4".to_string())]
    );
    // Same order; the link's query differs (signed links change), the
    // delivery's null is not compared.
    let answer =
        json!({"id": 4, "state": "shipped", "note": "fragile", "link": "https://x.test/a?sig=2"});
    assert!(c.compare_resource(&resource.data, &answer).is_empty());
    let answer = json!({"id": 4, "state": "open", "note": null, "link": "https://x.test/b?sig=2"});
    let findings = c.compare_resource(&resource.data, &answer);
    let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(pointers, ["/state", "/link"], "{findings:?}");
}

#[test]
fn a_body_that_fits_nothing_is_judged_as_the_event_not_the_url_check() {
    let c = contract();
    let body = br#"{"order": 5}"#;
    let h = signed(body);
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&h, body));
    assert_eq!(checked.webhook.as_deref(), Some("orderShipped"));
    assert!(!checked.url_check);
    let schema = checked
        .results
        .iter()
        .find(|r| r.check == Check::WebhookSchema)
        .unwrap();
    assert_eq!(schema.outcome, Outcome::Fail);
}

#[test]
fn without_a_url_check_in_the_document_events_need_none() {
    let text =
        document("hex", "hmac-sha256").replace("      x-webhook-challenge: {echo: token}\n", "");
    let c = contract_with(&text, &[SECRET]);
    let h = signed(SHIPPED);
    let results = run(&c, &[delivery(&h, SHIPPED)]);
    assert_eq!(
        outcome(&results[0], Check::WebhookChallenge),
        None,
        "{results:?}"
    );
}

#[test]
fn a_wrong_key_over_an_indented_body_is_not_called_re_serialised() {
    let c = contract();
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(SHIPPED).unwrap())
            .unwrap();
    let headers = vec![Header::new(
        "X-Hook-Mac",
        data_encoding::HEXLOWER.encode(&mac("another key", SHIPPED)),
    )];
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&headers, &pretty));
    let r = checked
        .results
        .iter()
        .find(|r| r.check == Check::WebhookSignature)
        .unwrap();
    assert!(
        r.findings[0].message.contains("is not the HMAC-SHA256"),
        "{:?}",
        r.findings
    );
}

#[test]
fn arrays_are_compared_element_by_element_when_their_lengths_agree() {
    let c = contract();
    let delivered = json!({"tags": ["a", "b"], "ids": [1, 2, 3]});
    let answer = json!({"tags": ["a", "c"], "ids": [1, 2]});
    let findings = c.compare_resource(&delivered, &answer);
    let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(pointers, ["/tags/1", "/ids"], "{findings:?}");
}

#[test]
fn with_no_event_webhook_the_url_check_is_the_match_and_with_none_it_is_bad_input() {
    let text = document("hex", "hmac-sha256");
    let only_ping = &text[..text.find("  orderShipped:").unwrap()];
    let c = contract_with(only_ping, &[SECRET]);
    let body = br#"{"x": 1}"#;
    let h = signed(body);
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&h, body));
    assert_eq!(checked.webhook.as_deref(), Some("ping"));
    assert!(checked.url_check);
    let none = &text[..text.find("x-webhooks:").unwrap()];
    let c = contract_with(none, &[SECRET]);
    let checked = c.check_delivery(&mut Deliveries::default(), &delivery(&h, body));
    assert_eq!(checked.webhook, None);
    assert_eq!(checked.results[0].check, Check::Input);
    assert_eq!(checked.results[0].outcome, Outcome::Error);
}
