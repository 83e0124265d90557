//! Signed attachment URLs: an HMAC-SHA256 over the path and an expiry, so
//! the link works without the API secret and only until it expires.

use std::time::{SystemTime, UNIX_EPOCH};

use ring::hmac;

pub(crate) struct Signer {
    key: hmac::Key,
}

/// Why a signed link is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Expired,
    BadSignature,
}

impl Signer {
    /// A fresh random key: links from an earlier sandbox never verify.
    pub fn random() -> Result<Signer, ring::error::Unspecified> {
        let rng = ring::rand::SystemRandom::new();
        Ok(Signer {
            key: hmac::Key::generate(hmac::HMAC_SHA256, &rng)?,
        })
    }

    fn tag(&self, path: &str, expires: i64) -> hmac::Tag {
        hmac::sign(&self.key, format!("{path}\n{expires}").as_bytes())
    }

    /// The query that makes `path` fetchable until `expires` (Unix seconds).
    pub fn query(&self, path: &str, expires: i64) -> String {
        format!(
            "expires={expires}&signature={}",
            data_encoding::HEXLOWER.encode(self.tag(path, expires).as_ref())
        )
    }

    /// Checks a link's expiry and signature (constant-time comparison).
    pub fn verify(
        &self,
        path: &str,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> Result<(), Refusal> {
        let given = data_encoding::HEXLOWER_PERMISSIVE
            .decode(signature.as_bytes())
            .map_err(|_| Refusal::BadSignature)?;
        hmac::verify(&self.key, format!("{path}\n{expires}").as_bytes(), &given)
            .map_err(|_| Refusal::BadSignature)?;
        if now >= expires {
            return Err(Refusal::Expired);
        }
        Ok(())
    }
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_not_when_tampered() {
        let s = Signer::random().unwrap();
        let q = s.query("attachments/1/a.pdf", 1_000);
        let sig = q.split("signature=").nth(1).unwrap();
        assert_eq!(s.verify("attachments/1/a.pdf", 1_000, sig, 999), Ok(()));
        assert_eq!(
            s.verify("attachments/1/a.pdf", 1_000, sig, 1_000),
            Err(Refusal::Expired)
        );
        assert_eq!(
            s.verify("attachments/2/a.pdf", 1_000, sig, 999),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            s.verify("attachments/1/a.pdf", 2_000, sig, 999),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            s.verify("attachments/1/a.pdf", 1_000, "zz", 999),
            Err(Refusal::BadSignature)
        );
        let other = Signer::random().unwrap();
        assert_eq!(
            other.verify("attachments/1/a.pdf", 1_000, sig, 999),
            Err(Refusal::BadSignature)
        );
    }
}
