//! The sandbox's data: websites (tenants) with their API secrets, users with
//! attributes, operators, and messages, generated deterministically from a
//! seed into SQLite (in memory or a file), and the queries v1 answers with.
//!
//! The same seed always gives the same rows, ids, timestamps and secrets,
//! so snapshots of a live run against the sandbox are stable.

#![warn(missing_docs)]

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rusqlite::{Connection, OptionalExtension, params};
use signalzen_models::{
    Message, MessageSender, OperatorSender, User, UserAttribute, VisitorSender,
};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored time is out of range.
    #[error("a stored timestamp is out of range: {0}")]
    Timestamp(i64),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedConfig {
    /// The random seed: the same seed gives the same data.
    pub seed: u64,
    /// How many websites.
    pub websites: usize,
    /// Users per website.
    pub users_per_website: usize,
    /// At most this many messages per user (some users get none).
    pub max_messages_per_user: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            seed: 20_180_209,
            websites: 2,
            users_per_website: 40,
            max_messages_per_user: 12,
        }
    }
}

/// A tenant and its API secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website {
    /// The website's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its API secret.
    pub secret: String,
}

/// A message as stored: the model (with `file_url` unset) and the path of
/// its attachment, which the server turns into a signed URL.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// The message as the API answers it (`file_url` not yet signed).
    pub message: Message,
    /// The stored attachment path, signed into `file_url` on the way out.
    pub attachment: Option<String>,
}

/// A message to add to a chat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// Sent by the website's operator (else by the visitor).
    pub from_operator: bool,
    /// Its text; `None` for an attachment alone.
    pub body: Option<String>,
    /// Whether it carries an attachment.
    pub attachment: bool,
}

/// The sandbox's data in SQLite.
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS websites (id INTEGER PRIMARY KEY, name TEXT NOT NULL, secret TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, website_id INTEGER NOT NULL REFERENCES websites(id),
  name TEXT, email TEXT, reference TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  online_at INTEGER, last_url TEXT);
CREATE INDEX IF NOT EXISTS users_by_website ON users (website_id, id);
CREATE TABLE IF NOT EXISTS user_attributes (
  user_id INTEGER NOT NULL REFERENCES users(id), position INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (user_id, position));
CREATE TABLE IF NOT EXISTS operators (
  id INTEGER PRIMARY KEY, website_id INTEGER NOT NULL REFERENCES websites(id),
  forename TEXT NOT NULL, surname TEXT NOT NULL, email TEXT NOT NULL, picture_thumb_url TEXT);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  body TEXT, read_by_user INTEGER, created_at INTEGER NOT NULL, attachment TEXT,
  auto_invitation INTEGER NOT NULL, operator_id INTEGER REFERENCES operators(id), read_by_operator INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_user ON messages (user_id, created_at, id);
";

const FORENAMES: [&str; 6] = ["Ann", "Jane", "John", "Mia", "Omar", "Li"];
const SURNAMES: [&str; 6] = ["Lee", "Doe", "Smith", "Novak", "Haddad", "Wei"];
const VISITORS: [&str; 6] = [
    "David Smith",
    "Eva Green",
    "Kofi Mensah",
    "Sara Lind",
    "Tom Sandler",
    "Yuki Sato",
];
const PAGES: [&str; 4] = ["/", "/pricing", "/docs/start", "/contact"];
const TEXTS: [&str; 6] = [
    "Hello, is anybody there?",
    "How can I help?",
    "I have a question about my invoice.",
    "Here is the link you asked for.",
    "Thanks, that solved it!",
    "Anything else?",
];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[(rng.next_u64() % list.len() as u64) as usize]
}

fn chance(rng: &mut ChaCha8Rng, percent: u64) -> bool {
    rng.next_u64() % 100 < percent
}

/// Milliseconds since the epoch → UTC time.
fn time(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or(StoreError::Timestamp(ms))
}

