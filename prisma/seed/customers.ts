import type { Rng } from './rng.ts'

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Emily', 'Andrew', 'Michelle', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'Luis', 'Stephanie', 'Wei', 'Aisha', 'Hiro', 'Fatima', 'Diego', 'Olga', 'Noah', 'Ava', 'Liam', 'Mia', 'Ethan', 'Zoe']
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Patel', 'Kim', 'Chen', 'Okafor', 'Novak', 'Rossi', 'Schmidt', 'Kowalski', 'Haddad', 'Singh']
const STREETS = ['Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Main', 'Sunset', 'Ridge', 'River', 'Highland', 'Meadow', 'Forest', 'Church', 'Spring', 'Mill', 'Union']
const SUFFIX = ['St', 'Ave', 'Blvd', 'Rd', 'Ln', 'Dr', 'Ct', 'Way']

/** Ship-to cities with state, ZIP prefix and whether the western node is nearer. */
const CITIES: Array<[city: string, region: string, zip: string, west: boolean, weight: number]> = [
  ['New York', 'NY', '100', false, 9], ['Brooklyn', 'NY', '112', false, 5], ['Los Angeles', 'CA', '900', true, 8], ['San Diego', 'CA', '921', true, 3],
  ['San Francisco', 'CA', '941', true, 3], ['San Jose', 'CA', '951', true, 2], ['Sacramento', 'CA', '958', true, 2], ['Chicago', 'IL', '606', false, 6],
  ['Houston', 'TX', '770', false, 5], ['Dallas', 'TX', '752', false, 4], ['Austin', 'TX', '787', false, 3], ['Phoenix', 'AZ', '850', true, 4],
  ['Philadelphia', 'PA', '191', false, 4], ['Pittsburgh', 'PA', '152', false, 2], ['Seattle', 'WA', '981', true, 3], ['Portland', 'OR', '972', true, 2],
  ['Denver', 'CO', '802', true, 3], ['Salt Lake City', 'UT', '841', true, 2], ['Las Vegas', 'NV', '891', true, 2], ['Boise', 'ID', '837', true, 1],
  ['Atlanta', 'GA', '303', false, 4], ['Miami', 'FL', '331', false, 4], ['Orlando', 'FL', '328', false, 3], ['Tampa', 'FL', '336', false, 2],
  ['Boston', 'MA', '021', false, 3], ['Detroit', 'MI', '482', false, 2], ['Minneapolis', 'MN', '554', false, 2], ['Columbus', 'OH', '432', false, 2],
  ['Cleveland', 'OH', '441', false, 2], ['Indianapolis', 'IN', '462', false, 2], ['Nashville', 'TN', '372', false, 2], ['Charlotte', 'NC', '282', false, 2],
  ['Raleigh', 'NC', '276', false, 2], ['St. Louis', 'MO', '631', false, 2], ['Kansas City', 'MO', '641', false, 1], ['Milwaukee', 'WI', '532', false, 1],
  ['Baltimore', 'MD', '212', false, 2], ['Washington', 'DC', '200', false, 2], ['Richmond', 'VA', '232', false, 1], ['New Orleans', 'LA', '701', false, 1],
  ['Albuquerque', 'NM', '871', true, 1], ['Tucson', 'AZ', '857', true, 1], ['Omaha', 'NE', '681', false, 1], ['Louisville', 'KY', '402', false, 1],
]
const CITY_WEIGHTS = CITIES.map((c) => c[4])

export interface Customer {
  name: string
  email: string
  phone: string
  line1: string
  line2: string | null
  city: string
  region: string
  postalCode: string
  west: boolean
}

/** A pool of repeat customers with US addresses (emails on example.com, phones in the 555 range). */
export function makeCustomers(rng: Rng, count: number): Customer[] {
  const out: Customer[] = []
  for (let i = 0; i < count; i++) {
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    const c = CITIES[rng.weighted(CITY_WEIGHTS)]
    out.push({
      name: `${first} ${last}`,
      email: `${first}.${last}${i + 1}@example.com`.toLowerCase(),
      phone: `+1-${rng.int(201, 989)}-555-${String(rng.int(100, 199)).padStart(4, '0')}`,
      line1: `${rng.int(10, 9899)} ${rng.pick(STREETS)} ${rng.pick(SUFFIX)}`,
      line2: rng.chance(0.2) ? `Apt ${rng.int(1, 40)}${rng.pick(['A', 'B', 'C', ''])}` : null,
      city: c[0],
      region: c[1],
      postalCode: `${c[2]}${String(rng.int(1, 99)).padStart(2, '0')}`,
      west: c[3],
    })
  }
  return out
}

/** Wholesale buyers: shops with a business address. */
export function makeBusinesses(rng: Rng, count: number): Customer[] {
  const kinds = ['Home Goods', 'Outfitters', 'General Store', 'Boutique', 'Supply Co.', 'Market', 'Emporium', 'Trading Post']
  return makeCustomers(rng, count).map((c, i) => {
    const shop = `${c.name.split(' ')[1]} ${kinds[i % kinds.length]}`
    return { ...c, name: shop, email: `purchasing${i + 1}@${shop.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`, line2: null }
  })
}
