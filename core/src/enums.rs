//! String enums that keep values they do not know: Alipay adds statuses and codes over time, and a
//! client must not fail on a value it has never seen.

/// Declares a string enum with an `Unknown(String)` variant, `as_str`, `Display`, `From<&str>` and serde.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}

pub(crate) use open_enum;

/// Deserializes Alipay's `Y`/`N` flags as `Option<bool>`.
pub(crate) mod yes_no {
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        let v = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
        match v.as_deref() {
            None | Some("") => Ok(None),
            Some("Y" | "y") => Ok(Some(true)),
            Some("N" | "n") => Ok(Some(false)),
            Some(other) => Err(serde::de::Error::custom(format!("expected Y or N, got {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    open_enum! {
        /// A test enum.
        pub enum Color {
            /// Red.
            Red = "RED",
        }
    }

    #[test]
    fn unknown_values_round_trip() {
        let c: Color = serde_json::from_str("\"PURPLE\"").expect("unknown is fine");
        assert_eq!(c, Color::Unknown("PURPLE".into()));
        assert_eq!(serde_json::to_string(&c).expect("ser"), "\"PURPLE\"");
        assert_eq!(Color::from("RED"), Color::Red);
    }
}
