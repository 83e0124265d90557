//! Which coverage points one exchange shows: exactly the ones its body,
//! status and page show, no more (a point marked too eagerly would make a
//! run look more proven than it is).

use std::collections::BTreeSet;

use openapi_contract::coverage::Tally;
use openapi_contract::{Contract, Exchange, ExchangeReport, Options};

const DOC: &str = r##"openapi: 3.0.3
info: {title: coverage, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      x-pagination: {style: offset-limit, itemsField: pets}
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10, default: 2}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [pets, total, limit, offset]
                properties:
                  pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
                  total: {type: integer}
                  limit: {type: integer}
                  offset: {type: integer}
        '404': {description: none}
components:
  schemas:
    Pet:
      type: object
      required: [kind, note, born]
      properties:
        kind: {type: string, enum: [cat, dog]}
        note: {type: string, nullable: true}
        nick: {type: string}
        born: {type: string, format: date-time}
        toy:
          oneOf: [{$ref: '#/components/schemas/Ball'}, {$ref: '#/components/schemas/Rope'}]
          discriminator: {propertyName: type, mapping: {ball: '#/components/schemas/Ball', rope: '#/components/schemas/Rope'}}
    Ball:
      type: object
      required: [type]
      properties: {type: {type: string}}
    Rope:
      type: object
      required: [type]
      properties: {type: {type: string}, length: {type: integer}}
"##;

fn contract() -> Contract {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coverage.yaml");
    std::fs::write(&file, DOC).unwrap();
    let doc = openapi_spec::load(&file, &Default::default()).unwrap();
    Contract::new(doc, Options::default()).unwrap()
}

/// The ids of the points one answer shows.
fn shown(c: &Contract, url: &str, status: u16, body: &str) -> BTreeSet<String> {
    let headers = [har::Header::new("content-type", "application/json")];
    let ex = Exchange {
        method: "GET",
        url,
        request_headers: &[],
        credentials: None,
        status,
        response_headers: &headers,
        mime_type: "application/json",
        body: Some(body.as_bytes()),
    };
    let checked = c.check(&ex);
    let mut report = ExchangeReport {
        index: 0,
        line: 0,
        method: "GET".into(),
        target: url.into(),
        operation: checked.operation,
        status: Some(status),
        note: None,
        checks: checked.results,
        points: checked.points,
    };
    let mut tally = Tally::default();
    tally.add(c, &mut report, "test");
    let coverage = openapi_contract::coverage::Coverage::of(c, &tally);
    coverage
        .points
        .iter()
        .filter(|p| p.covered)
        .map(|p| p.point.id.clone())
        .collect()
}

const PET: &str = "#/components/schemas/Pet/properties";

#[test]
fn an_answer_covers_exactly_what_its_body_and_page_show() {
    let c = contract();
    let body = r#"{"pets":[{"kind":"cat","note":null,"born":"2020-01-01T00:00:00Z","toy":{"type":"rope","length":2}}],"total":3,"limit":2,"offset":0}"#;
    let got = shown(&c, "https://api.example.com/pets", 200, body);
    let want: BTreeSet<String> = [
        "#/paths/~1pets/get/responses/200".to_string(),
        format!("{PET}/kind/enum/0"),
        format!("{PET}/note@null"),
        format!("{PET}/born@value"),
        format!("{PET}/nick@absent"),
        format!("{PET}/toy@present"),
        format!("{PET}/toy/oneOf/1"),
        "#/components/schemas/Rope/properties/length@present".into(),
        "#/paths/~1pets/get/x-pagination@first-page".into(),
        "#/paths/~1pets/get/x-pagination@default-size".into(),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn the_other_states_are_other_points() {
    let c = contract();
    let body = r#"{"pets":[{"kind":"dog","note":"x","nick":"Rex","born":"2020-01-01T00:00:00Z","toy":{"type":"ball"}}],"total":3,"limit":1,"offset":1}"#;
    let got = shown(
        &c,
        "https://api.example.com/pets?limit=1&offset=1",
        200,
        body,
    );
    for id in [
        format!("{PET}/kind/enum/1"),
        format!("{PET}/note@value"),
        format!("{PET}/nick@present"),
        format!("{PET}/toy@present"),
        format!("{PET}/toy/oneOf/0"),
        "#/paths/~1pets/get/x-pagination@middle-page".into(),
        "#/paths/~1pets/get/x-pagination@smallest-size".into(),
    ] {
        assert!(got.contains(&id), "{id} not in {got:#?}");
    }
    for id in [
        "@first-page",
        "@last-page",
        "@default-size",
        "/enum/0",
        "@null",
    ] {
        assert!(!got.iter().any(|g| g.ends_with(id)), "{id} in {got:#?}");
    }
    let last = r#"{"pets":[{"kind":"dog","note":null,"born":"2020-01-01T00:00:00Z"}],"total":3,"limit":10,"offset":2}"#;
    let got = shown(
        &c,
        "https://api.example.com/pets?limit=10&offset=2",
        200,
        last,
    );
    assert!(
        got.contains("#/paths/~1pets/get/x-pagination@last-page"),
        "{got:#?}"
    );
    assert!(
        got.contains("#/paths/~1pets/get/x-pagination@largest-size"),
        "{got:#?}"
    );
    assert!(!got.iter().any(|g| g.ends_with("@middle-page")));
    let past = r#"{"pets":[],"total":3,"limit":2,"offset":5}"#;
    let got = shown(&c, "https://api.example.com/pets?offset=5", 200, past);
    assert!(
        got.contains("#/paths/~1pets/get/x-pagination@past-the-end"),
        "{got:#?}"
    );
    assert!(
        !got.iter()
            .any(|g| g.ends_with("@last-page") || g.ends_with("@first-page"))
    );
}

#[test]
fn an_undocumented_status_is_listed_apart_and_a_documented_one_is_a_point() {
    let c = contract();
    assert!(
        shown(&c, "https://api.example.com/pets", 404, "")
            .contains("#/paths/~1pets/get/responses/404")
    );
    let headers = [har::Header::new("content-type", "application/json")];
    let ex = Exchange {
        method: "GET",
        url: "https://api.example.com/pets",
        request_headers: &[],
        credentials: None,
        status: 418,
        response_headers: &headers,
        mime_type: "application/json",
        body: None,
    };
    let checked = c.check(&ex);
    let mut report = ExchangeReport {
        index: 0,
        line: 0,
        method: "GET".into(),
        target: "/pets".into(),
        operation: checked.operation,
        status: Some(418),
        note: None,
        checks: checked.results,
        points: checked.points,
    };
    let mut tally = Tally::default();
    tally.add(&c, &mut report, "t");
    let coverage = openapi_contract::coverage::Coverage::of(&c, &tally);
    assert_eq!(coverage.covered, 0);
    assert_eq!(coverage.undocumented.len(), 1);
    assert_eq!(
        coverage.undocumented[0].id,
        "#/paths/~1pets/get/responses/418@undocumented"
    );
    let judged = |name: &str| {
        coverage
            .checks
            .iter()
            .find(|k| k.check == name)
            .unwrap()
            .judged
    };
    assert_eq!(judged("status"), 1);
    assert_eq!(judged("body.schema"), 0);
}
