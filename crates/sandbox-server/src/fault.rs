//! Ways to break the contract on purpose, one rule each, so the live run's
//! self-test can prove that every one of them is caught.

/// One deliberate contract violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// Requests without a valid secret are answered as the first website.
    AuthIgnored,
    /// A missing or wrong Accept header is not answered 406.
    AcceptIgnored,
    /// Limit/offset out of range, non-integer, empty or repeated are clamped instead of 400.
    BoundsIgnored,
    /// A page starts one item after the offset it echoes.
    OffsetOffByOne,
    /// `total` is one more than the item count.
    WrongTotal,
    /// A message without attachment has no `file_url` key instead of null.
    FileUrlMissing,
    /// `sender_type` names the other sender shape.
    SenderSwapped,
    /// `sender_type` is `bot`, a value the document does not list.
    UnknownSenderType,
    /// A user's `created_at`, which is not nullable, is null.
    NullRequired,
    /// JSON bodies are sent as text/html.
    WrongContentType,
    /// Each page after the first starts with the previous page's last item.
    RepeatedItem,
    /// Another website's users can be fetched by id.
    TenantLeak,
    /// An unknown user or message is answered 200 with another item.
    NotFoundAs200,
    /// A user fetched alone differs from the same user in the list.
    InconsistentItem,
    /// Lists come newest first, against the documented order.
    UnstableOrder,
    /// `file_url` is signed with an expiry already past, so fetching it gives 403.
    ExpiredFileUrl,
    /// Every list answer is delayed by 3 seconds.
    Slow,
    /// List bodies are cut in half.
    TruncatedBody,
    /// Single-item answers are an HTML page labelled as JSON.
    NotJson,
    /// Every third request is refused 429 without Retry-After.
    NoRetryAfter,
    /// List requests are redirected (307) to another host.
    RedirectOffsite,
    /// Every answer echoes the request's API secret in an `X-Debug-Token` header.
    SecretInHeader,
    /// Every JSON object answer echoes the request's API secret in a `debug` field.
    SecretInBody,
    /// A valid `limit` of 7 is answered 500 with a well-formed error body.
    ServerError,
    /// Webhook deliveries are signed with a wrong key.
    WebhookBadSignature,
    /// Webhook deliveries are signed compact but sent re-serialised (indented).
    WebhookReserialized,
    /// Webhook deliveries carry no signature header.
    WebhookUnsigned,
    /// Events are delivered without the URL check first.
    WebhookNoChallenge,
    /// An event's `sender_type` names the other sender shape.
    WebhookSenderSwapped,
    /// Every event is delivered twice.
    WebhookDuplicate,
    /// An event's message differs from what `getMessage` returns.
    WebhookInconsistent,
}

