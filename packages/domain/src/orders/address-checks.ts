export interface ShipToAddress {
  name?: string | null
  line1?: string | null
  line2?: string | null
  city?: string | null
  region?: string | null
  postalCode?: string | null
  country?: string | null
}

/** Postal-code shapes per country; countries not listed only need a non-empty code. */
export const POSTAL_CODE_PATTERNS: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '12345 or 12345-6789' },
  CA: { pattern: /^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/, example: 'A1A 1A1' },
  GB: { pattern: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  NL: { pattern: /^\d{4} ?[A-Za-z]{2}$/, example: '1234 AB' },
  AU: { pattern: /^\d{4}$/, example: '2000' },
}

/** Countries whose carriers need a state/province/region on the label. */
const REGION_REQUIRED = new Set(['US', 'CA', 'AU'])

export interface AddressProblem {
  field: keyof ShipToAddress
  message: string
}

/**
 * Checks a ship-to address the way a carrier label would: required fields present, a two-letter country,
 * a region where the country needs one, and a postal code of the country's shape. An address that fails goes
 * on an ADDRESS hold for customer service rather than being refused, because the order itself is valid.
 */
export function checkAddress(a: ShipToAddress): AddressProblem[] {
  const problems: AddressProblem[] = []
  const blank = (v: string | null | undefined) => !v || v.trim() === ''
  for (const field of ['name', 'line1', 'city', 'postalCode', 'country'] as const) {
    if (blank(a[field])) problems.push({ field, message: `${field} is required` })
  }
  const country = (a.country ?? '').trim().toUpperCase()
  if (country && !/^[A-Z]{2}$/.test(country)) problems.push({ field: 'country', message: `country must be a two-letter ISO code, got "${a.country}"` })
  if (REGION_REQUIRED.has(country) && blank(a.region)) problems.push({ field: 'region', message: `region is required for ${country}` })
  const postal = (a.postalCode ?? '').trim()
  const shape = POSTAL_CODE_PATTERNS[country]
  if (postal && shape && !shape.pattern.test(postal)) {
    problems.push({ field: 'postalCode', message: `postal code "${postal}" does not look like a ${country} postal code (${shape.example})` })
  }
  return problems
}