impl Store {
    /// In memory, or in `path` (created or reused).
    pub fn open(path: Option<&Path>) -> Result<Self, StoreError> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Replaces all data with what `config` generates; returns the websites.
    pub fn seed(&mut self, config: &SeedConfig) -> Result<Vec<Website>, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM messages; DELETE FROM operators; DELETE FROM user_attributes; DELETE FROM users; DELETE FROM websites;",
        )?;
        let mut seeder = Seeder {
            tx: &tx,
            config,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            base: Utc
                .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                .single()
                .map(|t| t.timestamp_millis())
                .unwrap_or_default(),
            user_id: 0,
            message_id: 0,
        };
        let mut websites = Vec::new();
        for w in 0..config.websites {
            websites.push(seeder.website(w as i64 + 1)?);
        }
        tx.commit()?;
        Ok(websites)
    }

    /// An independent in-memory copy (SQLite's backup API), so each server
    /// worker reads its own connection without locking the others out.
    pub fn copy(&self) -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut conn)?;
            backup.run_to_completion(1 << 16, std::time::Duration::ZERO, None)?;
        }
        Ok(Store { conn })
    }

    /// Every website.
    pub fn websites(&self) -> Result<Vec<Website>, StoreError> {
        let rows: Vec<(i64, String, String)> =
            self.rows("SELECT id, name, secret FROM websites ORDER BY id", &[])?;
        Ok(rows
            .into_iter()
            .map(|(id, name, secret)| Website { id, name, secret })
            .collect())
    }

    /// Every row of a (cached) statement, as a tuple.
    fn rows<T>(&self, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
    {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map(args, |r| T::try_from(r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces a website's secret (the sandbox's environment overrides).
    pub fn set_secret(&self, website: i64, secret: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE websites SET secret = ?2 WHERE id = ?1",
            params![website, secret],
        )?;
        Ok(())
    }

    /// The website a secret belongs to.
    pub fn website_by_secret(&self, secret: &str) -> Result<Option<i64>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM websites WHERE secret = ?1")?;
        Ok(st.query_row([secret], |r| r.get(0)).optional()?)
    }

    /// The users `users_sql` selects (ordered by id), with their attributes:
    /// one query for the users, one over the id range for the attributes,
    /// merged in order (not one query per user).
    fn users_where(
        &self,
        users_sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT id, name, email, reference, created_at, updated_at, online_at, last_url FROM users {users_sql}"
        );
        let mut users: Vec<User> = Vec::new();
        {
            let mut st = self.conn.prepare_cached(&sql)?;
            let mut rows = st.query(args)?;
            while let Some(r) = rows.next()? {
                let online: Option<i64> = r.get(6)?;
                users.push(User {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    reference: r.get(3)?,
                    created_at: time(r.get(4)?)?,
                    updated_at: time(r.get(5)?)?,
                    online_at: online.map(time).transpose()?,
                    last_url: r.get(7)?,
                    user_attributes: Vec::new(),
                });
            }
        }
        let (Some(first), Some(last)) = (users.first().map(|u| u.id), users.last().map(|u| u.id))
        else {
            return Ok(users);
        };
        let mut st = self.conn.prepare_cached(
            "SELECT user_id, name, value FROM user_attributes WHERE user_id BETWEEN ?1 AND ?2 ORDER BY user_id, position",
        )?;
        let mut rows = st.query([first, last])?;
        let mut at = 0;
        while let Some(r) = rows.next()? {
            let owner: i64 = r.get(0)?;
            while at < users.len() && users[at].id < owner {
                at += 1;
            }
            // Rows of users in the range but not selected (another website's) are skipped.
            if let Some(user) = users.get_mut(at).filter(|u| u.id == owner) {
                user.user_attributes.push(UserAttribute {
                    name: r.get(1)?,
                    value: r.get(2)?,
                });
            }
        }
        Ok(users)
    }

    /// One page of a website's users by id, and the website's user count.
    pub fn users_page(
        &self,
        website: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<User>), StoreError> {
        let total: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM users WHERE website_id = ?1")?
            .query_row([website], |r| r.get(0))?;
        let users = self.users_where(
            "WHERE website_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
            &[&website, &limit, &offset],
        )?;
        Ok((total, users))
    }

    /// A user of this website (another website's user is `None`).
    pub fn user(&self, website: i64, id: i64) -> Result<Option<User>, StoreError> {
        Ok(self
            .users_where("WHERE website_id = ?1 AND id = ?2", &[&website, &id])?
            .pop())
    }

    fn messages_where(
        &self,
        sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let rows: Vec<MessageRow> = self.rows(
            &format!(
                "SELECT m.id, m.body, m.read_by_user, m.created_at, m.attachment, m.auto_invitation, m.read_by_operator,
                        u.id, u.name, u.email,
                        o.id, o.forename, o.surname, o.email, o.picture_thumb_url
                 FROM messages m JOIN users u ON u.id = m.user_id LEFT JOIN operators o ON o.id = m.operator_id {sql}"
            ),
            args,
        )?;
        rows.into_iter().map(MessageRow::into_stored).collect()
    }

    /// One page of a user's messages by (created_at, id), and their count;
    /// `None` when the user is not this website's.
    pub fn messages_page(
        &self,
        website: i64,
        user: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Option<(i64, Vec<StoredMessage>)>, StoreError> {
        if self.user_exists(website, user)?.is_none() {
            return Ok(None);
        }
        let total: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM messages WHERE user_id = ?1")?
            .query_row([user], |r| r.get(0))?;
        let messages = self.messages_where(
            "WHERE m.user_id = ?1 ORDER BY m.created_at, m.id LIMIT ?2 OFFSET ?3",
            &[&user, &limit, &offset],
        )?;
        Ok(Some((total, messages)))
    }

    /// A message of this user of this website.
    pub fn message(
        &self,
        website: i64,
        user: i64,
        id: i64,
    ) -> Result<Option<StoredMessage>, StoreError> {
        if self.user_exists(website, user)?.is_none() {
            return Ok(None);
        }
        Ok(self
            .messages_where("WHERE m.user_id = ?1 AND m.id = ?2", &[&user, &id])?
            .pop())
    }

    /// Adds a message to a user's chat (the sandbox's control route), sent
    /// by the visitor or by the website's first operator, created `at`
    /// (milliseconds since the epoch); `None` when the user is not this
    /// website's. Ids continue the seeded ones, so copies that add the same
    /// messages in the same order agree.
    pub fn add_message(
        &self,
        website: i64,
        user: i64,
        new: &NewMessage,
        at: i64,
    ) -> Result<Option<StoredMessage>, StoreError> {
        if self.user_exists(website, user)?.is_none() {
            return Ok(None);
        }
        let operator: Option<i64> = if new.from_operator {
            let mut st = self
                .conn
                .prepare_cached("SELECT MIN(id) FROM operators WHERE website_id = ?1")?;
            st.query_row([website], |r| r.get(0))?
        } else {
            None
        };
        let id: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM messages")?
            .query_row([], |r| r.get(0))?;
        let attachment = new
            .attachment
            .then(|| format!("attachments/{id}/file-{id}.pdf"));
        self.conn.execute(
            "INSERT INTO messages (id, user_id, body, read_by_user, created_at, attachment, auto_invitation, operator_id, read_by_operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
            params![id, user, new.body, operator.is_none(), at, attachment, operator, operator.is_some()],
        )?;
        Ok(self
            .messages_where("WHERE m.user_id = ?1 AND m.id = ?2", &[&user, &id])?
            .pop())
    }

    fn user_exists(&self, website: i64, user: i64) -> Result<Option<i64>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM users WHERE website_id = ?1 AND id = ?2")?;
        Ok(st.query_row([website, user], |r| r.get(0)).optional()?)
    }

    /// Whether an attachment path exists (the signed-file route serves only these).
    pub fn attachment_exists(&self, path: &str) -> Result<bool, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM messages WHERE attachment = ?1")?;
        Ok(st.exists([path])?)
    }
}

