//! The seed is deterministic and varied, and the queries keep v1's rules:
//! order, paging, tenant isolation.

use std::collections::BTreeSet;
use std::path::Path;

use sandbox_store::{NewMessage, SeedConfig, Store};
use serde_json::Value;
use signalzen_models::{MessageSender, MessagesPage, UsersPage};

fn seeded(config: &SeedConfig) -> (Store, Vec<sandbox_store::Website>) {
    let mut store = Store::open(None).unwrap();
    let sites = store.seed(config).unwrap();
    (store, sites)
}

fn all_users(store: &Store, site: i64, limit: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let (total, page) = store.users_page(site, limit, offset).unwrap();
        assert_eq!(page.len() as i64, limit.min((total - offset).max(0)));
        if page.is_empty() {
            assert!(offset >= total);
            return ids;
        }
        ids.extend(page.iter().map(|u| u.id));
        offset += limit;
    }
}

#[test]
fn the_same_seed_gives_the_same_data_and_secrets() {
    let config = SeedConfig::default();
    let (a, sa) = seeded(&config);
    let (b, sb) = seeded(&config);
    assert_eq!(sa, sb);
    assert_eq!(sa.len(), 2);
    assert_ne!(sa[0].secret, sa[1].secret);
    let page = |s: &Store| serde_json::to_string(&s.users_page(1, 99, 0).unwrap().1).unwrap();
    assert_eq!(page(&a), page(&b));
    let (c, sc) = seeded(&SeedConfig { seed: 7, ..config });
    assert_ne!(sa[0].secret, sc[0].secret);
    assert_ne!(page(&a), page(&c));
}

#[test]
fn paging_returns_every_user_once_in_id_order() {
    let (store, sites) = seeded(&SeedConfig::default());
    for site in &sites {
        let reference = all_users(&store, site.id, 99);
        assert_eq!(reference.len(), 40);
        assert!(reference.windows(2).all(|w| w[0] < w[1]));
        for limit in [1, 7, 50] {
            assert_eq!(all_users(&store, site.id, limit), reference);
        }
    }
    let one: BTreeSet<i64> = all_users(&store, 1, 99).into_iter().collect();
    let two: BTreeSet<i64> = all_users(&store, 2, 99).into_iter().collect();
    assert!(one.is_disjoint(&two));
}

#[test]
fn websites_cannot_see_each_others_data() {
    let (store, _) = seeded(&SeedConfig::default());
    let theirs = store.users_page(2, 1, 0).unwrap().1[0].id;
    assert!(store.user(1, theirs).unwrap().is_none());
    assert!(store.user(2, theirs).unwrap().is_some());
    assert!(store.messages_page(1, theirs, 10, 0).unwrap().is_none());
    // A message under another user of the same website is not found.
    let users = store.users_page(1, 99, 0).unwrap().1;
    let (owner, message) = users
        .iter()
        .find_map(|u| {
            let (_, m) = store.messages_page(1, u.id, 1, 0).unwrap()?;
            Some((u.id, m.first()?.message.id))
        })
        .unwrap();
    let other = users.iter().find(|u| u.id != owner).unwrap().id;
    assert!(store.message(1, owner, message).unwrap().is_some());
    assert!(store.message(1, other, message).unwrap().is_none());
    assert!(store.message(2, owner, message).unwrap().is_none());
    assert!(store.user(1, 999_999).unwrap().is_none());
}

#[test]
fn messages_are_ordered_by_time_then_id_with_ties() {
    let (store, _) = seeded(&SeedConfig::default());
    let mut saw_tie = false;
    for u in store.users_page(1, 99, 0).unwrap().1 {
        let (total, page) = store.messages_page(1, u.id, 99, 0).unwrap().unwrap();
        assert_eq!(total as usize, page.len());
        for w in page.windows(2) {
            let (a, b) = (&w[0].message, &w[1].message);
            assert!((a.created_at, a.id) < (b.created_at, b.id));
            saw_tie |= a.created_at == b.created_at;
        }
    }
    assert!(
        saw_tie,
        "the seed has equal timestamps, so the id tie-break is exercised"
    );
}

#[test]
fn the_seed_covers_every_nullable_shape_and_both_senders() {
    let (store, _) = seeded(&SeedConfig::default());
    let users = store.users_page(1, 99, 0).unwrap().1;
    assert!(users.iter().any(|u| u.name.is_none()) && users.iter().any(|u| u.name.is_some()));
    assert!(
        users.iter().any(|u| u.online_at.is_none()) && users.iter().any(|u| u.last_url.is_none())
    );
    assert!(
        users.iter().any(|u| u.user_attributes.is_empty())
            && users.iter().any(|u| u.user_attributes.len() > 1)
    );
    let messages: Vec<_> = users
        .iter()
        .flat_map(|u| store.messages_page(1, u.id, 99, 0).unwrap().unwrap().1)
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.attachment.is_some() && m.message.body.is_none())
    );
    assert!(
        messages
            .iter()
            .any(|m| m.attachment.is_some() && m.message.body.is_some())
    );
    assert!(messages.iter().any(|m| m.message.read_by_user.is_none()));
    assert!(
        messages
            .iter()
            .any(|m| matches!(&m.message.sender, MessageSender::User(_)))
    );
    assert!(messages.iter().any(
        |m| matches!(&m.message.sender, MessageSender::Operator(o) if o.picture_thumb_url.is_none())
    ));
    assert!(messages.iter().any(
        |m| matches!(&m.message.sender, MessageSender::Operator(o) if o.picture_thumb_url.is_some())
    ));
    assert!(messages.iter().any(|m| m.message.auto_invitation));
}

