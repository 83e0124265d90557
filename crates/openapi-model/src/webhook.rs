//! What a webhook delivery promises beyond its body, from the extensions on
//! an `x-webhooks` operation: how it is signed (`x-webhook-signature`),
//! whether it is the URL check a receiver must answer (`x-webhook-challenge`),
//! and which API operation returns the resource it carries
//! (`x-webhook-resource`). The receiver, the checker and the docs read
//! these; none of them names a provider.

use serde_json::Value;

/// The extensions of one webhook operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookExtensions {
    /// `x-webhook-signature`.
    pub signature: Option<Signature>,
    /// `x-webhook-challenge`.
    pub challenge: Option<Challenge>,
    /// `x-webhook-resource`.
    pub resource: Option<Resource>,
}

/// How a delivery is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The request header carrying the signature.
    pub header: String,
    /// The MAC (`hmac-sha256` is the one this toolkit computes).
    pub algorithm: Algorithm,
    /// How the MAC's bytes are written in the header.
    pub encoding: Encoding,
    /// What is signed: `raw-body`, the exact bytes sent.
    pub signed: String,
    /// The security scheme whose credential keys the MAC.
    pub secret: String,
}

/// A MAC algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC with SHA-256: 32 bytes.
    HmacSha256,
    /// A name this toolkit does not compute (kept so the check can say so).
    Unsupported(String),
}

/// How the MAC's bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lowercase hexadecimal.
    Hex,
    /// Standard base64 with padding.
    Base64,
}

/// The URL check: the receiver answers 200 with a field's value as the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The request-body property whose text the answer echoes.
    pub echo: String,
}

/// Which API operation returns the resource a delivery carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The operationId (under `paths`).
    pub operation: String,
    /// JSON pointer to the resource inside the delivery's body.
    pub data: String,
    /// Path parameter → JSON pointer into the delivery's body.
    pub parameters: Vec<(String, String)>,
    /// Only deliveries with these values (pointer → value) name their
    /// resource fully; others cannot be fetched back.
    pub when: Vec<(String, Value)>,
}

impl WebhookExtensions {
    /// Reads the extensions of an operation; `None` when it has none.
    pub(crate) fn read(op: &Value) -> Option<WebhookExtensions> {
        let delivery = WebhookExtensions {
            signature: op.get("x-webhook-signature").and_then(Signature::read),
            challenge: op.get("x-webhook-challenge").and_then(Challenge::read),
            resource: op.get("x-webhook-resource").and_then(Resource::read),
        };
        (delivery != WebhookExtensions::default()).then_some(delivery)
    }
}

fn text(x: &Value, key: &str) -> Option<String> {
    x.get(key).and_then(Value::as_str).map(String::from)
}

impl Signature {
    fn read(x: &Value) -> Option<Signature> {
        let algorithm = match text(x, "algorithm").as_deref().unwrap_or("hmac-sha256") {
            "hmac-sha256" => Algorithm::HmacSha256,
            other => Algorithm::Unsupported(other.to_string()),
        };
        let encoding = match text(x, "encoding").as_deref() {
            Some("base64") => Encoding::Base64,
            _ => Encoding::Hex,
        };
        Some(Signature {
            header: text(x, "header")?,
            algorithm,
            encoding,
            signed: text(x, "signed").unwrap_or_else(|| "raw-body".into()),
            secret: text(x, "secret").unwrap_or_default(),
        })
    }
}

impl Challenge {
    fn read(x: &Value) -> Option<Challenge> {
        Some(Challenge {
            echo: text(x, "echo")?,
        })
    }
}

impl Resource {
    fn read(x: &Value) -> Option<Resource> {
        let pairs = |key: &str| -> Vec<(String, Value)> {
            x.get(key)
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        let parameters = pairs("parameters")
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect();
        Some(Resource {
            operation: text(x, "operation")?,
            data: text(x, "data").unwrap_or_default(),
            parameters,
            when: pairs("when"),
        })
    }

    /// The path parameters for this delivery's body, or `None` when the
    /// body does not name its resource (a `when` value differs, or a
    /// parameter's pointer finds no scalar).
    pub fn arguments(&self, body: &Value) -> Option<Vec<(String, String)>> {
        if self.when.iter().any(|(p, v)| body.pointer(p) != Some(v)) {
            return None;
        }
        self.parameters
            .iter()
            .map(|(name, ptr)| {
                let text = match body.pointer(ptr)? {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                Some((name.clone(), text))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_extensions_with_defaults() {
        let op = json!({
            "x-webhook-signature": {"header": "x-sig"},
            "x-webhook-challenge": {"echo": "challenge"},
            "x-webhook-resource": {"operation": "getThing", "data": "/data",
                "parameters": {"id": "/data/id"}, "when": {"/data/kind": "a"}}
        });
        let d = WebhookExtensions::read(&op).unwrap();
        let s = d.signature.unwrap();
        assert_eq!(s.header, "x-sig");
        assert_eq!(s.algorithm, Algorithm::HmacSha256);
        assert_eq!(s.encoding, Encoding::Hex);
        assert_eq!(s.signed, "raw-body");
        assert_eq!(d.challenge.unwrap().echo, "challenge");
        let r = d.resource.unwrap();
        assert_eq!(
            r.arguments(&json!({"data": {"id": 7, "kind": "a"}})),
            Some(vec![("id".into(), "7".into())])
        );
        assert_eq!(r.arguments(&json!({"data": {"id": 7, "kind": "b"}})), None);
        assert_eq!(r.arguments(&json!({"data": {"id": [], "kind": "a"}})), None);
        assert_eq!(
            r.arguments(&json!({"data": {"id": "x", "kind": "a"}})),
            Some(vec![("id".into(), "x".into())])
        );
    }

    #[test]
    fn an_operation_without_extensions_has_none_and_unknown_algorithms_are_kept() {
        assert_eq!(WebhookExtensions::read(&json!({"operationId": "x"})), None);
        let op = json!({"x-webhook-signature": {"header": "h", "algorithm": "ed25519", "encoding": "base64"}});
        let s = WebhookExtensions::read(&op).unwrap().signature.unwrap();
        assert_eq!(s.algorithm, Algorithm::Unsupported("ed25519".into()));
        assert_eq!(s.encoding, Encoding::Base64);
        assert_eq!(
            WebhookExtensions::read(&json!({"x-webhook-signature": {}})),
            None
        );
    }
}
