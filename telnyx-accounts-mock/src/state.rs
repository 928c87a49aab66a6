//! The mock's in-memory store: managed accounts with sorted indexes,
//! organization users and groups, and the seeded data generator.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use uuid::Uuid;

/// The internal status of a managed account.
///
/// Telnyx filters on it (`filter[status][eq]`) but does not send it in the
/// account objects; [`crate::MockServer::accounts`] exposes it to tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    /// Can use Telnyx services (the usual state; `POST .../actions/enable`).
    Enabled,
    /// Disabled by its manager (`POST .../actions/disable`).
    Disabled,
    /// Cancelled: hidden from lists unless asked for; cannot be enabled or disabled.
    Cancelled,
    /// Blocked by Telnyx: can be neither enabled nor disabled by the manager.
    Blocked,
}

impl AccountStatus {
    /// The status as written in `filter[status][eq]` (`"enabled"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Enabled => "enabled",
            AccountStatus::Disabled => "disabled",
            AccountStatus::Cancelled => "cancelled",
            AccountStatus::Blocked => "blocked",
        }
    }
}

/// An organization user's status (`user_status` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// `enabled`
    Enabled,
    /// `disabled`
    Disabled,
    /// `blocked`
    Blocked,
}

impl UserStatus {
    /// The wire value (`"enabled"`, `"disabled"`, `"blocked"`).
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Enabled => "enabled",
            UserStatus::Disabled => "disabled",
            UserStatus::Blocked => "blocked",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "enabled" => Some(UserStatus::Enabled),
            "disabled" => Some(UserStatus::Disabled),
            "blocked" => Some(UserStatus::Blocked),
            _ => None,
        }
    }
}

/// A snapshot of one managed account, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockAccount {
    /// The account id (a UUID, as on the wire).
    pub id: Uuid,
    /// The account's email.
    pub email: String,
    /// The organization name (`business_name` at creation).
    pub organization_name: String,
    /// Enabled, disabled, cancelled or blocked.
    pub status: AccountStatus,
    /// Global outbound channels allocated to this account.
    pub channel_limit: u64,
    /// `managed_account_allow_custom_pricing`.
    pub managed_account_allow_custom_pricing: bool,
    /// `rollup_billing`.
    pub rollup_billing: bool,
    /// `created_at`, RFC 3339 with milliseconds.
    pub created_at: String,
    /// `updated_at`, RFC 3339 with milliseconds.
    pub updated_at: String,
}

/// A group an organization user belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockGroup {
    /// The group id.
    pub id: String,
    /// The group name (`"Engineering"`, `"Sales"`, ...).
    pub name: String,
}

/// A snapshot of one organization user, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// The user id.
    pub id: String,
    /// The user's email.
    pub email: String,
    /// `enabled`, `disabled` or `blocked`.
    pub user_status: UserStatus,
    /// True for the organization owner (`record_type: organization_owner`).
    pub is_owner: bool,
    /// `created_at`.
    pub created_at: String,
    /// `last_sign_in_at` (`None` for users who never signed in).
    pub last_sign_in_at: Option<String>,
    /// `organization_user_bypasses_sso`.
    pub organization_user_bypasses_sso: bool,
    /// The user's groups.
    pub groups: Vec<MockGroup>,
}

pub(crate) struct Account {
    pub(crate) id: Uuid,
    pub(crate) id_str: String,
    pub(crate) email: String,
    pub(crate) email_lower: String,
    pub(crate) organization_name: String,
    pub(crate) org_lower: String,
    pub(crate) api_key: String,
    pub(crate) api_token: String,
    pub(crate) created_ms: i64,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) allow_custom_pricing: bool,
    pub(crate) rollup_billing: bool,
    pub(crate) status: AccountStatus,
    pub(crate) channel_limit: u64,
    pub(crate) balance_cents: i64,
    pub(crate) credit_limit_cents: i64,
}

impl Account {
    fn snapshot(&self) -> MockAccount {
        MockAccount {
            id: self.id,
            email: self.email.clone(),
            organization_name: self.organization_name.clone(),
            status: self.status,
            channel_limit: self.channel_limit,
            managed_account_allow_custom_pricing: self.allow_custom_pricing,
            rollup_billing: self.rollup_billing,
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) name: &'static str,
}

pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) email_lower: String,
    pub(crate) status: UserStatus,
    pub(crate) is_owner: bool,
    pub(crate) created_at: String,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) bypasses_sso: bool,
    /// Indexes into [`Store::groups`], in the groups' canonical order.
    pub(crate) groups: Vec<usize>,
}

/// Options that shape the seeded data.
#[derive(Debug, Clone)]
pub(crate) struct SeedOptions {
    pub(crate) accounts: usize,
    pub(crate) users: usize,
    pub(crate) seed: u64,
    pub(crate) channel_pool: u64,
}

