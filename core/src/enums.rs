//! String enums that keep values they do not know: Alipay adds statuses and codes over time, and a
//! client must not fail on a value it has never seen.

/// Declares a string enum with an `Unknown(String)` variant, `as_str`, `Display`, `From<&str>` and serde.
macro_rules! open_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[doc = $vdoc])* $variant, )+
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

        /// To other languages: one of the known values, or any other text (kept, never refused).
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                concat!(stringify!($name), "OrOther").into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                /// The known values alone, under the enum's own name.
                struct Known;

                impl schemars::JsonSchema for Known {
                    fn schema_name() -> std::borrow::Cow<'static, str> {
                        stringify!($name).into()
                    }

                    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                        let docs: &[&str] = &[$($doc),*];
                        $crate::enums::known_values_schema(
                            docs,
                            &[$($text),+],
                            &[$(stringify!($variant)),+],
                            &[$(&[$($vdoc),*]),+],
                        )
                    }
                }

                schemars::json_schema!({
                    "anyOf": [generator.subschema_for::<Known>(), {"type": "string"}],
                })
            }
        }

        // To Kotlin and Swift: its wire text (a known value or any other, kept).
        #[cfg(feature = "uniffi")]
        uniffi::custom_type!($name, String, {
            lower: |value| value.as_str().to_string(),
            try_lift: |text| Ok($name::from(text.as_str())),
        });

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}

pub(crate) use open_enum;

/// The schema of an open enum's known values: their texts, each with the name a generated enum member
/// takes (`WaitBuyerPay` → `WAIT_BUYER_PAY`, as `x-enum-varnames`) and its description.
#[cfg(feature = "schema")]
pub(crate) fn known_values_schema(
    docs: &[&str],
    texts: &[&str],
    variants: &[&str],
    variant_docs: &[&[&str]],
) -> schemars::Schema {
    let joined = |lines: &[&str]| lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
    let names: Vec<String> = variants.iter().map(|v| screaming_snake(v)).collect();
    let descriptions: Vec<String> = variant_docs.iter().map(|d| joined(d)).collect();
    schemars::json_schema!({
        "type": "string",
        "description": joined(docs),
        "enum": texts,
        "x-enum-varnames": names,
        "x-enum-descriptions": descriptions,
    })
}

/// `WaitBuyerPay` → `WAIT_BUYER_PAY`.
#[cfg(feature = "schema")]
fn screaming_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

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
