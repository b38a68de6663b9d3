//! The form of the platform's step ids: MongoDB ObjectIDs, in lowercase.

/// Whether `id` has the form of the platform's step ids, MongoDB ObjectIDs: 24 lowercase
/// hexadecimal digits.
///
/// ```
/// use clustaar_webhook_core::object_id::is_object_id;
/// assert!(is_object_id("507f191e810c19729de860ea"));
/// assert!(!is_object_id("507F191E810C19729DE860EA"));
/// assert!(!is_object_id("1234"));
/// ```
pub fn is_object_id(id: &str) -> bool {
    id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `id` is an ObjectID written with uppercase digits: not a step id as the platform
/// sends them ([`is_object_id`] refuses it), but its lowercase form is one. Lets a message say
/// "write it in lowercase" instead of "this is not a step id".
///
/// ```
/// use clustaar_webhook_core::object_id::is_uppercase_object_id;
/// assert!(is_uppercase_object_id("507F191E810C19729DE860EA"));
/// assert!(!is_uppercase_object_id("507f191e810c19729de860ea"));
/// assert!(!is_uppercase_object_id("XYZ"));
/// ```
pub fn is_uppercase_object_id(id: &str) -> bool {
    !is_object_id(id) && is_object_id(&id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_hexadecimal_of_24_digits() {
        assert!(is_object_id("0123456789abcdef01234567"));
        assert!(!is_object_id("0123456789abcdef0123456"));
        assert!(!is_object_id("0123456789abcdef012345678"));
        assert!(!is_object_id("0123456789abcdeg01234567"));
        assert!(!is_object_id("0123456789abcdeF01234567"));
        assert!(!is_object_id(""));
    }

    #[test]
    fn uppercase_is_told_apart_from_other_forms() {
        assert!(is_uppercase_object_id("0123456789abcdeF01234567"));
        assert!(is_uppercase_object_id("0123456789ABCDEF01234567"));
        assert!(!is_uppercase_object_id("0123456789abcdef01234567"));
        assert!(!is_uppercase_object_id("0123456789ABCDEG01234567"));
        assert!(!is_uppercase_object_id("0123456789ABCDEF"));
    }
}