/// Generates the seed data in one transaction. The random draws happen in
/// a fixed order (website, its operators, then each user with its
/// attributes and messages), so a seed always gives the same data.
struct Seeder<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    config: &'t SeedConfig,
    rng: ChaCha8Rng,
    /// 2024-01-01T00:00:00Z in milliseconds.
    base: i64,
    user_id: i64,
    message_id: i64,
}

impl Seeder<'_> {
    fn website(&mut self, id: i64) -> Result<Website, StoreError> {
        let secret = format!("sz_sandbox_site{id}_{:016x}", self.rng.next_u64());
        let name = format!("Website {id}");
        self.tx.execute(
            "INSERT INTO websites (id, name, secret) VALUES (?1, ?2, ?3)",
            params![id, name, secret],
        )?;
        let operators = self.operators(id)?;
        for _ in 0..self.config.users_per_website {
            self.user(id, &operators)?;
        }
        Ok(Website { id, name, secret })
    }

    fn operators(&mut self, website: i64) -> Result<Vec<i64>, StoreError> {
        let mut operators = Vec::new();
        for o in 0..3i64 {
            let op_id = website * 100 + o;
            let forename = FORENAMES[(op_id % 6) as usize];
            let surname = SURNAMES[((op_id / 6) % 6) as usize];
            let picture = (o != 0)
                .then(|| format!("https://files.signalzen.com/operators/{op_id}/thumb.png"));
            let email = format!(
                "{}.{}@example.com",
                forename.to_lowercase(),
                surname.to_lowercase()
            );
            self.tx.execute(
                "INSERT INTO operators VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![op_id, website, forename, surname, email, picture],
            )?;
            operators.push(op_id);
        }
        Ok(operators)
    }

    fn user(&mut self, website: i64, operators: &[i64]) -> Result<(), StoreError> {
        self.user_id += 1;
        let user_id = self.user_id;
        let rng = &mut self.rng;
        let created = self.base + (rng.next_u64() % 86_400_000 * 300) as i64 / 1000 * 1000;
        let anonymous = chance(rng, 25);
        let name = (!anonymous).then(|| pick(rng, &VISITORS).to_string());
        let email = (!anonymous).then(|| format!("visitor{user_id}@example.com"));
        let reference = chance(rng, 50).then(|| format!("ref-{user_id}"));
        let online = chance(rng, 70).then_some(created + 3_600_000);
        let last_url =
            chance(rng, 80).then(|| format!("https://www.example.com{}", pick(rng, &PAGES)));
        self.tx.execute(
            "INSERT INTO users VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                user_id,
                website,
                name,
                email,
                reference,
                created,
                created + 60_000,
                online,
                last_url
            ],
        )?;
        self.attributes(user_id)?;
        self.messages(user_id, created, operators)
    }

    fn attributes(&mut self, user_id: i64) -> Result<(), StoreError> {
        for position in 0..(self.rng.next_u64() % 4) as i64 {
            let (k, v) = match position {
                0 => ("company", format!("Company {}", user_id % 7)),
                1 => (
                    "plan",
                    ["free", "pro", "team"][(user_id % 3) as usize].to_string(),
                ),
                _ => ("visits", (user_id % 11).to_string()),
            };
            self.tx.execute(
                "INSERT INTO user_attributes VALUES (?1, ?2, ?3, ?4)",
                params![user_id, position, k, v],
            )?;
        }
        Ok(())
    }

    fn messages(
        &mut self,
        user_id: i64,
        created: i64,
        operators: &[i64],
    ) -> Result<(), StoreError> {
        let count = self.rng.next_u64() % (self.config.max_messages_per_user as u64 + 1);
        let mut at = created;
        for i in 0..count {
            self.message_id += 1;
            let message_id = self.message_id;
            let rng = &mut self.rng;
            // Every fourth message shares its predecessor's timestamp,
            // so ordering by (created_at, id) matters.
            if i % 4 != 3 {
                at += 1000 * (1 + (rng.next_u64() % 600) as i64);
            }
            // Some chats open with the widget's automatic invitation.
            let invitation = i == 0 && chance(rng, 30);
            let by_operator = i % 2 == 1 || invitation;
            let attachment =
                chance(rng, 15).then(|| format!("attachments/{message_id}/file-{message_id}.pdf"));
            let body = if attachment.is_some() && chance(rng, 50) {
                None
            } else {
                Some(pick(rng, &TEXTS).to_string())
            };
            let read_by_user = (!chance(rng, 10)).then(|| chance(rng, 70));
            let operator =
                by_operator.then(|| operators[(rng.next_u64() % operators.len() as u64) as usize]);
            let seen = chance(rng, 80);
            self.tx.execute(
                "INSERT INTO messages VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    message_id,
                    user_id,
                    body,
                    read_by_user,
                    at,
                    attachment,
                    invitation,
                    operator,
                    seen
                ],
            )?;
        }
        Ok(())
    }
}

