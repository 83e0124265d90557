//! The id of every rule whose level depends on who reads the message, as a
//! literal you can grep: `request.required-property-added` is written here
//! once, with the [`Context`] and [`Kind`] it names. The level comes from
//! the kind and the context's direction ([`Kind::level`]); a test keeps
//! this table and [`Context::kinds`] the same set, and every id equal to
//! `context.kind`. [`catalogue`] joins them with the fixed rules.

use crate::rules::{Context as C, Context, Kind as K, Kind, Level};

/// Every context rule: its id, context and kind.
pub const CONTEXT_RULES: &[(&str, Context, Kind)] = &[
    ("parameter.type-changed", C::Parameter, K::TypeChanged),
    ("parameter.format-changed", C::Parameter, K::FormatChanged),
    ("parameter.nullable-added", C::Parameter, K::NullableAdded),
    (
        "parameter.nullable-removed",
        C::Parameter,
        K::NullableRemoved,
    ),
    (
        "parameter.enum-value-added",
        C::Parameter,
        K::EnumValueAdded,
    ),
    (
        "parameter.enum-value-removed",
        C::Parameter,
        K::EnumValueRemoved,
    ),
    ("parameter.bounds-narrowed", C::Parameter, K::BoundsNarrowed),
    ("parameter.bounds-widened", C::Parameter, K::BoundsWidened),
    ("parameter.pattern-added", C::Parameter, K::PatternAdded),
    ("parameter.pattern-changed", C::Parameter, K::PatternChanged),
    ("parameter.pattern-removed", C::Parameter, K::PatternRemoved),
    ("parameter.default-changed", C::Parameter, K::DefaultChanged),
    ("parameter.added", C::Parameter, K::Added),
    ("parameter.required-added", C::Parameter, K::RequiredAdded),
    ("parameter.removed", C::Parameter, K::Removed),
    ("parameter.made-required", C::Parameter, K::MadeRequired),
    ("parameter.made-optional", C::Parameter, K::MadeOptional),
    ("parameter.style-changed", C::Parameter, K::StyleChanged),
    ("request.type-changed", C::Request, K::TypeChanged),
    ("request.format-changed", C::Request, K::FormatChanged),
    ("request.nullable-added", C::Request, K::NullableAdded),
    ("request.nullable-removed", C::Request, K::NullableRemoved),
    ("request.enum-value-added", C::Request, K::EnumValueAdded),
    (
        "request.enum-value-removed",
        C::Request,
        K::EnumValueRemoved,
    ),
    ("request.bounds-narrowed", C::Request, K::BoundsNarrowed),
    ("request.bounds-widened", C::Request, K::BoundsWidened),
    ("request.pattern-added", C::Request, K::PatternAdded),
    ("request.pattern-changed", C::Request, K::PatternChanged),
    ("request.pattern-removed", C::Request, K::PatternRemoved),
    ("request.default-changed", C::Request, K::DefaultChanged),
    ("request.property-added", C::Request, K::PropertyAdded),
    (
        "request.required-property-added",
        C::Request,
        K::RequiredPropertyAdded,
    ),
    ("request.property-removed", C::Request, K::PropertyRemoved),
    (
        "request.required-property-removed",
        C::Request,
        K::RequiredPropertyRemoved,
    ),
    ("request.made-required", C::Request, K::MadeRequired),
    ("request.made-optional", C::Request, K::MadeOptional),
    ("request.branch-added", C::Request, K::BranchAdded),
    ("request.branch-removed", C::Request, K::BranchRemoved),
    (
        "request.discriminator-changed",
        C::Request,
        K::DiscriminatorChanged,
    ),
    (
        "request.additional-properties-narrowed",
        C::Request,
        K::AdditionalPropertiesNarrowed,
    ),
    (
        "request.additional-properties-widened",
        C::Request,
        K::AdditionalPropertiesWidened,
    ),
    (
        "request.body-added-required",
        C::Request,
        K::BodyAddedRequired,
    ),
    (
        "request.body-made-required",
        C::Request,
        K::BodyMadeRequired,
    ),
    ("request.body-removed", C::Request, K::BodyRemoved),
    ("request.media-type-added", C::Request, K::MediaTypeAdded),
    (
        "request.media-type-removed",
        C::Request,
        K::MediaTypeRemoved,
    ),
    ("response.type-changed", C::Response, K::TypeChanged),
    ("response.format-changed", C::Response, K::FormatChanged),
    ("response.nullable-added", C::Response, K::NullableAdded),
    ("response.nullable-removed", C::Response, K::NullableRemoved),
    ("response.enum-value-added", C::Response, K::EnumValueAdded),
    (
        "response.enum-value-removed",
        C::Response,
        K::EnumValueRemoved,
    ),
    ("response.bounds-narrowed", C::Response, K::BoundsNarrowed),
    ("response.bounds-widened", C::Response, K::BoundsWidened),
    ("response.pattern-added", C::Response, K::PatternAdded),
    ("response.pattern-changed", C::Response, K::PatternChanged),
    ("response.pattern-removed", C::Response, K::PatternRemoved),
    ("response.default-changed", C::Response, K::DefaultChanged),
    ("response.property-added", C::Response, K::PropertyAdded),
    (
        "response.required-property-added",
        C::Response,
        K::RequiredPropertyAdded,
    ),
    ("response.property-removed", C::Response, K::PropertyRemoved),
    (
        "response.required-property-removed",
        C::Response,
        K::RequiredPropertyRemoved,
    ),
    ("response.made-required", C::Response, K::MadeRequired),
    ("response.made-optional", C::Response, K::MadeOptional),
    ("response.branch-added", C::Response, K::BranchAdded),
    ("response.branch-removed", C::Response, K::BranchRemoved),
    (
        "response.discriminator-changed",
        C::Response,
        K::DiscriminatorChanged,
    ),
    (
        "response.additional-properties-narrowed",
        C::Response,
        K::AdditionalPropertiesNarrowed,
    ),
    (
        "response.additional-properties-widened",
        C::Response,
        K::AdditionalPropertiesWidened,
    ),
    (
        "response.success-status-added",
        C::Response,
        K::SuccessStatusAdded,
    ),
    (
        "response.success-status-removed",
        C::Response,
        K::SuccessStatusRemoved,
    ),
    (
        "response.error-status-added",
        C::Response,
        K::ErrorStatusAdded,
    ),
    (
        "response.error-status-removed",
        C::Response,
        K::ErrorStatusRemoved,
    ),
    ("response.media-type-added", C::Response, K::MediaTypeAdded),
    (
        "response.media-type-removed",
        C::Response,
        K::MediaTypeRemoved,
    ),
    ("response.header-removed", C::Response, K::HeaderRemoved),
    (
        "response.required-header-removed",
        C::Response,
        K::RequiredHeaderRemoved,
    ),
    (
        "response-header.type-changed",
        C::ResponseHeader,
        K::TypeChanged,
    ),
    (
        "response-header.format-changed",
        C::ResponseHeader,
        K::FormatChanged,
    ),
    (
        "response-header.nullable-added",
        C::ResponseHeader,
        K::NullableAdded,
    ),
    (
        "response-header.nullable-removed",
        C::ResponseHeader,
        K::NullableRemoved,
    ),
    (
        "response-header.enum-value-added",
        C::ResponseHeader,
        K::EnumValueAdded,
    ),
    (
        "response-header.enum-value-removed",
        C::ResponseHeader,
        K::EnumValueRemoved,
    ),
    (
        "response-header.bounds-narrowed",
        C::ResponseHeader,
        K::BoundsNarrowed,
    ),
    (
        "response-header.bounds-widened",
        C::ResponseHeader,
        K::BoundsWidened,
    ),
    (
        "response-header.pattern-added",
        C::ResponseHeader,
        K::PatternAdded,
    ),
    (
        "response-header.pattern-changed",
        C::ResponseHeader,
        K::PatternChanged,
    ),
    (
        "response-header.pattern-removed",
        C::ResponseHeader,
        K::PatternRemoved,
    ),
    (
        "response-header.default-changed",
        C::ResponseHeader,
        K::DefaultChanged,
    ),
    ("webhook.type-changed", C::Webhook, K::TypeChanged),
    ("webhook.format-changed", C::Webhook, K::FormatChanged),
    ("webhook.nullable-added", C::Webhook, K::NullableAdded),
    ("webhook.nullable-removed", C::Webhook, K::NullableRemoved),
    ("webhook.enum-value-added", C::Webhook, K::EnumValueAdded),
    (
        "webhook.enum-value-removed",
        C::Webhook,
        K::EnumValueRemoved,
    ),
    ("webhook.bounds-narrowed", C::Webhook, K::BoundsNarrowed),
    ("webhook.bounds-widened", C::Webhook, K::BoundsWidened),
    ("webhook.pattern-added", C::Webhook, K::PatternAdded),
    ("webhook.pattern-changed", C::Webhook, K::PatternChanged),
    ("webhook.pattern-removed", C::Webhook, K::PatternRemoved),
    ("webhook.default-changed", C::Webhook, K::DefaultChanged),
    ("webhook.property-added", C::Webhook, K::PropertyAdded),
    (
        "webhook.required-property-added",
        C::Webhook,
        K::RequiredPropertyAdded,
    ),
    ("webhook.property-removed", C::Webhook, K::PropertyRemoved),
    (
        "webhook.required-property-removed",
        C::Webhook,
        K::RequiredPropertyRemoved,
    ),
    ("webhook.made-required", C::Webhook, K::MadeRequired),
    ("webhook.made-optional", C::Webhook, K::MadeOptional),
    ("webhook.branch-added", C::Webhook, K::BranchAdded),
    ("webhook.branch-removed", C::Webhook, K::BranchRemoved),
    (
        "webhook.discriminator-changed",
        C::Webhook,
        K::DiscriminatorChanged,
    ),
    (
        "webhook.additional-properties-narrowed",
        C::Webhook,
        K::AdditionalPropertiesNarrowed,
    ),
    (
        "webhook.additional-properties-widened",
        C::Webhook,
        K::AdditionalPropertiesWidened,
    ),
    (
        "webhook.body-added-required",
        C::Webhook,
        K::BodyAddedRequired,
    ),
    (
        "webhook.body-made-required",
        C::Webhook,
        K::BodyMadeRequired,
    ),
    ("webhook.body-removed", C::Webhook, K::BodyRemoved),
    ("webhook.media-type-added", C::Webhook, K::MediaTypeAdded),
    (
        "webhook.media-type-removed",
        C::Webhook,
        K::MediaTypeRemoved,
    ),
    (
        "webhook-parameter.type-changed",
        C::WebhookParameter,
        K::TypeChanged,
    ),
    (
        "webhook-parameter.format-changed",
        C::WebhookParameter,
        K::FormatChanged,
    ),
    (
        "webhook-parameter.nullable-added",
        C::WebhookParameter,
        K::NullableAdded,
    ),
    (
        "webhook-parameter.nullable-removed",
        C::WebhookParameter,
        K::NullableRemoved,
    ),
    (
        "webhook-parameter.enum-value-added",
        C::WebhookParameter,
        K::EnumValueAdded,
    ),
    (
        "webhook-parameter.enum-value-removed",
        C::WebhookParameter,
        K::EnumValueRemoved,
    ),
    (
        "webhook-parameter.bounds-narrowed",
        C::WebhookParameter,
        K::BoundsNarrowed,
    ),
    (
        "webhook-parameter.bounds-widened",
        C::WebhookParameter,
        K::BoundsWidened,
    ),
    (
        "webhook-parameter.pattern-added",
        C::WebhookParameter,
        K::PatternAdded,
    ),
    (
        "webhook-parameter.pattern-changed",
        C::WebhookParameter,
        K::PatternChanged,
    ),
    (
        "webhook-parameter.pattern-removed",
        C::WebhookParameter,
        K::PatternRemoved,
    ),
    (
        "webhook-parameter.default-changed",
        C::WebhookParameter,
        K::DefaultChanged,
    ),
    ("webhook-parameter.added", C::WebhookParameter, K::Added),
    (
        "webhook-parameter.required-added",
        C::WebhookParameter,
        K::RequiredAdded,
    ),
    ("webhook-parameter.removed", C::WebhookParameter, K::Removed),
    (
        "webhook-parameter.made-required",
        C::WebhookParameter,
        K::MadeRequired,
    ),
    (
        "webhook-parameter.made-optional",
        C::WebhookParameter,
        K::MadeOptional,
    ),
    (
        "webhook-parameter.style-changed",
        C::WebhookParameter,
        K::StyleChanged,
    ),
    (
        "webhook-response.type-changed",
        C::WebhookResponse,
        K::TypeChanged,
    ),
    (
        "webhook-response.format-changed",
        C::WebhookResponse,
        K::FormatChanged,
    ),
    (
        "webhook-response.nullable-added",
        C::WebhookResponse,
        K::NullableAdded,
    ),
    (
        "webhook-response.nullable-removed",
        C::WebhookResponse,
        K::NullableRemoved,
    ),
    (
        "webhook-response.enum-value-added",
        C::WebhookResponse,
        K::EnumValueAdded,
    ),
    (
        "webhook-response.enum-value-removed",
        C::WebhookResponse,
        K::EnumValueRemoved,
    ),
    (
        "webhook-response.bounds-narrowed",
        C::WebhookResponse,
        K::BoundsNarrowed,
    ),
    (
        "webhook-response.bounds-widened",
        C::WebhookResponse,
        K::BoundsWidened,
    ),
    (
        "webhook-response.pattern-added",
        C::WebhookResponse,
        K::PatternAdded,
    ),
    (
        "webhook-response.pattern-changed",
        C::WebhookResponse,
        K::PatternChanged,
    ),
    (
        "webhook-response.pattern-removed",
        C::WebhookResponse,
        K::PatternRemoved,
    ),
    (
        "webhook-response.default-changed",
        C::WebhookResponse,
        K::DefaultChanged,
    ),
    (
        "webhook-response.property-added",
        C::WebhookResponse,
        K::PropertyAdded,
    ),
    (
        "webhook-response.required-property-added",
        C::WebhookResponse,
        K::RequiredPropertyAdded,
    ),
    (
        "webhook-response.property-removed",
        C::WebhookResponse,
        K::PropertyRemoved,
    ),
    (
        "webhook-response.required-property-removed",
        C::WebhookResponse,
        K::RequiredPropertyRemoved,
    ),
    (
        "webhook-response.made-required",
        C::WebhookResponse,
        K::MadeRequired,
    ),
    (
        "webhook-response.made-optional",
        C::WebhookResponse,
        K::MadeOptional,
    ),
    (
        "webhook-response.branch-added",
        C::WebhookResponse,
        K::BranchAdded,
    ),
    (
        "webhook-response.branch-removed",
        C::WebhookResponse,
        K::BranchRemoved,
    ),
    (
        "webhook-response.discriminator-changed",
        C::WebhookResponse,
        K::DiscriminatorChanged,
    ),
    (
        "webhook-response.additional-properties-narrowed",
        C::WebhookResponse,
        K::AdditionalPropertiesNarrowed,
    ),
    (
        "webhook-response.additional-properties-widened",
        C::WebhookResponse,
        K::AdditionalPropertiesWidened,
    ),
];

