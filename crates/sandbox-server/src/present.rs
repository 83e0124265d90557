//! A stored message as v1 shows it, for the API and the webhooks alike.

use sandbox_store::StoredMessage;

use crate::signing::unix_now;
use crate::{App, Fault};

/// The stored message as v1 shows it: `file_url` signed for this response.
pub(crate) fn present(app: &App, stored: StoredMessage) -> signalzen_models::Message {
    let mut message = stored.message;
    message.file_url = stored.attachment.map(|path| {
        let lifetime = app.lifetime.as_secs() as i64;
        let expires = if app.has(Fault::ExpiredFileUrl) {
            unix_now() - 60
        } else {
            unix_now() + lifetime
        };
        format!(
            "{}/files/{path}?{}",
            app.origin,
            app.signer.query(&path, expires)
        )
    });
    message
}
