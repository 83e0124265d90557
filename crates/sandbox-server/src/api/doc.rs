//! The OpenAPI document the handlers describe (utoipa), compared with the
//! authoritative YAML by `tests/agreement.rs`.

use utoipa::OpenApi;

use super::handlers::{
    __path_get_message, __path_get_user, __path_list_messages, __path_list_users,
};
use signalzen_models::{Error, MessagesPage, User, UsersPage};

/// The OpenAPI document the handlers above describe (see the agreement test).
#[derive(OpenApi)]
#[openapi(
    info(title = "SignalZen external API", version = "1"),
    servers((url = "https://api.signalzen.com/external")),
    paths(list_users, get_user, list_messages, get_message),
    components(schemas(Error, UsersPage, MessagesPage, User, signalzen_models::Message)),
    modifiers(&BearerSecret),
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
