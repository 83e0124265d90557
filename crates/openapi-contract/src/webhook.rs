//! Webhook deliveries: requests the provider sends to a receiver, checked
//! against the document's `x-webhooks` operations and their `x-webhook-*`
//! extensions. Which webhook a delivery is, its method and media type, its
//! signature over the exact bytes received, the URL check before any event,
//! its body against the request-body schema, and repeats. Whether the
//! carried resource equals the API's answer needs the API: the caller
//! fetches it ([`CheckedDelivery::resource`]) and asks [`Contract::compare_resource`].

use std::collections::HashSet;

use base64::Engine as _;
use openapi_model::{Algorithm, Encoding, Operation, Signature};
use serde_json::Value;

use crate::compiled::BodyCheck;
use crate::report::{Check, CheckResult, Finding, Outcome};
use crate::{Contract, finding, parse_body, result, shorten};

/// One delivery as the receiver saw it.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The request's headers.
    pub headers: &'a [har::Header],
    /// The request body, exactly as received.
    pub body: &'a [u8],
    /// The receiver's answer (status, body), when known.
    pub answer: Option<(u16, &'a [u8])>,
}

/// What the deliveries so far leave for the next: the URL check's place
/// and the events already seen. One per receiver run or recording.
#[derive(Debug, Default)]
pub struct Deliveries {
    challenged: bool,
    missing_challenge_reported: bool,
    seen: HashSet<(usize, String)>,
}

/// The checks run on one delivery.
#[derive(Debug)]
pub struct CheckedDelivery {
    /// The webhook's operationId.
    pub webhook: Option<String>,
    /// The delivery is the URL check (`x-webhook-challenge`), not an event.
    pub url_check: bool,
    /// Every check's verdict.
    pub results: Vec<CheckResult>,
    /// The body as JSON, when it parsed.
    pub body: Option<Value>,
    /// What the run could not judge (no secret to verify with).
    pub note: Option<String>,
    /// The API operation and path parameters that return the carried
    /// resource, with the resource itself, for `webhook.consistency`.
    pub resource: Option<CarriedResource>,
    /// The coverage points it showed, sorted, each once.
    pub points: Vec<u32>,
}

/// A resource a delivery carries, and how to fetch it from the API.
#[derive(Debug, Clone)]
pub struct CarriedResource {
    /// The operationId under `paths`.
    pub operation: String,
    /// Its path parameters, filled from the delivery.
    pub arguments: Vec<(String, String)>,
    /// Where in the delivery's body the resource is (a JSON pointer).
    pub pointer: String,
    /// The resource as delivered.
    pub data: Value,
}

/// A parsed delivery body and the webhook it is for.
#[derive(Clone, Copy)]
struct BodyShown<'a> {
    index: usize,
    extensions: &'a openapi_model::WebhookExtensions,
    body: &'a Value,
}

impl CheckedDelivery {
    /// A delivery whose body could not be judged: only `results` say why.
    fn unchecked(
        webhook: Option<String>,
        url_check: bool,
        results: Vec<CheckResult>,
        note: Option<String>,
    ) -> CheckedDelivery {
        CheckedDelivery {
            webhook,
            url_check,
            results,
            body: None,
            note,
            resource: None,
            points: Vec::new(),
        }
    }
}

