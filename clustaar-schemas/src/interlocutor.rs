//! The person the bot talks with, and where they are.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::text::Text;
use super::text_fields;

/// A point on Earth, in degrees.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Coordinates {
    /// Latitude (a JSON number, kept as sent).
    #[serde(default)]
    pub lat: Option<Number>,
    /// Longitude (a JSON number, kept as sent).
    #[serde(default)]
    pub long: Option<Number>,
}

impl Coordinates {
    /// A point; a non-finite coordinate is written `null`.
    pub fn new(lat: f64, long: f64) -> Self {
        Self {
            lat: Number::from_f64(lat),
            long: Number::from_f64(long),
        }
    }

    /// The latitude as a float.
    pub fn lat(&self) -> Option<f64> {
        self.lat.as_ref()?.as_f64()
    }

    /// The longitude as a float.
    pub fn long(&self) -> Option<f64> {
        self.long.as_ref()?.as_f64()
    }
}

/// The person the bot talks with (`webhook_interlocutor`).
///
/// Fields the platform did not send are `None` (and written back as `null`). Names, e-mail and
/// phone number are HTML-sanitised on load, names and phone number NFKC-normalised.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Interlocutor {
    /// The interlocutor's id on the platform.
    #[serde(default)]
    pub id: Option<String>,
    /// The id given by the channel (Messenger, the web chat, ...).
    #[serde(rename = "userID", default)]
    pub user_id: Option<String>,
    /// The id given by the bot's owner (for a logged-in user of the site; optional, nullable).
    #[serde(rename = "externalID", default)]
    pub external_id: Option<String>,
    /// Where the interlocutor is, when they shared it (nullable).
    #[serde(default)]
    pub location: Option<Coordinates>,
    /// E-mail address (up to 2000 characters, nullable).
    #[serde(default, deserialize_with = "text_fields::html")]
    pub email: Option<Text>,
    /// First name (up to 2000 characters, nullable).
    #[serde(
        rename = "firstName",
        default,
        deserialize_with = "text_fields::html_nfkc"
    )]
    pub first_name: Option<Text>,
    /// Last name (up to 2000 characters, nullable).
    #[serde(
        rename = "lastName",
        default,
        deserialize_with = "text_fields::html_nfkc"
    )]
    pub last_name: Option<Text>,
    /// Phone number (up to 2000 characters, nullable).
    #[serde(
        rename = "phoneNumber",
        default,
        deserialize_with = "text_fields::html_nfkc"
    )]
    pub phone_number: Option<Text>,
    /// Attributes set by the bot (`set_user_attribute_action`): word-character keys to strings.
    #[serde(rename = "customAttributes", default)]
    pub custom_attributes: Option<Map<String, Value>>,
    /// Whether the user is logged in on the bot owner's site (optional, nullable).
    #[serde(rename = "isLogged", default)]
    pub is_logged: Option<bool>,
    /// Whether the conversation is a test from the bot's editor (optional, nullable).
    #[serde(rename = "usedToTest", default)]
    pub used_to_test: Option<bool>,
}

impl Interlocutor {
    /// A custom attribute, if it is a string.
    pub fn custom_attribute(&self, key: &str) -> Option<&str> {
        self.custom_attributes.as_ref()?.get(key)?.as_str()
    }
}