/// A message row joined with its user and (for operator messages) its operator.
struct MessageRow {
    id: i64,
    body: Option<String>,
    read_by_user: Option<bool>,
    created_at: i64,
    attachment: Option<String>,
    auto_invitation: bool,
    read_by_operator: bool,
    user_id: i64,
    user_name: Option<String>,
    user_email: Option<String>,
    operator_id: Option<i64>,
    operator_forename: Option<String>,
    operator_surname: Option<String>,
    operator_email: Option<String>,
    operator_picture: Option<String>,
}

impl TryFrom<&rusqlite::Row<'_>> for MessageRow {
    type Error = rusqlite::Error;

    fn try_from(r: &rusqlite::Row<'_>) -> Result<Self, Self::Error> {
        Ok(MessageRow {
            id: r.get(0)?,
            body: r.get(1)?,
            read_by_user: r.get(2)?,
            created_at: r.get(3)?,
            attachment: r.get(4)?,
            auto_invitation: r.get(5)?,
            read_by_operator: r.get(6)?,
            user_id: r.get(7)?,
            user_name: r.get(8)?,
            user_email: r.get(9)?,
            operator_id: r.get(10)?,
            operator_forename: r.get(11)?,
            operator_surname: r.get(12)?,
            operator_email: r.get(13)?,
            operator_picture: r.get(14)?,
        })
    }
}

impl MessageRow {
    /// The message as the API answers it: an operator sender when the row
    /// has a complete operator, else the visitor.
    fn into_stored(self) -> Result<StoredMessage, StoreError> {
        let operator = (
            self.operator_id,
            self.operator_forename,
            self.operator_surname,
            self.operator_email,
        );
        let sender = match operator {
            (Some(id), Some(forename), Some(surname), Some(email)) => {
                MessageSender::Operator(OperatorSender {
                    id,
                    forename,
                    surname,
                    email,
                    picture_thumb_url: self.operator_picture,
                })
            }
            _ => MessageSender::User(VisitorSender {
                id: self.user_id,
                name: self.user_name,
                email: self.user_email,
            }),
        };
        Ok(StoredMessage {
            message: Message {
                id: self.id,
                body: self.body,
                read_by_user: self.read_by_user,
                created_at: time(self.created_at)?,
                file_url: None,
                auto_invitation: self.auto_invitation,
                read_by_operator: self.read_by_operator,
                sender,
            },
            attachment: self.attachment,
        })
    }
}
