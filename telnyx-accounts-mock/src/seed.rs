//! The seeded data: word lists and the deterministic generator behind
//! [`Store::seeded`]. The same seed and counts give the same ids, names and
//! timestamps on every run.

use std::collections::{HashMap, HashSet};

use chrono::{SecondsFormat, TimeZone, Utc};

use crate::random::{hex_upper, token, uuid_from};
use crate::state::{Account, AccountStatus, Group, SeedOptions, Store, User, UserStatus};

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

/// The RFC 3339 forms Telnyx's timestamps come in. Seeded timestamps cycle
/// through all four, so clients' parsers meet each one.
#[derive(Debug, Clone, Copy)]
enum TsForm {
    /// `2024-03-01T12:00:00.123Z`
    Millis,
    /// `2024-03-01T12:00:00Z`
    Seconds,
    /// `2024-03-01T12:00:00.123456Z`
    Micros,
    /// `2024-03-01T12:00:00.123+00:00`
    Offset,
}

impl TsForm {
    /// The form for the `n`th seeded timestamp.
    fn nth(n: usize) -> TsForm {
        match n % 4 {
            0 => TsForm::Millis,
            1 => TsForm::Seconds,
            2 => TsForm::Micros,
            _ => TsForm::Offset,
        }
    }
}

/// Formats `ms` (milliseconds since the epoch) in `form`. The microseconds
/// form adds sub-millisecond digits derived from `ms`, so they look real.
fn ts_from_ms(ms: i64, form: TsForm) -> String {
    let Some(t) = Utc.timestamp_millis_opt(ms).single() else {
        return crate::state::format_ts(Utc::now());
    };
    match form {
        TsForm::Millis => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        TsForm::Seconds => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        TsForm::Micros => {
            let extra = chrono::Duration::microseconds(ms.rem_euclid(997));
            (t + extra).to_rfc3339_opts(SecondsFormat::Micros, true)
        }
        TsForm::Offset => t.to_rfc3339_opts(SecondsFormat::Millis, false),
    }
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
                name: (*name).to_owned(),
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
                created_at: ts_from_ms(created_ms, TsForm::nth(i)),
                updated_at: ts_from_ms(updated_ms, TsForm::nth(i + 1)),
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
                Some(ts_from_ms(
                    created_ms + rng.i64(0..200 * 24 * 3600 * 1000),
                    TsForm::nth(i + 2),
                ))
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
                created_at: ts_from_ms(created_ms, TsForm::nth(i)),
                last_sign_in_at,
                bypasses_sso: !is_owner && rng.u32(0..10) == 0,
                groups,
            });
        }
    }
}