/// Everything the mock knows. Guarded by one `RwLock` in the server.
pub(crate) struct Store {
    pub(crate) accounts: Vec<Account>,
    pub(crate) by_id: HashMap<Uuid, usize>,
    /// Account indexes sorted by (created_at, id), ascending.
    pub(crate) by_created: Vec<usize>,
    /// Account indexes sorted by (lowercased email, id), ascending.
    pub(crate) by_email: Vec<usize>,
    pub(crate) emails: HashSet<String>,
    pub(crate) channel_pool: u64,
    pub(crate) channels_allocated: u64,
    pub(crate) manager_id: String,
    pub(crate) manager_email: String,
    pub(crate) groups: Vec<Group>,
    pub(crate) users: Vec<User>,
    pub(crate) rng: fastrand::Rng,
}

const ADJECTIVES: &[&str] = &[
    "Acme",
    "Blue",
    "Bright",
    "Cedar",
    "Coastal",
    "Crescent",
    "Delta",
    "Evergreen",
    "Falcon",
    "Golden",
    "Granite",
    "Harbor",
    "Horizon",
    "Iron",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Liberty",
    "Maple",
    "Meridian",
    "Northwind",
    "Oak",
    "Pacific",
    "Pinnacle",
    "Prairie",
    "Quantum",
    "Redwood",
    "Riverstone",
    "Summit",
    "Silver",
    "Sterling",
    "Sunrise",
    "Tidewater",
    "Union",
    "Vertex",
    "Vista",
    "Westfield",
    "Willow",
    "Zenith",
    "Larry's",
];
const NOUNS: &[&str] = &[
    "Analytics",
    "Bakery",
    "Biotech",
    "Cat Food",
    "Clinics",
    "Communications",
    "Construction",
    "Consulting",
    "Dental",
    "Design",
    "Energy",
    "Engineering",
    "Foods",
    "Freight",
    "Health",
    "Hospitality",
    "Insurance",
    "Labs",
    "Legal",
    "Logistics",
    "Media",
    "Motors",
    "Networks",
    "Outfitters",
    "Partners",
    "Pharmacy",
    "Realty",
    "Robotics",
    "Software",
    "Telecom",
    "Travel",
    "Ventures",
];
const SUFFIXES: &[&str] = &["Inc", "LLC", "Ltd", "Co", "Group", "Corp", "GmbH", "PLC"];
const FIRST_NAMES: &[&str] = &[
    "alice", "amir", "ana", "ben", "carla", "chen", "david", "diego", "elena", "emma", "farah",
    "george", "hana", "ivan", "jack", "jane", "jose", "julia", "kenji", "laura", "liam", "lucas",
    "maria", "mei", "noah", "olivia", "omar", "priya", "rafael", "sara", "sofia", "tom", "uma",
    "victor", "wei", "yusuf", "zoe",
];
const LAST_NAMES: &[&str] = &[
    "adams", "baker", "chen", "costa", "dubois", "evans", "fischer", "garcia", "hughes", "ito",
    "jensen", "khan", "kim", "lopez", "martin", "mueller", "nguyen", "novak", "okafor", "patel",
    "quinn", "rossi", "santos", "schmidt", "silva", "smith", "tanaka", "walker", "wong", "young",
];
const GROUP_NAMES: &[&str] = &[
    "Engineering",
    "Sales",
    "Support",
    "Finance",
    "Marketing",
    "Operations",
];
const MAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];

pub(crate) fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn ts_from_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => format_ts(t),
        None => format_ts(Utc::now()),
    }
}

pub(crate) fn now() -> (i64, String) {
    let t = Utc::now();
    (t.timestamp_millis(), format_ts(t))
}