impl Contract {
    /// Runs every delivery check; `seen` carries the order and repeat rules.
    pub fn check_delivery(&self, seen: &mut Deliveries, d: &Delivery<'_>) -> CheckedDelivery {
        let parsed = parse_body(Some(d.body));
        let Some(index) = self.webhook_for(parsed.as_ref().ok()) else {
            let message = "the document describes no webhook (`webhooks`, or `x-webhooks` in 3.0) to check deliveries against";
            let input = result(Check::Input, vec![finding("", message)], Outcome::Error);
            return CheckedDelivery::unchecked(None, false, vec![input], None);
        };
        let op = &self.model().webhooks[index];
        let extensions = op.extensions.clone().unwrap_or_default();
        let url_check = extensions.challenge.is_some();
        let mut results = vec![
            result(Check::WebhookMethod, method_findings(op, d), Outcome::Fail),
            result(
                Check::WebhookContentType,
                content_type_findings(op, d),
                Outcome::Fail,
            ),
        ];
        let mut note = None;
        let mut points = Vec::new();
        if let Some(signature) = &extensions.signature {
            let (findings, unverified) =
                signature_findings(signature, d, &self.options().valid_secrets);
            if unverified.is_none() {
                points.extend(self.catalogue().webhooks[index].signature_verified);
            }
            note = unverified;
            results.push(result(Check::WebhookSignature, findings, Outcome::Fail));
        }
        let body = match parsed {
            Ok(body) => body,
            Err(message) => {
                let check = if url_check {
                    Check::WebhookChallenge
                } else {
                    Check::WebhookSchema
                };
                results.push(result(check, vec![finding("", message)], Outcome::Fail));
                return CheckedDelivery::unchecked(Some(op.id.clone()), url_check, results, note);
            }
        };
        let shown = BodyShown {
            index,
            extensions: &extensions,
            body: &body,
        };
        self.body_results(seen, shown, d, &mut results, &mut points);
        points.sort_unstable();
        points.dedup();
        let resource = extensions.resource.as_ref().and_then(|r| {
            Some(CarriedResource {
                operation: r.operation.clone(),
                arguments: r.arguments(&body)?,
                pointer: r.data.clone(),
                data: body.pointer(&r.data)?.clone(),
            })
        });
        CheckedDelivery {
            webhook: Some(op.id.clone()),
            url_check,
            results,
            body: Some(body),
            note,
            resource,
            points,
        }
    }

    /// The checks of a parsed body: the URL check's answer (or that the URL
    /// check came first), the schema, and whether it arrived before.
    fn body_results(
        &self,
        seen: &mut Deliveries,
        shown: BodyShown<'_>,
        d: &Delivery<'_>,
        results: &mut Vec<CheckResult>,
        points: &mut Vec<u32>,
    ) {
        let BodyShown {
            index,
            extensions,
            body,
        } = shown;
        let check = self.compiled.webhooks[index].as_ref();
        if let Some(challenge) = &extensions.challenge {
            seen.challenged = true;
            let findings = challenge_findings(self, check, &challenge.echo, body, d.answer, points);
            results.push(result(Check::WebhookChallenge, findings, Outcome::Fail));
        } else {
            if self.has_challenge() && !seen.challenged && !seen.missing_challenge_reported {
                seen.missing_challenge_reported = true;
                let message = "an event arrived before the URL check (the challenge webhook) the document says comes first";
                results.push(result(
                    Check::WebhookChallenge,
                    vec![finding("", message)],
                    Outcome::Fail,
                ));
            }
            if let Some(check) = check {
                results.push(self.schema_result(check, body, points));
            }
        }
        let repeated = !seen.seen.insert((index, body.to_string()));
        let findings = if repeated {
            vec![finding(
                "",
                "the same delivery arrived before: a receiver that is not idempotent would act twice",
            )]
        } else {
            Vec::new()
        };
        results.push(result(Check::WebhookDuplicate, findings, Outcome::Warn));
    }

    /// `webhook.consistency`: every field of the API's answer that the
    /// delivery also carries has the same value. A null in the delivery is
    /// not compared (deliveries may leave fields empty that the API fills),
    /// and signed links are compared without their query.
    pub fn compare_resource(&self, delivered: &Value, answer: &Value) -> Vec<Finding> {
        let mut findings = Vec::new();
        let signed = &self.model().rules.signed_url_properties;
        compare(delivered, answer, &mut String::new(), signed, &mut findings);
        findings
    }

