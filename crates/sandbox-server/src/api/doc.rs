//! The OpenAPI document the handlers describe (utoipa), compared with the
//! authoritative YAML by `tests/agreement.rs`.

use utoipa::OpenApi;

use super::handlers::{
    __path_get_message, __path_get_user, __path_list_messages, __path_list_users,
};
use serde_json::json;
use signalzen_models::{
    Error, MessageCreatedEvent, MessagesPage, User, UsersPage, WebhookChallenge,
};
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, PathsBuilder, Ref, Required, ResponseBuilder};

use crate::webhook::SIGNATURE_HEADER;

/// The OpenAPI document the handlers above describe (see the agreement test).
#[derive(OpenApi)]
#[openapi(
    info(title = "SignalZen external API", version = "1"),
    servers((url = "https://api.signalzen.com/external")),
    paths(list_users, get_user, list_messages, get_message),
    components(schemas(
        Error, UsersPage, MessagesPage, User, signalzen_models::Message,
        MessageCreatedEvent, WebhookChallenge,
    )),
    modifiers(&BearerSecret, &Webhooks),
    security(("apiSecret" = [])),
)]
pub struct ApiDoc;

pub(super) struct BearerSecret;

impl utoipa::Modify for BearerSecret {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiSecret",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The deliveries `crate::webhook` sends, as top-level `webhooks`: how each
/// is signed, what it carries, and what the receiver must answer.
pub(super) struct Webhooks;

impl utoipa::Modify for Webhooks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let message_created = delivery("messageCreatedWebhook", "MessageCreatedEvent")
            .summary(Some("A message was created"))
            .extensions(Some(
                signed()
                    // The event's message is the one getMessage answers
                    // (`crate::present`); operators' messages name no visitor.
                    .add(
                        "x-webhook-resource",
                        json!({
                            "operation": "getMessage",
                            "data": "/data",
                            "parameters": {"user_id": "/data/sender/id", "message_id": "/data/id"},
                            "when": {"/data/sender_type": "user"}
                        }),
                    )
                    .build(),
            ))
            .response(
                "200",
                ResponseBuilder::new().description("The receiver accepted the event."),
            );
        let url_verification = delivery("webhookChallenge", "WebhookChallenge")
            .summary(Some("The challenge sent when a URL is registered"))
            .extensions(Some(
                signed()
                    .add("x-webhook-challenge", json!({"echo": "challenge"}))
                    .build(),
            ))
            .response(
                "200",
                ResponseBuilder::new()
                    .description("The URL is verified. The body is the challenge text, unchanged.")
                    .content(
                        "text/plain",
                        ContentBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                            .build(),
                    ),
            );
        openapi.webhooks = Some(
            PathsBuilder::new()
                .path(
                    "messageCreated",
                    PathItem::new(HttpMethod::Post, message_created),
                )
                .path(
                    "urlVerification",
                    PathItem::new(HttpMethod::Post, url_verification),
                )
                .build(),
        );
    }
}

/// A signed JSON delivery of the component `body`.
fn delivery(operation_id: &str, body: &str) -> OperationBuilder {
    OperationBuilder::new()
        .operation_id(Some(operation_id))
        .parameter(
            ParameterBuilder::new()
                .name(SIGNATURE_HEADER)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(
                    "Lowercase hex HMAC-SHA256 of the raw request body, keyed with the website's API secret.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^[0-9a-f]{64}$")),
                )),
        )
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(body)))
                        .build(),
                )
                .build(),
        ))
}

/// How `crate::webhook` signs every delivery.
fn signed() -> ExtensionsBuilder {
    ExtensionsBuilder::new().add(
        "x-webhook-signature",
        json!({
            "header": SIGNATURE_HEADER,
            "algorithm": "hmac-sha256",
            "encoding": "hex",
            "signed": "raw-body",
            "secret": "apiSecret"
        }),
    )
}
