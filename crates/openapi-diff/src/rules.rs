//! The rule catalogue: every change this crate reports has a stable id and
//! a level. Levels follow oasdiff where the two overlap (see
//! docs/decisions.md for where they differ).
//!
//! Most rules depend on who reads the message: the same schema edit breaks
//! a client when the server writes it (a response, or a webhook delivery
//! the receiver reads) and is harmless when the client writes it (a
//! request). Those rules are a [`Kind`] in a [`Context`]; each id is a
//! literal in [`crate::ids`] (`response.nullable-added`,
//! `parameter.bounds-narrowed`).

use serde::Serialize;

/// How much a change matters to existing clients (or receivers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Compatible.
    Info,
    /// May break some readers.
    Warning,
    /// Breaks existing clients or servers.
    Error,
}

impl Level {
    /// The level's name as the command line and reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Who writes a message and who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The API's client writes, the server reads: narrowing what is
    /// accepted breaks clients.
    ClientWrites,
    /// The server (or webhook provider) writes, the client (or receiver)
    /// reads: widening what may arrive breaks readers.
    ServerWrites,
}

/// Where a message sits, which fixes its direction and its rules' prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A request parameter (path, query, header, cookie).
    Parameter,
    /// A request body.
    Request,
    /// A response body.
    Response,
    /// A response header.
    ResponseHeader,
    /// A webhook delivery's body: the provider writes, the receiver reads.
    Webhook,
    /// A webhook delivery's header (the signature).
    WebhookParameter,
    /// The receiver's answer to a webhook delivery, read by the provider.
    WebhookResponse,
}

impl Context {
    /// Every context, for the catalogue.
    pub const ALL: [Context; 7] = [
        Context::Parameter,
        Context::Request,
        Context::Response,
        Context::ResponseHeader,
        Context::Webhook,
        Context::WebhookParameter,
        Context::WebhookResponse,
    ];

    /// Where the message sits, in words (for the rules reference).
    pub fn meaning(self) -> &'static str {
        match self {
            Context::Parameter => "A request parameter (path, query, header, cookie).",
            Context::Request => "A request body.",
            Context::Response => "A response body.",
            Context::ResponseHeader => "A response header.",
            Context::Webhook => {
                "A webhook delivery's body: the provider writes, the receiver reads."
            }
            Context::WebhookParameter => "A webhook delivery's header (the signature).",
            Context::WebhookResponse => {
                "The receiver's answer to a webhook delivery, read by the provider."
            }
        }
    }

    /// The rule id prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Context::Parameter => "parameter",
            Context::Request => "request",
            Context::Response => "response",
            Context::ResponseHeader => "response-header",
            Context::Webhook => "webhook",
            Context::WebhookParameter => "webhook-parameter",
            Context::WebhookResponse => "webhook-response",
        }
    }

    /// Who writes messages in this context.
    pub fn direction(self) -> Direction {
        match self {
            Context::Parameter | Context::Request | Context::WebhookResponse => {
                Direction::ClientWrites
            }
            _ => Direction::ServerWrites,
        }
    }

    /// The kinds that can happen in this context.
    pub fn kinds(self) -> Vec<Kind> {
        use Kind::*;
        const SCALAR: &[Kind] = &[
            TypeChanged,
            FormatChanged,
            NullableAdded,
            NullableRemoved,
            EnumValueAdded,
            EnumValueRemoved,
            BoundsNarrowed,
            BoundsWidened,
            PatternAdded,
            PatternChanged,
            PatternRemoved,
            DefaultChanged,
        ];
        const OBJECT: &[Kind] = &[
            PropertyAdded,
            RequiredPropertyAdded,
            PropertyRemoved,
            RequiredPropertyRemoved,
            MadeRequired,
            MadeOptional,
            BranchAdded,
            BranchRemoved,
            DiscriminatorChanged,
            AdditionalPropertiesNarrowed,
            AdditionalPropertiesWidened,
        ];
        const PARAMETER: &[Kind] = &[
            Added,
            RequiredAdded,
            Removed,
            MadeRequired,
            MadeOptional,
            StyleChanged,
        ];
        const BODY: &[Kind] = &[
            BodyAddedRequired,
            BodyMadeRequired,
            BodyRemoved,
            MediaTypeAdded,
            MediaTypeRemoved,
        ];
        const RESPONSES: &[Kind] = &[
            SuccessStatusAdded,
            SuccessStatusRemoved,
            ErrorStatusAdded,
            ErrorStatusRemoved,
            MediaTypeAdded,
            MediaTypeRemoved,
            HeaderRemoved,
            RequiredHeaderRemoved,
        ];
        let parts: &[&[Kind]] = match self {
            Context::Parameter | Context::WebhookParameter => &[SCALAR, PARAMETER],
            Context::Request | Context::Webhook => &[SCALAR, OBJECT, BODY],
            Context::Response => &[SCALAR, OBJECT, RESPONSES],
            Context::ResponseHeader => &[SCALAR],
            Context::WebhookResponse => &[SCALAR, OBJECT],
        };
        parts.concat()
    }
}

