//! The clearing authorities' keys: sr25519 under key type `clea` in the node's keystore.
use sp_application_crypto::{app_crypto, sr25519, KeyTypeId};

/// Key type of clearing authority keys (`wattle-node key insert --key-type clea`).
pub const CLEARING_KEY_TYPE: KeyTypeId = KeyTypeId(*b"clea");

app_crypto!(sr25519, CLEARING_KEY_TYPE);