/// Each fault's `--fault` name and what it breaks.
const TABLE: [(Fault, &str, &str); 31] = [
    (
        Fault::AuthIgnored,
        "auth-ignored",
        "requests without a valid secret are answered as the first website",
    ),
    (
        Fault::AcceptIgnored,
        "accept-ignored",
        "a missing or wrong Accept header is not answered 406",
    ),
    (
        Fault::BoundsIgnored,
        "bounds-ignored",
        "limit/offset out of range, non-integer, empty or repeated are clamped instead of 400",
    ),
    (
        Fault::OffsetOffByOne,
        "offset-off-by-one",
        "a page starts one item after the offset it echoes",
    ),
    (
        Fault::WrongTotal,
        "wrong-total",
        "`total` is one more than the item count",
    ),
    (
        Fault::FileUrlMissing,
        "file-url-missing",
        "a message without attachment has no `file_url` key instead of null",
    ),
    (
        Fault::SenderSwapped,
        "sender-swapped",
        "`sender_type` names the other sender shape",
    ),
    (
        Fault::UnknownSenderType,
        "unknown-sender-type",
        "`sender_type` is `bot`, a value the document does not list",
    ),
    (
        Fault::NullRequired,
        "null-required",
        "a user's `created_at`, which is not nullable, is null",
    ),
    (
        Fault::WrongContentType,
        "wrong-content-type",
        "JSON bodies are sent as text/html",
    ),
    (
        Fault::RepeatedItem,
        "repeated-item",
        "each page after the first starts with the previous page's last item",
    ),
    (
        Fault::TenantLeak,
        "tenant-leak",
        "another website's users can be fetched by id",
    ),
    (
        Fault::NotFoundAs200,
        "not-found-as-200",
        "an unknown user or message is answered 200 with another item",
    ),
    (
        Fault::InconsistentItem,
        "inconsistent-item",
        "a user fetched alone differs from the same user in the list",
    ),
    (
        Fault::UnstableOrder,
        "unstable-order",
        "lists come newest first, against the documented order",
    ),
    (
        Fault::ExpiredFileUrl,
        "expired-file-url",
        "`file_url` is signed with an expiry already past, so fetching it gives 403",
    ),
    (
        Fault::Slow,
        "slow",
        "every list answer is delayed by 3 seconds",
    ),
    (
        Fault::TruncatedBody,
        "truncated-body",
        "list bodies are cut in half",
    ),
    (
        Fault::NotJson,
        "not-json",
        "single-item answers are an HTML page labelled as JSON",
    ),
    (
        Fault::NoRetryAfter,
        "no-retry-after",
        "every third request is refused 429 without Retry-After",
    ),
    (
        Fault::RedirectOffsite,
        "redirect-offsite",
        "list requests are redirected (307) to another host",
    ),
    (
        Fault::SecretInHeader,
        "secret-in-header",
        "every answer echoes the request's API secret in an X-Debug-Token header",
    ),
    (
        Fault::SecretInBody,
        "secret-in-body",
        "every JSON object answer echoes the request's API secret in a `debug` field",
    ),
    (
        Fault::ServerError,
        "server-error",
        "a valid `limit` of 7 is answered 500 with a well-formed error body",
    ),
    (
        Fault::WebhookBadSignature,
        "webhook-bad-signature",
        "webhook deliveries are signed with a wrong key",
    ),
    (
        Fault::WebhookReserialized,
        "webhook-reserialized",
        "webhook deliveries are signed compact but sent re-serialised (indented)",
    ),
    (
        Fault::WebhookUnsigned,
        "webhook-unsigned",
        "webhook deliveries carry no signature header",
    ),
    (
        Fault::WebhookNoChallenge,
        "webhook-no-challenge",
        "events are delivered without the URL check first",
    ),
    (
        Fault::WebhookSenderSwapped,
        "webhook-sender-swapped",
        "an event's `sender_type` names the other sender shape",
    ),
    (
        Fault::WebhookDuplicate,
        "webhook-duplicate",
        "every event is delivered twice",
    ),
    (
        Fault::WebhookInconsistent,
        "webhook-inconsistent",
        "an event's message differs from what `getMessage` returns",
    ),
];

impl Fault {
    /// Every fault, in `--help` order.
    pub const ALL: [Fault; 31] = [
        Fault::AuthIgnored,
        Fault::AcceptIgnored,
        Fault::BoundsIgnored,
        Fault::OffsetOffByOne,
        Fault::WrongTotal,
        Fault::FileUrlMissing,
        Fault::SenderSwapped,
        Fault::UnknownSenderType,
        Fault::NullRequired,
        Fault::WrongContentType,
        Fault::RepeatedItem,
        Fault::TenantLeak,
        Fault::NotFoundAs200,
        Fault::InconsistentItem,
        Fault::UnstableOrder,
        Fault::ExpiredFileUrl,
        Fault::Slow,
        Fault::TruncatedBody,
        Fault::NotJson,
        Fault::NoRetryAfter,
        Fault::RedirectOffsite,
        Fault::SecretInHeader,
        Fault::SecretInBody,
        Fault::ServerError,
        Fault::WebhookBadSignature,
        Fault::WebhookReserialized,
        Fault::WebhookUnsigned,
        Fault::WebhookNoChallenge,
        Fault::WebhookSenderSwapped,
        Fault::WebhookDuplicate,
        Fault::WebhookInconsistent,
    ];

    /// The name `--fault` takes.
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// What the fault breaks, for `--help` and the README.
    pub fn description(self) -> &'static str {
        self.describe().1
    }

    fn describe(self) -> (&'static str, &'static str) {
        TABLE
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or(("", ""), |(_, name, what)| (*name, *what))
    }

    /// Whether the fault breaks a webhook delivery (the API answers stay correct).
    pub fn is_webhook(self) -> bool {
        self.name().starts_with("webhook-")
    }

    /// The fault of a `--fault` name.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, TABLE};

    #[test]
    fn every_fault_has_a_name_and_a_description() {
        assert_eq!(TABLE.len(), Fault::ALL.len());
        for fault in Fault::ALL {
            assert!(
                !fault.name().is_empty() && !fault.description().is_empty(),
                "{fault:?}"
            );
            assert_eq!(Fault::from_name(fault.name()), Some(fault));
        }
    }
}