/// A change whose level depends on the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The schema's `type` changed.
    TypeChanged,
    /// `format` changed, added or removed.
    FormatChanged,
    /// The value may now be null.
    NullableAdded,
    /// The value may no longer be null.
    NullableRemoved,
    /// An enum gained a value.
    EnumValueAdded,
    /// An enum lost a value.
    EnumValueRemoved,
    /// Fewer values are valid (a bound tightened or added, an enum imposed).
    BoundsNarrowed,
    /// More values are valid (a bound loosened or dropped).
    BoundsWidened,
    /// A `pattern` was added.
    PatternAdded,
    /// The `pattern` changed.
    PatternChanged,
    /// The `pattern` was dropped.
    PatternRemoved,
    /// The `default` changed.
    DefaultChanged,
    /// An optional property was added.
    PropertyAdded,
    /// A property was added as required.
    RequiredPropertyAdded,
    /// An optional property was removed.
    PropertyRemoved,
    /// A required property was removed.
    RequiredPropertyRemoved,
    /// A property, parameter or header became required.
    MadeRequired,
    /// A property, parameter or header became optional.
    MadeOptional,
    /// A `oneOf`/`anyOf` branch was added.
    BranchAdded,
    /// A `oneOf`/`anyOf` branch was removed.
    BranchRemoved,
    /// The discriminator's property or mapping changed.
    DiscriminatorChanged,
    /// `additionalProperties` now allows less.
    AdditionalPropertiesNarrowed,
    /// `additionalProperties` now allows more.
    AdditionalPropertiesWidened,
    /// An optional parameter was added.
    Added,
    /// A required parameter was added.
    RequiredAdded,
    /// A parameter was removed.
    Removed,
    /// An optional response header was removed.
    HeaderRemoved,
    /// A required response header was removed.
    RequiredHeaderRemoved,
    /// A parameter's `style` or `explode` changed.
    StyleChanged,
    /// A body that did not exist is now required.
    BodyAddedRequired,
    /// An optional body became required.
    BodyMadeRequired,
    /// The body was removed.
    BodyRemoved,
    /// A media type was added.
    MediaTypeAdded,
    /// A media type was removed.
    MediaTypeRemoved,
    /// A 2xx status was added.
    SuccessStatusAdded,
    /// A 2xx status was removed.
    SuccessStatusRemoved,
    /// A non-2xx status was added.
    ErrorStatusAdded,
    /// A non-2xx status was removed.
    ErrorStatusRemoved,
}

