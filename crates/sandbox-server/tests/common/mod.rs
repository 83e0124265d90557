//! Helpers the sandbox's test binaries share.

/// A client that shows redirects instead of following them, with the TLS
/// provider the workspace builds (`ring`).
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
