/**
 * Okabe–Ito: eight colours that stay distinct for the common colour-vision deficiencies. Series also
 * differ by dash pattern or marker so no meaning rests on colour alone.
 */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** Series colours in the order charts use them. */
export const SERIES = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
] as const;

/** Good → bad for three-part stacks (confirmed / answered / empty; pass / miss by one / more). */
export const STACK = [OKABE_ITO.bluishGreen, OKABE_ITO.skyBlue, "#D9DDE4"] as const;
export const STACK_RISK = [OKABE_ITO.bluishGreen, OKABE_ITO.orange, OKABE_ITO.vermillion] as const;

/** Light fills for predicate bands behind a line (alternating, so neighbours are told apart without hue). */
export const BAND_FILLS = ["#E8F1F8", "#FDF3E1", "#E6F4EF", "#F6EAF1", "#FBE9E0", "#EEF6FC", "#F4F4F4"] as const;

export const DASHES = ["", "6 3", "2 3", "8 3 2 3"] as const;

export const GRID = "#D9DDE4";
/** Thresholds (WBK/WBBM minima, area minima): solid grey, so they never pass for a data series. */
export const THRESHOLD = "#4A5261";
export const AXIS = "#5B6475";