fn validator(rel: &str) -> jsonschema::Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(rel)).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// What the store gives, serialised by the generated models, is valid v1.
#[test]
fn pages_validate_against_the_documents_schemas() {
    let (store, _) = seeded(&SeedConfig::default());
    let users_v = validator("openapi/schemas/operations/listUsers/200.json");
    let messages_v = validator("openapi/schemas/operations/listMessages/200.json");
    let (total, users) = store.users_page(1, 99, 0).unwrap();
    let page = UsersPage {
        limit: 99,
        offset: 0,
        total,
        users,
    };
    let v = serde_json::to_value(&page).unwrap();
    assert!(
        users_v.is_valid(&v),
        "{:?}",
        users_v.iter_errors(&v).next().map(|e| e.to_string())
    );
    for u in &page.users {
        let (total, stored) = store.messages_page(1, u.id, 99, 0).unwrap().unwrap();
        let messages = stored
            .into_iter()
            .map(|s| {
                let mut m = s.message;
                m.file_url = s
                    .attachment
                    .map(|a| format!("https://files.example.com/{a}?sig=x"));
                m
            })
            .collect();
        let page = MessagesPage {
            limit: 99,
            offset: 0,
            total,
            messages,
        };
        let v = serde_json::to_value(&page).unwrap();
        assert!(
            messages_v.is_valid(&v),
            "{:?}",
            messages_v.iter_errors(&v).next().map(|e| e.to_string())
        );
    }
}

#[test]
fn a_file_store_persists_and_secrets_can_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.db");
    let sites = {
        let mut s = Store::open(Some(&path)).unwrap();
        s.seed(&SeedConfig {
            users_per_website: 3,
            ..SeedConfig::default()
        })
        .unwrap()
    };
    let s = Store::open(Some(&path)).unwrap();
    assert_eq!(s.websites().unwrap(), sites);
    assert_eq!(s.website_by_secret(&sites[1].secret).unwrap(), Some(2));
    s.set_secret(1, "from-the-environment").unwrap();
    assert_eq!(
        s.website_by_secret("from-the-environment").unwrap(),
        Some(1)
    );
    assert_eq!(s.website_by_secret(&sites[0].secret).unwrap(), None);
    assert_eq!(s.users_page(1, 99, 0).unwrap().0, 3);
}

#[test]
fn a_copy_holds_the_same_data() {
    let (store, sites) = seeded(&SeedConfig::default());
    let copy = store.copy().unwrap();
    for site in &sites {
        assert_eq!(
            store.users_page(site.id, 99, 0).unwrap(),
            copy.users_page(site.id, 99, 0).unwrap()
        );
    }
    assert_eq!(store.websites().unwrap(), copy.websites().unwrap());
}

#[test]
fn attributes_follow_their_user_one_by_one_and_in_pages() {
    let (store, sites) = seeded(&SeedConfig::default());
    for site in &sites {
        let (_, page) = store.users_page(site.id, 99, 0).unwrap();
        assert!(page.iter().any(|u| u.user_attributes.len() > 1));
        for u in &page {
            let alone = store.user(site.id, u.id).unwrap().unwrap();
            assert_eq!(&alone, u);
        }
    }
}

#[test]
fn added_messages_continue_the_ids_and_are_read_back() {
    let mut store = Store::open(None).unwrap();
    store.seed(&SeedConfig::default()).unwrap();
    let (_, users) = store.users_page(1, 1, 0).unwrap();
    let user = users[0].id;
    let (total, before) = store.messages_page(1, user, 99, 0).unwrap().unwrap();
    let new = NewMessage {
        from_operator: true,
        body: None,
        attachment: true,
    };
    let at = 1_900_000_000_000;
    let added = store.add_message(1, user, &new, at).unwrap().unwrap();
    assert!(added.attachment.is_some());
    assert_eq!(added.message.body, None);
    assert!(added.message.id > before.iter().map(|m| m.message.id).max().unwrap_or(0));
    let (after, page) = store.messages_page(1, user, 99, 0).unwrap().unwrap();
    assert_eq!(after, total + 1);
    assert_eq!(page.last().unwrap(), &added);
    assert_eq!(
        store.message(1, user, added.message.id).unwrap().as_ref(),
        Some(&added)
    );
    // Another website's user cannot get messages this way.
    assert_eq!(store.add_message(2, user, &new, at).unwrap(), None);
    let visitor = store
        .add_message(
            1,
            user,
            &NewMessage {
                body: Some("hi".into()),
                ..NewMessage::default()
            },
            at,
        )
        .unwrap()
        .unwrap();
    assert_eq!(visitor.message.id, added.message.id + 1);
}
