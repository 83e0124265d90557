//! The sandbox's log (its own test binary: tracing caches which call sites
//! are enabled, and other tests running without a subscriber would race it).

use sandbox_server::{Config, Sandbox};

const V1: &str = "application/vnd.signalzen.v1+json";

async fn get(base: &str, path: &str, auth: &str) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("Authorization", auth)
        .header("Accept", V1)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn logs_name_requests_but_never_secrets() {
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let sink = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // One thread, so the server's tasks log into this subscriber.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let secret = rt.block_on(async {
        let sandbox = Sandbox::start(Config::default()).await.unwrap();
        let base = sandbox.base_url();
        let secret = sandbox.websites()[0].secret.clone();
        assert_eq!(
            get(&base, "/users?limit=2", &format!("Bearer {secret}")).await,
            200
        );
        assert_eq!(
            get(&base, "/users", "Bearer sz_canary_not_a_real_secret").await,
            401
        );
        sandbox.stop().await;
        secret
    });
    let logged = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("path=\"/external/users\"") && logged.contains("status=200"),
        "{logged}"
    );
    assert!(logged.contains("status=401"), "{logged}");
    assert!(!logged.contains(&secret), "{logged}");
    assert!(!logged.contains("sz_canary"), "{logged}");
    assert!(
        !logged.contains("limit=2"),
        "query strings are not logged: {logged}"
    );
}
