//! OpenAPI 3.2's `query` method and `additionalOperations`: an exchange
//! with either method is matched to its operation and judged like any other.

use super::fixture::*;

const DOC: &str = r#"openapi: 3.2.0
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.test/v1'}]
paths:
  /things:
    query:
      operationId: searchThings
      responses:
        '200':
          description: the matches
          content:
            application/json:
              schema: {type: array, items: {type: object, required: [id], properties: {id: {type: integer}}}}
    additionalOperations:
      COPY:
        operationId: copyThings
        responses:
          '204': {description: copied}
"#;

fn contract() -> Contract {
    let doc = openapi_spec::load_str(DOC, Path::new("t.yaml"), false, &Default::default())
        .expect("the 3.2 document loads");
    Contract::new(doc, Options::default()).expect("it compiles")
}

/// The operation an exchange with `method` was matched to, and the
/// checks that failed.
fn judged(
    c: &Contract,
    method: &str,
    status: u16,
    body: &str,
) -> (Option<String>, Vec<&'static str>) {
    let call = Call::get(THINGS, &[]).by(method).answered(status, body);
    let checked = call.checked(c);
    let failing = checked
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| r.check.name())
        .collect();
    (checked.operation, failing)
}

#[test]
fn a_query_request_is_judged_by_its_operation() {
    let c = contract();
    let (op, failing) = judged(&c, "QUERY", 200, r#"[{"id": 1}]"#);
    assert_eq!(op.as_deref(), Some("searchThings"));
    assert!(failing.is_empty(), "{failing:?}");
    let (_, failing) = judged(&c, "QUERY", 200, r#"[{"id": "one"}]"#);
    assert_eq!(failing, ["body.schema"]);
}

#[test]
fn an_additional_operation_is_judged_by_its_operation() {
    let c = contract();
    let (op, failing) = judged(&c, "COPY", 204, "");
    assert_eq!(op.as_deref(), Some("copyThings"));
    assert!(failing.is_empty(), "{failing:?}");
    let (_, failing) = judged(&c, "COPY", 200, "{}");
    assert_eq!(failing, ["status"]);
}
