//! HTTP route paths: `/` then segments, each literal (`github`) or a whole `{name}` parameter.

/// Why a route path is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutePathError {
    /// The path does not start with `/`.
    #[error("it must start with `/`")]
    NoLeadingSlash,
    /// A segment has a brace but is not a whole `{name}` parameter (`a{slug}`, `{}`, `{a-b}`).
    #[error("the segment `{segment}` must be literal or a whole `{{name}}` parameter")]
    InvalidSegment {
        /// The segment, as written.
        segment: String,
    },
}

/// Checks a route path: `/` then segments, each literal or a whole `{name}` parameter (a name
/// is ASCII letters, digits and `_`).
///
/// ```
/// use clustaar_webhook_core::route_path::{check_path, RoutePathError};
/// assert_eq!(check_path("/hooks/{slug}"), Ok(()));
/// assert_eq!(check_path("hooks"), Err(RoutePathError::NoLeadingSlash));
/// assert_eq!(
///     check_path("/hooks/a{slug}").unwrap_err().to_string(),
///     "the segment `a{slug}` must be literal or a whole `{name}` parameter"
/// );
/// ```
pub fn check_path(path: &str) -> Result<(), RoutePathError> {
    if !path.starts_with('/') {
        return Err(RoutePathError::NoLeadingSlash);
    }
    for segment in path.split('/').skip(1) {
        let is_param = segment.len() > 2
            && segment.starts_with('{')
            && segment.ends_with('}')
            && segment[1..segment.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if segment.contains(['{', '}']) && !is_param {
            return Err(RoutePathError::InvalidSegment {
                segment: segment.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(check_path("/"), Ok(()));
        assert_eq!(check_path("/hooks/{slug}/x/{id_2}"), Ok(()));
        assert_eq!(check_path("hooks"), Err(RoutePathError::NoLeadingSlash));
        assert!(check_path("/hooks/a{slug}").is_err());
        assert!(check_path("/hooks/{}").is_err());
        assert!(check_path("/hooks/{a-b}").is_err());
        assert!(check_path("/hooks/{slug").is_err());
    }

    #[test]
    fn messages() {
        assert_eq!(
            RoutePathError::NoLeadingSlash.to_string(),
            "it must start with `/`"
        );
        assert_eq!(
            check_path("/a/{}").unwrap_err().to_string(),
            "the segment `{}` must be literal or a whole `{name}` parameter"
        );
    }
}
