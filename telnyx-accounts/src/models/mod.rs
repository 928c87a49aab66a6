//! The values the API returns, typed: uuids, timestamps, open enums, secrets.
//!
//! # Building models
//!
//! The models are `#[non_exhaustive]` (Telnyx adds fields; so will this
//! crate), so they cannot be written as struct literals outside it. Build
//! them with their builders, for your own tests or to rebuild them from your
//! storage; every field is public, so a built model can also be changed in
//! place:
//!
//! ```
//! use telnyx_accounts::{ManagedAccount, OrganizationUser, Page, PageMeta, UserStatus};
//!
//! let account = ManagedAccount::builder()
//!     .id(uuid::Uuid::new_v4())
//!     .email("larry@example.com")
//!     .api_key("KEY0123")
//!     .build();
//! let user = OrganizationUser::builder()
//!     .id("u1")
//!     .email("ops@example.com")
//!     .user_status(UserStatus::Enabled)
//!     .build();
//! let page = Page::new(vec![user], PageMeta::builder().page_number(1).total_pages(1).build());
//! assert!(!page.has_next_page());
//! # let _ = account;
//! ```
//!
//! A builder starts from empty values: `""` for text, the nil UUID for ids,
//! the Unix epoch for timestamps, `None` for options, the one documented
//! `record_type`.
//!
//! # Serde
//!
//! Every model is `Serialize` and `Deserialize`, with Telnyx's field names;
//! what this crate serializes reads back equal, except secrets:
//! [`SecretString`](crate::SecretString)s serialize as `[REDACTED]` unless
//! you opt in with [`crate::secret::expose_secrets`] or
//! `#[serde(with = "telnyx_accounts::secret::expose")]` (see
//! [`crate::secret`] for a cache of accounts). With the `schemars` feature,
//! every model is also `schemars::JsonSchema`.
//!
//! # Enums
//!
//! The rule, for every enum in this crate:
//!
//! - **Every enum is `#[non_exhaustive]`**: a `match` on one needs a `_`
//!   arm, so a variant added in a later version does not break your build.
//! - **Open enums** are the values Telnyx sends ([`UserStatus`],
//!   [`UserRecordType`], [`ManagedAccountRecordType`]). A value this version
//!   does not know decodes to `Unknown`, holding an [`UnknownValue`] that can
//!   be read with `as_str()` but not built or matched by its content. When a
//!   later version adds a variant for that value, `from("…")`, `as_str()`
//!   and `Display` give the same results as before; only code that matched
//!   `Unknown` would change meaning, which is why that variant is deprecated
//!   for matching. Compare `as_str()` instead:
//!
//!   ```
//!   use telnyx_accounts::UserStatus;
//!
//!   # let status = UserStatus::from("suspended");
//!   match &status {
//!       UserStatus::Enabled => println!("can sign in"),
//!       other if other.as_str() == "suspended" => println!("suspended (new in the API)"),
//!       other => println!("status {other}"),
//!   }
//!   ```
//!
//!   Open enums that are also request parameters (`user_status` of the
//!   users list) send only the documented values: an unknown one is refused
//!   with [`Error::InvalidRequest`](crate::Error::InvalidRequest) before
//!   anything is sent, so that a typo is not sent as a filter.
//! - **Closed enums** are values only we send ([`ManagedAccountStatus`],
//!   [`ManagedAccountSort`]): no `Unknown`, `Copy`, `as_str()` gives a
//!   `&'static str`, and deserializing an unknown string is an error. Telnyx
//!   returns neither (they are filters and sort orders, not fields), so an
//!   unknown one could only come from your own input. A value Telnyx adds
//!   becomes a new variant in a minor release, which `#[non_exhaustive]`
//!   makes a compatible change; until then this crate cannot send it.
//!
//! # Nulls and missing fields
//!
//! Unknown JSON fields are ignored. In a response body, a `null` reads as if
//! the field were absent, decided per field as follows:
//!
//! | Field | `null` or absent |
//! |---|---|
//! | every field the spec marks optional, in every model | `None` |
//! | `data` of a list page | an empty page, which ends a walk |
//! | `meta` of a list page, and each of its numbers | `0` in [`PageMeta`](crate::PageMeta), which ends a walk after this page |
//! | `groups` of a user | `Some(vec![])` when groups were asked for, else `None` |
//! | `id` of an organization user (optional in the spec) | `""`: the user is kept; it cannot be retrieved or removed by id |
//! | `data` of the groups report | an empty report |
//! | `data` of a single-object response | [`Error::Decode`](crate::Error::Decode): there is no object to return |
//! | a field the spec requires (an account's `id`, `email`, `api_key`, timestamps; a report row's `groups`...) | [`Error::Decode`](crate::Error::Decode) |
//!
//! A decode error fails the one call it happened in, never a whole walk
//! silently: the stream yields the error.
//!
//! # Timestamps
//!
//! The spec calls `created_at`, `updated_at` and `last_sign_in_at` "ISO
//! 8601", and they are read as [`chrono::DateTime<Utc>`]. Besides RFC 3339
//! (`2018-02-02T22:25:27.521Z`), every ISO 8601 extended date-time is
//! accepted: `T` (either case) or a space between date and time; seconds
//! with or without a fraction (after `.` or `,`), or none (`hh:mm`); an
//! offset of `Z`,
//! `±hh:mm`, `±hhmm` or `±hh`, or **none, which means UTC**. So
//! `2018-02-02T22:25:27` and `2018-02-02 22:25:27.521+00:00` decode to the
//! instants they name. A value that is not a date-time at all (a bare date
//! such as `2018-02-02`, a time without a date, `2018-02-30T00:00:00`,
//! text) is [`Error::Decode`](crate::Error::Decode), as is a required
//! timestamp that is missing. The forms other than RFC 3339 cost nothing on
//! the common path: they are rewritten only in the second decoding pass,
//! after a body did not fit as sent.

mod builder;
pub(crate) mod decode;
mod enums;
mod generated;
mod managed_account;
mod nulls;
mod timestamps;
mod user;

pub(crate) use builder::builder;
pub use enums::{
    ManagedAccountRecordType, ManagedAccountSort, ManagedAccountStatus, UnknownValue,
    UserRecordType, UserStatus,
};
pub(crate) use generated::{open_value, FromGenerated};
pub use managed_account::{
    AllocatableChannels, AllocatableChannelsBuilder, Amount, Balance, BalanceBuilder, ChannelLimit,
    ChannelLimitBuilder, ManagedAccount, ManagedAccountBuilder, ManagedAccountListing,
    ManagedAccountListingBuilder,
};
pub(crate) use nulls::{null_as_default, remove_nulls};
pub(crate) use timestamps::normalize_timestamps;
#[cfg(feature = "csv")]
pub(crate) use user::GroupsReportCsvRow;
pub use user::{
    GroupsReportRow, GroupsReportRowBuilder, OrganizationUser, OrganizationUserBuilder, UserGroup,
    UserGroupBuilder,
};
