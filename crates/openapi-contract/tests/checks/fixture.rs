//! The small document the checks run on, and a way to call it; the names
//! every test file uses come through here.

pub(crate) use std::path::Path;

pub(crate) use openapi_contract::har::Header;
pub(crate) use openapi_contract::{
    Check, Checked, Contract, Credentials, Exchange, Options, Outcome,
};

/// A document with one paged list (`GET /things`) and one search
/// (`GET /search`, a required string and a boolean), guarded by `security`.
pub(crate) fn document(security: &str) -> String {
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

pub(crate) const SECRET: &str = "right-secret-value";

pub(crate) fn contract(security: &str, valid: &[&str]) -> Contract {
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

pub(crate) fn headers(list: &[(&str, &str)]) -> Vec<Header> {
    list.iter()
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect()
}

pub(crate) const ACCEPT: (&str, &str) = ("Accept", "application/vnd.t+json");
pub(crate) const JSON: &[(&str, &str)] = &[("Content-Type", "application/json")];
pub(crate) const PAGE: &str = r#"{"things":[{"id":1}],"total":1,"limit":5,"offset":0}"#;
pub(crate) const REFUSED: &str = r#"{"error":"no"}"#;

/// One exchange's failing (or warning) checks, by name.
pub(crate) struct Call<'a> {
    method: &'a str,
    url: &'a str,
    request: Vec<(&'a str, &'a str)>,
    credentials: Option<Credentials>,
    status: u16,
    body: &'a str,
}

impl<'a> Call<'a> {
    pub(crate) fn get(url: &'a str, request: &[(&'a str, &'a str)]) -> Self {
        Call {
            method: "GET",
            url,
            request: request.to_vec(),
            credentials: None,
            status: 200,
            body: PAGE,
        }
    }

    pub(crate) fn answered(mut self, status: u16, body: &'a str) -> Self {
        self.status = status;
        self.body = body;
        self
    }

    pub(crate) fn known(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The same call with another method (`QUERY`, `COPY`).
    pub(crate) fn by(mut self, method: &'a str) -> Self {
        self.method = method;
        self
    }

    /// What the contract says of the exchange.
    pub(crate) fn checked(&self, c: &Contract) -> Checked {
        let request = headers(&self.request);
        let response = headers(JSON);
        let ex = Exchange {
            method: self.method,
            url: self.url,
            request_headers: &request,
            credentials: self.credentials,
            status: self.status,
            response_headers: &response,
            mime_type: "application/json",
            body: Some(self.body.as_bytes()),
        };
        c.check(&ex)
    }

    /// The checks that did not pass, with their findings' messages.
    pub(crate) fn failing(&self, c: &Contract) -> Vec<(&'static str, Vec<String>)> {
        self.checked(c)
            .results
            .into_iter()
            .filter(|r| r.outcome != Outcome::Pass)
            .map(|r| {
                let messages = r.findings.iter().map(|f| f.message.clone()).collect();
                (r.check.name(), messages)
            })
            .collect()
    }

    pub(crate) fn names(&self, c: &Contract) -> Vec<&'static str> {
        self.failing(c).into_iter().map(|(n, _)| n).collect()
    }
}

pub(crate) const THINGS: &str = "https://api.example.test/v1/things";