    /// The webhook a body is: the first whose schema it fits, else the URL
    /// check when the body carries its echoed field, else the first event.
    fn webhook_for(&self, body: Option<&Value>) -> Option<usize> {
        let hooks = &self.model().webhooks;
        let fits = |i: usize| {
            let check = self.compiled.webhooks[i].as_ref();
            body.zip(check)
                .is_some_and(|(b, c)| c.validator.is_valid(b))
        };
        let echoes = |op: &Operation| {
            let echo = op.extensions.as_ref().and_then(|d| d.challenge.as_ref());
            echo.zip(body)
                .is_some_and(|(c, b)| b.get(&c.echo).is_some())
        };
        let is_challenge = |op: &Operation| {
            op.extensions
                .as_ref()
                .is_some_and(|d| d.challenge.is_some())
        };
        (0..hooks.len())
            .find(|&i| fits(i))
            .or_else(|| hooks.iter().position(echoes))
            .or_else(|| hooks.iter().position(|op| !is_challenge(op)))
            .or_else(|| (!hooks.is_empty()).then_some(0))
    }

    fn has_challenge(&self) -> bool {
        self.model().webhooks.iter().any(|op| {
            op.extensions
                .as_ref()
                .is_some_and(|d| d.challenge.is_some())
        })
    }

    /// `webhook.schema`: the body checks of a response, as one verdict;
    /// undocumented fields alone make it a warning.
    fn schema_result(&self, check: &BodyCheck, body: &Value, points: &mut Vec<u32>) -> CheckResult {
        let mut parts = Vec::new();
        points.append(&mut self.check_body(check, body, &mut parts));
        let outcome = parts
            .iter()
            .map(|p| p.outcome)
            .max()
            .unwrap_or(Outcome::Pass);
        let findings = parts.into_iter().flat_map(|p| p.findings).collect();
        CheckResult {
            check: Check::WebhookSchema,
            outcome,
            findings,
        }
    }
}

fn method_findings(op: &Operation, d: &Delivery<'_>) -> Vec<Finding> {
    if d.method.eq_ignore_ascii_case(&op.method) {
        return Vec::new();
    }
    vec![Finding {
        pointer: String::new(),
        message: format!("the `{}` webhook is documented as {}", op.id, op.method),
        value: Some(d.method.to_string()),
    }]
}

fn content_type_findings(op: &Operation, d: &Delivery<'_>) -> Vec<Finding> {
    let Some(body) = &op.request_body else {
        return Vec::new();
    };
    let sent = har::header(d.headers, "content-type").unwrap_or("");
    let essence = sent.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(&body.media_type) {
        return Vec::new();
    }
    let message = if essence.is_empty() {
        format!(
            "the delivery has no content type; the document says {}",
            body.media_type
        )
    } else {
        format!("the content type is not the documented {}", body.media_type)
    };
    vec![Finding {
        pointer: String::new(),
        message,
        value: (!essence.is_empty()).then(|| format!("{sent:?}")),
    }]
}