impl Kind {
    /// What the change is, in one sentence (for the rules reference, `docs/rules.md`).
    pub fn meaning(self) -> &'static str {
        match self {
            Kind::TypeChanged => "The schema's `type` changed.",
            Kind::FormatChanged => "`format` changed, added or removed.",
            Kind::NullableAdded => "The value may now be null.",
            Kind::NullableRemoved => "The value may no longer be null.",
            Kind::EnumValueAdded => "An enum gained a value.",
            Kind::EnumValueRemoved => "An enum lost a value.",
            Kind::BoundsNarrowed => {
                "Fewer values are valid (a bound tightened or added, an enum imposed)."
            }
            Kind::BoundsWidened => "More values are valid (a bound loosened or dropped).",
            Kind::PatternAdded => "A `pattern` was added.",
            Kind::PatternChanged => "The `pattern` changed.",
            Kind::PatternRemoved => "The `pattern` was dropped.",
            Kind::DefaultChanged => "The `default` changed.",
            Kind::PropertyAdded => "An optional property was added.",
            Kind::RequiredPropertyAdded => "A property was added as required.",
            Kind::PropertyRemoved => "An optional property was removed.",
            Kind::RequiredPropertyRemoved => "A required property was removed.",
            Kind::MadeRequired => "A property, parameter or header became required.",
            Kind::MadeOptional => "A property, parameter or header became optional.",
            Kind::BranchAdded => "A `oneOf`/`anyOf` branch was added.",
            Kind::BranchRemoved => "A `oneOf`/`anyOf` branch was removed.",
            Kind::DiscriminatorChanged => "The discriminator's property or mapping changed.",
            Kind::AdditionalPropertiesNarrowed => "`additionalProperties` now allows less.",
            Kind::AdditionalPropertiesWidened => "`additionalProperties` now allows more.",
            Kind::Added => "An optional parameter was added.",
            Kind::RequiredAdded => "A required parameter was added.",
            Kind::Removed => "A parameter was removed.",
            Kind::HeaderRemoved => "An optional response header was removed.",
            Kind::RequiredHeaderRemoved => "A required response header was removed.",
            Kind::StyleChanged => "A parameter's `style` or `explode` changed.",
            Kind::BodyAddedRequired => "A body that did not exist is now required.",
            Kind::BodyMadeRequired => "An optional body became required.",
            Kind::BodyRemoved => "The body was removed.",
            Kind::MediaTypeAdded => "A media type was added.",
            Kind::MediaTypeRemoved => "A media type was removed.",
            Kind::SuccessStatusAdded => "A 2xx status was added.",
            Kind::SuccessStatusRemoved => "A 2xx status was removed.",
            Kind::ErrorStatusAdded => "A non-2xx status was added.",
            Kind::ErrorStatusRemoved => "A non-2xx status was removed.",
        }
    }

    /// The kind's part of the rule id.
    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            TypeChanged => "type-changed",
            FormatChanged => "format-changed",
            NullableAdded => "nullable-added",
            NullableRemoved => "nullable-removed",
            EnumValueAdded => "enum-value-added",
            EnumValueRemoved => "enum-value-removed",
            BoundsNarrowed => "bounds-narrowed",
            BoundsWidened => "bounds-widened",
            PatternAdded => "pattern-added",
            PatternChanged => "pattern-changed",
            PatternRemoved => "pattern-removed",
            DefaultChanged => "default-changed",
            PropertyAdded => "property-added",
            RequiredPropertyAdded => "required-property-added",
            PropertyRemoved => "property-removed",
            RequiredPropertyRemoved => "required-property-removed",
            MadeRequired => "made-required",
            MadeOptional => "made-optional",
            BranchAdded => "branch-added",
            BranchRemoved => "branch-removed",
            DiscriminatorChanged => "discriminator-changed",
            AdditionalPropertiesNarrowed => "additional-properties-narrowed",
            AdditionalPropertiesWidened => "additional-properties-widened",
            Added => "added",
            RequiredAdded => "required-added",
            Removed => "removed",
            HeaderRemoved => "header-removed",
            RequiredHeaderRemoved => "required-header-removed",
            StyleChanged => "style-changed",
            BodyAddedRequired => "body-added-required",
            BodyMadeRequired => "body-made-required",
            BodyRemoved => "body-removed",
            MediaTypeAdded => "media-type-added",
            MediaTypeRemoved => "media-type-removed",
            SuccessStatusAdded => "success-status-added",
            SuccessStatusRemoved => "success-status-removed",
            ErrorStatusAdded => "error-status-added",
            ErrorStatusRemoved => "error-status-removed",
        }
    }

    /// The level when `direction` writes the message. Narrowing breaks a
    /// writer; widening breaks a reader.
    pub fn level(self, direction: Direction) -> Level {
        use Kind::*;
        use Level::*;
        let client_writes = direction == Direction::ClientWrites;
        let (when_client_writes, when_server_writes) = match self {
            TypeChanged | FormatChanged | DiscriminatorChanged | StyleChanged => (Error, Error),
            MediaTypeRemoved | BodyRemoved => (Error, Error),
            NullableAdded => (Info, Error),
            NullableRemoved => (Error, Info),
            EnumValueAdded => (Info, Warning),
            EnumValueRemoved => (Error, Info),
            BoundsNarrowed => (Error, Info),
            BoundsWidened => (Info, Error),
            PatternAdded => (Error, Info),
            PatternChanged => (Warning, Warning),
            PatternRemoved => (Info, Warning),
            DefaultChanged => (Error, Info),
            PropertyAdded => (Info, Info),
            RequiredPropertyAdded => (Error, Info),
            PropertyRemoved => (Warning, Warning),
            RequiredPropertyRemoved => (Warning, Error),
            MadeRequired => (Error, Info),
            MadeOptional => (Info, Error),
            BranchAdded => (Info, Error),
            BranchRemoved => (Error, Info),
            AdditionalPropertiesNarrowed => (Error, Info),
            AdditionalPropertiesWidened => (Info, Warning),
            Added => (Info, Info),
            RequiredAdded => (Error, Info),
            Removed => (Warning, Error),
            HeaderRemoved => (Warning, Warning),
            RequiredHeaderRemoved => (Error, Error),
            BodyAddedRequired | BodyMadeRequired => (Error, Info),
            MediaTypeAdded => (Info, Info),
            SuccessStatusAdded => (Info, Info),
            SuccessStatusRemoved => (Error, Error),
            ErrorStatusAdded => (Warning, Warning),
            ErrorStatusRemoved => (Info, Info),
        };
        if client_writes {
            when_client_writes
        } else {
            when_server_writes
        }
    }
}