/// Every rule id with its level and meaning, context rules first (for the
/// rules reference and tests).
pub fn catalogue() -> Vec<(&'static str, Level, String)> {
    let mut all = Vec::new();
    for (id, context, kind) in CONTEXT_RULES {
        let meaning = format!("{} ({})", kind.meaning(), context.meaning());
        all.push((*id, kind.level(context.direction()), meaning));
    }
    all.extend(
        crate::rules::FIXED
            .iter()
            .map(|(id, level, meaning)| (*id, *level, meaning.to_string())),
    );
    all
}

/// The id of `kind` in `context`.
///
/// # Panics
///
/// When the pair is not in [`CONTEXT_RULES`]: a programming error the
/// catalogue test catches, never input.
pub fn rule_id(context: Context, kind: Kind) -> &'static str {
    CONTEXT_RULES
        .iter()
        .find(|(_, c, k)| *c == context && *k == kind)
        .map(|(id, _, _)| *id)
        .unwrap_or_else(|| panic!("{context:?} has no rule for {kind:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_every_kind_of_every_context_named_context_dot_kind() {
        let mut expected = Vec::new();
        for context in Context::ALL {
            for kind in context.kinds() {
                expected.push((
                    format!("{}.{}", context.prefix(), kind.name()),
                    context,
                    kind,
                ));
            }
        }
        let table: Vec<(String, Context, Kind)> = CONTEXT_RULES
            .iter()
            .map(|(id, c, k)| (id.to_string(), *c, *k))
            .collect();
        assert_eq!(table, expected);
        assert_eq!(
            rule_id(Context::Request, Kind::RequiredPropertyAdded),
            "request.required-property-added"
        );
    }
}
