/**
 * The standard normal distribution, for service levels (z = Φ⁻¹(level)) and stockout probabilities (1 − Φ(k)).
 * Double precision everywhere so an explanation recomputes exactly; SQL uses the same Φ (`ops_hub_normal_cdf`, created
 * by the procurement migration), so a probability computed in a set-based query equals the one computed here.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI)

/** φ(x), the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-(x * x) / 2) / SQRT_2PI
}

/**
 * Φ(x), the standard normal CDF: Hart's double-precision algorithm as given by G. West, "Better approximations to
 * cumulative normal functions" (Wilmott, 2005), absolute error below 1e-14. Kept term for term identical to the SQL
 * function `ops_hub_normal_cdf`.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN
  const a = Math.abs(x)
  let lower: number
  if (a > 37) lower = 0
  else if (a < 7.07106781186547) {
    const num = ((((((0.0352624965998911 * a + 0.700383064443688) * a + 6.37396220353165) * a + 33.912866078383) * a + 112.079291497871) * a + 221.213596169931) * a + 220.206867912376)
    const den = (((((((0.0883883476483184 * a + 1.75566716318264) * a + 16.064177579207) * a + 86.7807322029461) * a + 296.564248779674) * a + 637.333633378831) * a + 793.826512519948) * a + 440.413735824752)
    lower = (Math.exp((-a * a) / 2) * num) / den
  } else {
    lower = Math.exp((-a * a) / 2) / (a + 1 / (a + 2 / (a + 3 / (a + 4 / (a + 0.65))))) / 2.506628274631
  }
  return x > 0 ? 1 - lower : lower
}

/**
 * Φ⁻¹(p), the z of a service level: Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988), relative
 * error about 1e-16 over (0, 1). It gives the tabulated values in REFERENCES.md (90% 1.2816, 95% 1.6449, 98% 2.0537,
 * 99% 2.3263) and any other service level a retailer sets.
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`A probability strictly between 0 and 1 is required, got ${p}`)
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    )
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let x: number
  if (r <= 5) {
    r -= 1.6
    x =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1)
  } else {
    r -= 5
    x =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1)
  }
  return q < 0 ? -x : x
}

/** G(k) = φ(k) − k·(1 − Φ(k)), the standard normal loss function: expected shortage per unit of σ (REFERENCES.md). */
export function normalLoss(k: number): number {
  return normalPdf(k) - k * (1 - normalCdf(k))
}
