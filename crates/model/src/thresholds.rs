//! Where a compilation's status per section turns green or yellow. A round carries its own
//! thresholds and the compilation reads them, so they live below both.

use serde::{Deserialize, Serialize};

/// The shares at which a part's status turns green or yellow: the share of the positive answer
/// (a choice scale's first option, *Ja*) among the part's answered questions; and the share of
/// organisations that must have submitted before any status is shown, so that a few early
/// answers do not paint the city's picture.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusThresholds {
    pub green: f64,
    pub yellow: f64,
    #[serde(default = "default_submitted")]
    pub submitted: f64,
}

/// Half of the organisations asked.
const DEFAULT_SUBMITTED: f64 = 0.5;

fn default_submitted() -> f64 {
    DEFAULT_SUBMITTED
}

impl StatusThresholds {
    /// Thresholds that make sense: shares between 0 and 1, yellow not above green.
    pub fn new(green: f64, yellow: f64, submitted: f64) -> Result<StatusThresholds, String> {
        let share = 0.0..=1.0;
        if !share.contains(&green) || !share.contains(&yellow) {
            return Err(format!(
                "gränserna för grön ({green}) och gul ({yellow}) ska vara andelar mellan 0 och 1"
            ));
        }
        if !share.contains(&submitted) {
            return Err(format!(
                "andelen inskickade svar ({submitted}) ska vara en andel mellan 0 och 1"
            ));
        }
        if yellow > green {
            return Err(format!(
                "gränsen för gul ({yellow}) kan inte ligga över gränsen för grön ({green})"
            ));
        }
        Ok(StatusThresholds {
            green,
            yellow,
            submitted,
        })
    }
}

impl Default for StatusThresholds {
    fn default() -> Self {
        StatusThresholds {
            green: 0.75,
            yellow: 0.5,
            submitted: DEFAULT_SUBMITTED,
        }
    }
}
