/**
 * Orders instrument versions the semver way, numerically part by part: "2023.1.0" < "2023.2.0" <
 * "2023.10.0", and "1.0" equals "1.0.0". A non-numeric part ("1.1.0-rc1") marks a pre-release, which
 * sorts before the plain version. Returns < 0, 0 or > 0.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.trim().split(/[.\-+_]/);
  const pb = b.trim().split(/[.\-+_]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    const nx = x !== undefined && /^\d+$/.test(x);
    const ny = y !== undefined && /^\d+$/.test(y);
    if (x === undefined || y === undefined) {
      // A missing numeric part is 0; a missing part against a label means the shorter one is the release.
      const other = (x ?? y)!;
      if (/^\d+$/.test(other)) {
        if (Number(other) === 0) continue;
        return x === undefined ? -1 : 1;
      }
      return x === undefined ? 1 : -1;
    }
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d < 0 ? -1 : 1;
    } else if (nx !== ny) {
      return nx ? 1 : -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
