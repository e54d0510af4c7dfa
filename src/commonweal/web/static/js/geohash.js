// Geohash cells and the distance between them, as domain/aid/geohash.py computes them:
// a post names only a coarse cell (at most 5 characters, about 5 km), and the board
// works out distances from the member's own cell here, in the browser.

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";
export const MAX_PRECISION = 5;
const EARTH_RADIUS_KM = 6371.0088;

export function isArea(text) {
  return typeof text === "string" && text.length > 0 && text.length <= MAX_PRECISION && [...text].every((c) => ALPHABET.includes(c));
}

// [latitude, longitude] of the centre of a cell.
export function centre(cell) {
  let [latLo, latHi, lonLo, lonHi] = [-90, 90, -180, 180];
  let even = true;
  for (const char of cell) {
    const bits = ALPHABET.indexOf(char);
    for (let shift = 4; shift >= 0; shift--) {
      const bit = (bits >> shift) & 1;
      if (even) {
        const mid = (lonLo + lonHi) / 2;
        if (bit) lonLo = mid; else lonHi = mid;
      } else {
        const mid = (latLo + latHi) / 2;
        if (bit) latLo = mid; else latHi = mid;
      }
      even = !even;
    }
  }
  return [(latLo + latHi) / 2, (lonLo + lonHi) / 2];
}

// The cell of a point, `precision` characters long.
export function encode(latitude, longitude, precision = MAX_PRECISION) {
  let [latLo, latHi, lonLo, lonHi] = [-90, 90, -180, 180];
  let out = "", bits = 0, value = 0, even = true;
  while (out.length < precision) {
    let bit;
    if (even) {
      const mid = (lonLo + lonHi) / 2;
      bit = longitude >= mid;
      if (bit) lonLo = mid; else lonHi = mid;
    } else {
      const mid = (latLo + latHi) / 2;
      bit = latitude >= mid;
      if (bit) latLo = mid; else latHi = mid;
    }
    value = value * 2 + (bit ? 1 : 0);
    bits += 1;
    even = !even;
    if (bits === 5) {
      out += ALPHABET[value];
      bits = 0;
      value = 0;
    }
  }
  return out;
}

// Whole kilometres between the centres of two cells (haversine).
export function distanceKm(a, b) {
  const [lat1, lon1] = centre(a);
  const [lat2, lon2] = centre(b);
  const rad = Math.PI / 180;
  const p1 = lat1 * rad, p2 = lat2 * rad;
  const dp = p2 - p1, dl = (lon2 - lon1) * rad;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h))));
}