fn uuid_from(rng: &mut fastrand::Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    for b in bytes.iter_mut() {
        *b = rng.u8(..);
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn token(rng: &mut fastrand::Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|_| ALPHABET[rng.usize(..ALPHABET.len())] as char)
        .collect()
}

fn hex_upper(rng: &mut fastrand::Rng, len: usize) -> String {
    const HEX: &[u8] = b"0123456789ABCDEF";
    (0..len)
        .map(|_| HEX[rng.usize(..HEX.len())] as char)
        .collect()
}

fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Store {
    /// Builds a store with deterministic data derived from `opts.seed`.
    pub(crate) fn seeded(opts: &SeedOptions) -> Store {
        let mut rng = fastrand::Rng::with_seed(opts.seed);
        let manager_id = uuid_from(&mut rng).to_string();
        let manager_email = "manager@telnyx-mock.example.com".to_owned();
        let groups: Vec<Group> = GROUP_NAMES
            .iter()
            .map(|name| Group {
                id: uuid_from(&mut rng).to_string(),
                name,
            })
            .collect();
        let mut store = Store {
            accounts: Vec::with_capacity(opts.accounts),
            by_id: HashMap::with_capacity(opts.accounts),
            by_created: Vec::new(),
            by_email: Vec::new(),
            emails: HashSet::with_capacity(opts.accounts),
            channel_pool: opts.channel_pool,
            channels_allocated: 0,
            manager_id,
            manager_email,
            groups,
            users: Vec::new(),
            rng,
        };
        store.seed_accounts(opts.accounts);
        store.seed_users(opts.users);
        store
    }

    fn seed_accounts(&mut self, n: usize) {
        // Spread creation times from 2019-01-01 over about six years.
        let start_ms: i64 = 1_546_300_800_000;
        let span_ms: i64 = 6 * 365 * 24 * 3600 * 1000;
        let step = span_ms / (n.max(1) as i64);
        let channel_budget = self.channel_pool / 4;
        for i in 0..n {
            let rng = &mut self.rng;
            let org = format!(
                "{} {} {}",
                ADJECTIVES[rng.usize(..ADJECTIVES.len())],
                NOUNS[rng.usize(..NOUNS.len())],
                SUFFIXES[rng.usize(..SUFFIXES.len())]
            );
            let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
            let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
            let domain = format!("{}.example.com", slug(&org));
            let mut email = format!("{first}.{last}@{domain}");
            let mut k = 2;
            while self.emails.contains(&email) {
                email = format!("{first}.{last}{k}@{domain}");
                k += 1;
            }
            let rng = &mut self.rng;
            let created_ms = start_ms + step * i as i64 + rng.i64(0..step.max(1));
            let updated_ms = created_ms + rng.i64(0..90 * 24 * 3600 * 1000);
            let status = match (i, n) {
                // Guarantee one of each status in any store of four or more.
                (1, 4..) => AccountStatus::Disabled,
                (2, 4..) => AccountStatus::Cancelled,
                (3, 4..) => AccountStatus::Blocked,
                _ => match rng.u32(0..100) {
                    0..80 => AccountStatus::Enabled,
                    80..88 => AccountStatus::Disabled,
                    88..95 => AccountStatus::Cancelled,
                    _ => AccountStatus::Blocked,
                },
            };
            let id = uuid_from(rng);
            let rollup_billing = rng.u32(0..10) == 0;
            let (balance_cents, credit_limit_cents) = if rollup_billing {
                (0, 0)
            } else {
                (
                    rng.i64(0..500_000),
                    [0, 5_000, 10_000, 50_000][rng.usize(..4)],
                )
            };
            let mut channel_limit = 0;
            if rng.u32(0..3) == 0 {
                let want = rng.u64(1..=10);
                if self.channels_allocated + want <= channel_budget {
                    channel_limit = want;
                }
            }
            let api_key = format!("KEY{}_{}", hex_upper(rng, 32), token(rng, 22));
            let api_token = token(rng, 22);
            let allow_custom_pricing = rng.bool();
            self.channels_allocated += channel_limit;
            self.push_account(Account {
                id,
                id_str: id.to_string(),
                email_lower: email.to_lowercase(),
                email,
                org_lower: org.to_lowercase(),
                organization_name: org,
                api_key,
                api_token,
                created_ms,
                created_at: ts_from_ms(created_ms),
                updated_at: ts_from_ms(updated_ms),
                allow_custom_pricing,
                rollup_billing,
                status,
                channel_limit,
                balance_cents,
                credit_limit_cents,
            });
        }
        self.rebuild_indexes();
    }

    fn seed_users(&mut self, n: usize) {
        let start_ms: i64 = 1_514_764_800_000; // 2018-01-01
        let span_ms: i64 = 6 * 365 * 24 * 3600 * 1000;
        let step = span_ms / (n.max(1) as i64);
        let mut seen = HashSet::new();
        for i in 0..n {
            let rng = &mut self.rng;
            let is_owner = i == 0;
            let email = if is_owner {
                self.manager_email.clone()
            } else {
                let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
                let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
                let domain = MAIL_DOMAINS[rng.usize(..MAIL_DOMAINS.len())];
                let mut email = format!("{first}.{last}@{domain}");
                let mut k = 2;
                while seen.contains(&email) {
                    email = format!("{first}.{last}{k}@{domain}");
                    k += 1;
                }
                email
            };
            seen.insert(email.clone());
            let created_ms = start_ms + step * i as i64 + rng.i64(0..step.max(1));
            let status = if is_owner {
                UserStatus::Enabled
            } else {
                match (i, rng.u32(0..100)) {
                    (2, _) => UserStatus::Disabled,
                    (3, _) => UserStatus::Blocked,
                    (_, 0..80) => UserStatus::Enabled,
                    (_, 80..92) => UserStatus::Disabled,
                    _ => UserStatus::Blocked,
                }
            };
            let last_sign_in_at = if !is_owner && (i == 4 || rng.u32(0..4) == 0) {
                None
            } else {
                Some(ts_from_ms(created_ms + rng.i64(0..200 * 24 * 3600 * 1000)))
            };
            let mut groups: Vec<usize> = match i {
                0 => vec![5],
                // One user is always in "Engineering" and "Sales" (a CSV cell with a comma).
                1 => vec![0, 1],
                _ => (0..self.groups.len())
                    .filter(|_| rng.u32(0..4) == 0)
                    .collect(),
            };
            groups.sort_unstable();
            let id = uuid_from(rng).to_string();
            self.users.push(User {
                id,
                email_lower: email.to_lowercase(),
                email,
                status,
                is_owner,
                created_at: ts_from_ms(created_ms),
                last_sign_in_at,
                bypasses_sso: !is_owner && rng.u32(0..10) == 0,
                groups,
            });
        }
    }

    fn push_account(&mut self, account: Account) -> usize {
        let idx = self.accounts.len();
        self.by_id.insert(account.id, idx);
        self.emails.insert(account.email_lower.clone());
        self.accounts.push(account);
        idx
    }

    fn created_key(&self, idx: usize) -> (i64, &Uuid) {
        let a = &self.accounts[idx];
        (a.created_ms, &a.id)
    }

    fn email_key(&self, idx: usize) -> (&str, &Uuid) {
        let a = &self.accounts[idx];
        (a.email_lower.as_str(), &a.id)
    }

    fn rebuild_indexes(&mut self) {
        let mut by_created: Vec<usize> = (0..self.accounts.len()).collect();
        by_created.sort_by(|&a, &b| self.created_key(a).cmp(&self.created_key(b)));
        let mut by_email: Vec<usize> = (0..self.accounts.len()).collect();
        by_email.sort_by(|&a, &b| self.email_key(a).cmp(&self.email_key(b)));
        self.by_created = by_created;
        self.by_email = by_email;
    }

    /// Adds an account created over the API and keeps both indexes sorted.
    pub(crate) fn insert_account(&mut self, account: Account) -> usize {
        let idx = self.push_account(account);
        let key = self.created_key(idx);
        let pos = self
            .by_created
            .partition_point(|&i| self.created_key(i) < key);
        self.by_created.insert(pos, idx);
        let key = self.email_key(idx);
        let pos = self.by_email.partition_point(|&i| self.email_key(i) < key);
        self.by_email.insert(pos, idx);
        idx
    }

    pub(crate) fn account_index(&self, id: &str) -> Option<usize> {
        let id = Uuid::parse_str(id).ok()?;
        self.by_id.get(&id).copied()
    }

    pub(crate) fn new_id(&mut self) -> Uuid {
        loop {
            let id = uuid_from(&mut self.rng);
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    pub(crate) fn new_api_key(&mut self) -> (String, String) {
        let rng = &mut self.rng;
        (
            format!("KEY{}_{}", hex_upper(rng, 32), token(rng, 22)),
            token(rng, 22),
        )
    }

    /// An email derived from the manager's, for accounts created without one.
    pub(crate) fn generated_email(&mut self) -> String {
        let (local, domain) = self
            .manager_email
            .split_once('@')
            .unwrap_or(("manager", "telnyx-mock.example.com"));
        loop {
            let tag = hex_upper(&mut self.rng, 8).to_lowercase();
            let email = format!("{local}+managed-{tag}@{domain}");
            if !self.emails.contains(&email) {
                return email;
            }
        }
    }

    pub(crate) fn account_snapshots(&self) -> Vec<MockAccount> {
        self.by_created
            .iter()
            .map(|&i| self.accounts[i].snapshot())
            .collect()
    }

    pub(crate) fn account_snapshot(&self, id: &str) -> Option<MockAccount> {
        self.account_index(id).map(|i| self.accounts[i].snapshot())
    }

    pub(crate) fn user_snapshots(&self) -> Vec<MockUser> {
        self.users
            .iter()
            .map(|u| MockUser {
                id: u.id.clone(),
                email: u.email.clone(),
                user_status: u.status,
                is_owner: u.is_owner,
                created_at: u.created_at.clone(),
                last_sign_in_at: u.last_sign_in_at.clone(),
                organization_user_bypasses_sso: u.bypasses_sso,
                groups: u
                    .groups
                    .iter()
                    .filter_map(|&g| self.groups.get(g))
                    .map(|g| MockGroup {
                        id: g.id.clone(),
                        name: g.name.to_owned(),
                    })
                    .collect(),
            })
            .collect()
    }
}
