//! Balances in JSON as decimal strings: a planck amount easily passes 2^53, beyond which a
//! JavaScript number loses precision. Use with `#[serde(with = "balance_string")]`; numbers are
//! accepted when reading too.
use core::fmt;
use serde::{de, Deserializer, Serializer};

/// Writes `value` as a decimal string.
pub fn serialize<S: Serializer>(value: &u128, serializer: S) -> Result<S::Ok, S::Error> {
	serializer.collect_str(value)
}

/// Reads a decimal string or a non-negative integer.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
	struct Planck;
	impl de::Visitor<'_> for Planck {
		type Value = u128;
		fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
			f.write_str("an amount of planck as a decimal string or an integer")
		}
		fn visit_str<E: de::Error>(self, text: &str) -> Result<u128, E> {
			text.parse().map_err(E::custom)
		}
		fn visit_u64<E: de::Error>(self, value: u64) -> Result<u128, E> {
			Ok(value as u128)
		}
		fn visit_u128<E: de::Error>(self, value: u128) -> Result<u128, E> {
			Ok(value)
		}
	}
	deserializer.deserialize_any(Planck)
}

/// The same for an optional amount: a decimal string or `null`.
pub mod option {
	use serde::{Deserialize, Deserializer, Serializer};

	pub fn serialize<S: Serializer>(
		value: &Option<u128>,
		serializer: S,
	) -> Result<S::Ok, S::Error> {
		match value {
			Some(value) => super::serialize(value, serializer),
			None => serializer.serialize_none(),
		}
	}

	pub fn deserialize<'de, D: Deserializer<'de>>(
		deserializer: D,
	) -> Result<Option<u128>, D::Error> {
		#[derive(Deserialize)]
		struct Planck(#[serde(with = "super")] u128);
		Ok(Option::<Planck>::deserialize(deserializer)?.map(|planck| planck.0))
	}
}