/// The rules whose level does not depend on a direction: (id, level, what).
pub const FIXED: &[(&str, Level, &str)] = &[
    (
        "operation.removed",
        Level::Error,
        "an operation was removed",
    ),
    ("operation.added", Level::Info, "an operation was added"),
    (
        "operation.path-changed",
        Level::Error,
        "an operation (same operationId) moved to another path or method",
    ),
    (
        "operation.id-changed",
        Level::Error,
        "an operationId changed: generated clients rename the method",
    ),
    (
        "operation.deprecated",
        Level::Info,
        "an operation was deprecated",
    ),
    (
        "path.parameter-renamed",
        Level::Info,
        "a path parameter was renamed; the URL is the same",
    ),
    (
        "webhook.event-removed",
        Level::Warning,
        "a webhook event is no longer sent",
    ),
    (
        "webhook.event-added",
        Level::Warning,
        "a new webhook event is sent to receivers",
    ),
    (
        "security.added",
        Level::Error,
        "an operation that needed no credentials now needs them",
    ),
    (
        "security.alternative-removed",
        Level::Error,
        "a way to authenticate an operation was removed",
    ),
    (
        "security.alternative-added",
        Level::Info,
        "a way to authenticate an operation was added",
    ),
    (
        "security.scheme-changed",
        Level::Error,
        "a security scheme changed where or how credentials are sent",
    ),
    (
        "pagination.added",
        Level::Info,
        "a list is now paged (x-pagination)",
    ),
    (
        "pagination.removed",
        Level::Error,
        "a list is no longer described as paged",
    ),
    (
        "pagination.style-changed",
        Level::Error,
        "a list pages another way",
    ),
    (
        "pagination.parameter-changed",
        Level::Error,
        "a paging parameter was renamed",
    ),
    (
        "pagination.field-changed",
        Level::Error,
        "a paging response field was renamed",
    ),
    (
        "pagination.order-changed",
        Level::Error,
        "a list's documented order changed",
    ),
    (
        "pagination.item-changed",
        Level::Warning,
        "the operation that fetches a listed item alone changed",
    ),
    (
        "webhook.signature-removed",
        Level::Error,
        "deliveries are no longer signed as documented (x-webhook-signature removed)",
    ),
    (
        "webhook.signature-added",
        Level::Info,
        "deliveries are now signed (x-webhook-signature added)",
    ),
    (
        "webhook.signature-changed",
        Level::Error,
        "how deliveries are signed changed (header, algorithm, encoding, what is signed, the key)",
    ),
    (
        "webhook.challenge-changed",
        Level::Error,
        "the URL check a receiver must answer changed, appeared or disappeared (x-webhook-challenge)",
    ),
    (
        "webhook.resource-changed",
        Level::Warning,
        "the API operation that returns a delivered resource changed (x-webhook-resource)",
    ),
    (
        "contract.accept-media-type-changed",
        Level::Error,
        "the Accept media type every request must send changed",
    ),
    (
        "contract.status-changed",
        Level::Error,
        "a status the API answers for a rule (auth, Accept, bad request, method, rate limit) changed",
    ),
    (
        "contract.precedence-changed",
        Level::Warning,
        "the order in which refusals are decided changed",
    ),
    (
        "contract.signed-url-property-removed",
        Level::Error,
        "a property is no longer a signed link a client may fetch without the secret",
    ),
    (
        "contract.signed-url-property-added",
        Level::Info,
        "a property became a signed link",
    ),
    (
        "contract.signed-url-lifetime-shortened",
        Level::Error,
        "signed links expire sooner",
    ),
    (
        "contract.signed-url-lifetime-lengthened",
        Level::Info,
        "signed links last longer",
    ),
    (
        "date-time.format-changed",
        Level::Error,
        "the documented date-time format changed",
    ),
];

/// The level of a fixed rule.
///
/// # Panics
///
/// When `rule` is not in [`FIXED`]: a programming error caught by the
/// catalogue test, never by input.
pub fn fixed_level(rule: &str) -> Level {
    FIXED
        .iter()
        .find(|(id, _, _)| *id == rule)
        .map(|(_, level, _)| *level)
        .unwrap_or_else(|| panic!("rule {rule} is not in the catalogue"))
}
