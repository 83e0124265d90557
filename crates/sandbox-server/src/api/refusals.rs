//! The refusals every operation documents (401, 406, 429 with its
//! `Retry-After`), as one utoipa response set the handlers share: a leaf,
//! so the handlers and the document gathering them import one way.

use super::MEDIA_TYPE;

/// The refusals every operation documents: the gate's (401, 406, 429) and
/// the server's own failures, each an `Error` under both media types.
pub(super) struct Refusals;

impl utoipa::IntoResponses for Refusals {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, header::HeaderBuilder};
        [
            (401, "No valid API secret."),
            (406, "The Accept header does not list the v1 media type."),
            (429, "Over the rate limit."),
            (500, "A server error."),
            (503, "Unavailable."),
        ]
        .into_iter()
        .map(|(status, description)| {
            let error = || {
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build()
            };
            let mut response = ResponseBuilder::new()
                .description(description)
                .content(MEDIA_TYPE, error())
                .content("application/json", error());
            if status == 429 {
                // Found by the gate (tests/agreement.rs): this said int64
                // with no minimum, where the document says int32, minimum 0.
                let seconds = utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int32,
                    )))
                    .minimum(Some(0));
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(seconds))
                        .description(Some("Seconds to wait."))
                        .build(),
                );
            }
            (status.to_string(), response.build().into())
        })
        .collect()
    }
}
