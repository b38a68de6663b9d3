//! The overview's chart: events received, done and failed a minute, as an SVG drawn on the
//! server (three bars a minute, a scale, a legend; a table of the same figures for screen
//! readers and for reading exact values).

use maud::{html, Markup};

use crate::inbox::Minute;

/// Width of one minute's group of bars.
const MINUTE_WIDTH: u32 = 12;
/// Height of the bars' area.
const HEIGHT: u32 = 140;
/// Room left of the bars for the scale.
const LEFT: u32 = 40;
/// Room under the bars for the times.
const BOTTOM: u32 = 18;

/// The chart of `minutes` (oldest first).
pub(crate) fn chart(minutes: &[Minute]) -> Markup {
    let top = minutes
        .iter()
        .map(|m| m.accepted.max(m.done).max(m.failed))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LEFT + MINUTE_WIDTH * u32::try_from(minutes.len()).unwrap_or(60) + 4;
    let bar = |value: u64| -> u32 {
        let height = (value as f64 / top as f64 * f64::from(HEIGHT)).round();
        let height = height.clamp(0.0, f64::from(HEIGHT)) as u32;
        if value > 0 {
            height.max(1)
        } else {
            0
        }
    };
    let series = [
        ("accepted", 0, "received"),
        ("done", 4, "done"),
        ("failed", 8, "failed"),
    ];
    let totals = (
        minutes.iter().map(|m| m.accepted).sum::<u64>(),
        minutes.iter().map(|m| m.done).sum::<u64>(),
        minutes.iter().map(|m| m.failed).sum::<u64>(),
    );
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {width} {}", HEIGHT + BOTTOM)) role="img"
                aria-labelledby="chart-title" {
                title #chart-title {
                    (format!("Over the last {} minutes: {} received, {} done, {} failed",
                        minutes.len(), totals.0, totals.1, totals.2))
                }
                line.axis x1=(LEFT) y1=(HEIGHT) x2=(width) y2=(HEIGHT) {}
                line.grid x1=(LEFT) y1="0" x2=(width) y2="0" {}
                text.scale x=(LEFT - 4) y="10" text-anchor="end" { (top) }
                text.scale x=(LEFT - 4) y=(HEIGHT) text-anchor="end" { "0" }
                @for (at, minute) in minutes.iter().enumerate() {
                    @let x = LEFT + MINUTE_WIDTH * u32::try_from(at).unwrap_or(0);
                    @for (class, offset, _) in series {
                        @let value = match class {
                            "accepted" => minute.accepted,
                            "done" => minute.done,
                            _ => minute.failed,
                        };
                        @let height = bar(value);
                        @if height > 0 {
                            rect class=(class) x=(x + offset) y=(HEIGHT - height) width="3"
                                height=(height) {
                                title { (super::view::time(minute.start)) ": " (value) " " (class) }
                            }
                        }
                    }
                }
                text.scale x=(LEFT) y=(HEIGHT + BOTTOM - 4) {
                    (format!("−{} min", minutes.len()))
                }
                text.scale x=(width - 4) y=(HEIGHT + BOTTOM - 4) text-anchor="end" { "now" }
            }
            figcaption {
                @for (class, _, label) in series {
                    span.legend { span class=(format!("swatch {class}")) {} (label) }
                }
                " a minute, UTC. Last hour: "
                (totals.0) " received, " (totals.1) " done, " (totals.2) " failed."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_busiest_minute() {
        let minutes = [
            Minute {
                start: 0,
                accepted: 10,
                done: 5,
                failed: 0,
            },
            Minute {
                start: 60_000,
                accepted: 0,
                done: 0,
                failed: 1,
            },
        ];
        let svg = chart(&minutes).into_string();
        assert!(
            svg.contains(r#"class="accepted" x="40" y="0" width="3" height="140""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"class="done" x="44" y="70" width="3" height="70""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"class="failed" x="60" y="126" width="3" height="14""#),
            "{svg}"
        );
        assert!(svg.contains("10 received, 5 done, 1 failed"), "{svg}");
    }
}
