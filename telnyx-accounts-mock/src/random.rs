//! Random ids, tokens and hex strings from a seeded generator: what the seed
//! data and the store's new records are made of (a leaf: it uses nothing
//! else of the mock).

use uuid::Uuid;

pub(crate) fn uuid_from(rng: &mut fastrand::Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    for b in bytes.iter_mut() {
        *b = rng.u8(..);
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

pub(crate) fn token(rng: &mut fastrand::Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|_| ALPHABET[rng.usize(..ALPHABET.len())] as char)
        .collect()
}

pub(crate) fn hex_upper(rng: &mut fastrand::Rng, len: usize) -> String {
    const HEX: &[u8] = b"0123456789ABCDEF";
    (0..len)
        .map(|_| HEX[rng.usize(..HEX.len())] as char)
        .collect()
}
