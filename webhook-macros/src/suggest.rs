//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `" (did you mean `x`?)"`, or nothing.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    nearest(word, candidates)
        .map(|candidate| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["step_reached", "step_id", "priority"];
        assert_eq!(nearest("step_reahced", &names), Some("step_reached"));
        assert_eq!(nearest("stepid", &names), Some("step_id"));
        assert_eq!(nearest("priorty", &names), Some("priority"));
        assert_eq!(nearest("banana", &names), None);
    }
}