/// `webhook.signature`'s findings, and a note when it could not be verified.
fn signature_findings(
    signature: &Signature,
    d: &Delivery<'_>,
    secrets: &[String],
) -> (Vec<Finding>, Option<String>) {
    let header = &signature.header;
    let fail = |message: String, value: Option<String>| {
        let found = Finding {
            pointer: String::new(),
            message,
            value,
        };
        (vec![found], None)
    };
    let Some(sent) = har::header(d.headers, header) else {
        return fail(format!("the delivery has no {header} header"), None);
    };
    let Some(tag) = decode(signature.encoding, sent.trim()) else {
        let how = match signature.encoding {
            Encoding::Hex => "lowercase hex",
            Encoding::Base64 => "base64",
        };
        return fail(
            format!("{header} is not {how}"),
            Some(shorten(&sent.into())),
        );
    };
    let Algorithm::HmacSha256 = signature.algorithm else {
        let Algorithm::Unsupported(name) = &signature.algorithm else {
            unreachable!("the only other algorithm")
        };
        return (
            Vec::new(),
            Some(format!(
                "{header} not verified: {name} is not computed by this tool"
            )),
        );
    };
    if tag.len() != 32 {
        let message = format!("{header} holds {} bytes; an HMAC-SHA256 has 32", tag.len());
        return fail(message, None);
    }
    if secrets.is_empty() {
        return (
            Vec::new(),
            Some(format!("{header} not verified: no API secret was given")),
        );
    }
    let verifies = |bytes: &[u8]| {
        secrets.iter().any(|s| {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, s.as_bytes());
            ring::hmac::verify(&key, bytes, &tag).is_ok()
        })
    };
    if verifies(d.body) {
        return (Vec::new(), None);
    }
    let reserialised = serde_json::from_slice::<Value>(d.body)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .filter(|b| b.as_slice() != d.body && verifies(b));
    let message = if reserialised.is_some() {
        format!(
            "{header} signs the body re-serialised, not the exact bytes sent: a receiver verifying the raw body (as it must) rejects it"
        )
    } else {
        format!("{header} is not the HMAC-SHA256 of the bytes received under the API secret")
    };
    fail(message, None)
}

fn decode(encoding: Encoding, text: &str) -> Option<Vec<u8>> {
    match encoding {
        // Lowercase only, as the encoding's name says.
        Encoding::Hex => data_encoding::HEXLOWER.decode(text.as_bytes()).ok(),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.decode(text).ok(),
    }
}

/// `webhook.challenge` on the URL check: its schema, and the answer.
fn challenge_findings(
    contract: &Contract,
    check: Option<&BodyCheck>,
    echo: &str,
    body: &Value,
    answer: Option<(u16, &[u8])>,
    points: &mut Vec<u32>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(check) = check {
        let schema = contract.schema_result(check, body, points);
        if schema.outcome == Outcome::Fail {
            findings.extend(schema.findings);
        }
    }
    let Some(text) = body.get(echo).and_then(Value::as_str) else {
        findings.push(finding(
            format!("/{echo}"),
            format!("the challenge has no text in {echo}"),
        ));
        return findings;
    };
    if let Some((status, answered)) = answer
        && (status != 200 || answered != text.as_bytes())
    {
        findings.push(Finding {
            pointer: String::new(),
            message: format!("the receiver must answer 200 with the {echo} text as the body"),
            value: Some(format!("{status} {}", String::from_utf8_lossy(answered))),
        });
    }
    findings
}

fn compare(
    delivered: &Value,
    answer: &Value,
    at: &mut String,
    signed: &[String],
    out: &mut Vec<Finding>,
) {
    match (delivered, answer) {
        (Value::Null, _) => {}
        (Value::Object(d), Value::Object(a)) => {
            for (key, value) in a {
                let Some(mine) = d.get(key) else { continue };
                let len = at.len();
                at.push('/');
                at.push_str(&openapi_spec::pointer::escape(key));
                if signed.contains(key) {
                    let strip = |v: &Value| {
                        v.as_str()
                            .map(|s| s.split('?').next().unwrap_or("").to_string())
                    };
                    if strip(mine) != strip(value) {
                        out.push(differs(at, mine, value));
                    }
                } else {
                    compare(mine, value, at, signed, out);
                }
                at.truncate(len);
            }
        }
        (Value::Array(d), Value::Array(a)) if d.len() == a.len() => {
            for (i, (mine, value)) in d.iter().zip(a).enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                compare(mine, value, at, signed, out);
                at.truncate(len);
            }
        }
        (mine, value) if mine != value => out.push(differs(at, mine, value)),
        _ => {}
    }
}

fn differs(at: &str, delivered: &Value, answer: &Value) -> Finding {
    Finding {
        pointer: at.to_string(),
        message: format!(
            "the delivery says {}, the API answers {}",
            shorten(delivered),
            shorten(answer)
        ),
        value: None,
    }
}
