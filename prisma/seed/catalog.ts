import type { World, SkuInfo } from './world.ts'

const CATEGORIES: Array<{ name: string; nouns: string[]; cost: [number, number]; weight: [number, number]; variants: string[][] }> = [
  { name: 'Kitchen', nouns: ['Chef Knife', 'Cutting Board', 'Mixing Bowl Set', 'Cast Iron Skillet', 'Pour-Over Kettle', 'Spice Rack', 'Utensil Set', 'Storage Canisters', 'Salad Spinner', 'Dutch Oven'], cost: [6, 55], weight: [300, 4500], variants: [['Black', 'Stainless', 'Red'], ['Small', 'Large']] },
  { name: 'Home Decor', nouns: ['Table Lamp', 'Throw Pillow', 'Wall Mirror', 'Ceramic Vase', 'Picture Frame', 'Candle Set', 'Area Rug', 'Wall Clock'], cost: [5, 70], weight: [200, 6000], variants: [['Ivory', 'Charcoal', 'Sage', 'Terracotta']] },
  { name: 'Outdoor', nouns: ['Camping Lantern', 'Folding Chair', 'Insulated Cooler', 'Hammock', 'Trekking Poles', 'Dry Bag', 'Camp Stove'], cost: [8, 80], weight: [250, 7000], variants: [['Olive', 'Navy', 'Orange'], ['20L', '35L']] },
  { name: 'Fitness', nouns: ['Yoga Mat', 'Resistance Bands', 'Kettlebell', 'Foam Roller', 'Jump Rope', 'Adjustable Dumbbell', 'Water Bottle'], cost: [4, 90], weight: [150, 12000], variants: [['Blue', 'Black', 'Pink'], ['Light', 'Medium', 'Heavy']] },
  { name: 'Pet Supplies', nouns: ['Dog Bed', 'Cat Tree', 'Leash', 'Slow Feeder Bowl', 'Chew Toy Set', 'Grooming Brush', 'Travel Carrier'], cost: [3, 60], weight: [100, 5000], variants: [['S', 'M', 'L']] },
  { name: 'Office', nouns: ['Desk Organizer', 'Notebook Pack', 'Monitor Stand', 'Ergonomic Mouse', 'Desk Lamp', 'Cable Tray', 'Gel Pen Set'], cost: [3, 45], weight: [80, 3000], variants: [['White', 'Black', 'Walnut']] },
  { name: 'Bath', nouns: ['Bath Towel Set', 'Shower Caddy', 'Bath Mat', 'Soap Dispenser', 'Robe', 'Toothbrush Holder'], cost: [4, 40], weight: [150, 2500], variants: [['White', 'Grey', 'Teal'], ['Standard', 'Oversized']] },
  { name: 'Bedding', nouns: ['Sheet Set', 'Duvet Cover', 'Weighted Blanket', 'Memory Foam Pillow', 'Mattress Protector', 'Quilt'], cost: [12, 85], weight: [600, 7000], variants: [['Twin', 'Queen', 'King'], ['White', 'Stone']] },
  { name: 'Toys', nouns: ['Building Blocks', 'Puzzle 1000pc', 'Plush Bear', 'RC Car', 'Art Kit', 'Board Game'], cost: [4, 50], weight: [200, 2500], variants: [['Classic', 'Deluxe']] },
  { name: 'Electronics Accessories', nouns: ['USB-C Cable', 'Wireless Charger', 'Power Bank', 'Bluetooth Speaker', 'Phone Stand', 'Earbuds Case', 'Laptop Sleeve'], cost: [3, 40], weight: [50, 900], variants: [['1m', '2m'], ['Black', 'White']] },
  { name: 'Garden', nouns: ['Pruning Shears', 'Planter Pot', 'Garden Hose', 'Seed Starter Kit', 'Kneeling Pad', 'Watering Can'], cost: [4, 45], weight: [200, 4000], variants: [['Small', 'Medium', 'Large']] },
  { name: 'Apparel', nouns: ['Rain Jacket', 'Fleece Hoodie', 'Merino Socks', 'Beanie', 'Running Tee', 'Packable Vest'], cost: [5, 60], weight: [80, 900], variants: [['XS', 'S', 'M', 'L', 'XL']] },
]
const ADJECTIVES = ['Classic', 'Essential', 'Pro', 'Urban', 'Nordic', 'Coastal', 'Heritage', 'Everyday', 'Premium', 'Compact', 'Summit', 'Loft', 'Studio', 'Trail']

export const SKU_COUNT = 500
const BUNDLES = 5

/** Products and ~500 SKUs with cost, price and a Zipf-like popularity, plus a few bundles of popular SKUs. */
export function seedCatalog(w: World): void {
  const rng = w.rng.fork('catalog')
  const at = new Date(w.now - 400 * 86_400_000)
  const plain = SKU_COUNT - BUNDLES
  let productNo = 0
  while (w.skus.length < plain) {
    const cat = CATEGORIES[productNo % CATEGORIES.length]
    const noun = cat.nouns[Math.floor(productNo / CATEGORIES.length) % cat.nouns.length]
    const adjective = ADJECTIVES[Math.floor(productNo / (CATEGORIES.length * 4)) % ADJECTIVES.length]
    productNo++
    const product = w.insert('products', {
      code: `PRD-${String(productNo).padStart(4, '0')}`,
      name: `${adjective} ${noun}`,
      category: cat.name,
      description: `${adjective} ${noun.toLowerCase()} from the ${cat.name.toLowerCase()} range.`,
      created_at: at,
    })
    const axis = rng.pick(cat.variants)
    const variantCount = Math.min(plain - w.skus.length, rng.int(1, Math.min(4, axis.length)))
    const baseCost = Math.exp(rng.uniform(Math.log(cat.cost[0]), Math.log(cat.cost[1])))
    const baseWeight = rng.int(cat.weight[0], cat.weight[1])
    const variants = rng.shuffle([...axis]).slice(0, variantCount)
    for (const variant of variants) {
      const cost = round2(baseCost * rng.uniform(0.92, 1.12))
      const price = Math.max(round2(cost + 1), Math.floor(cost * rng.uniform(1.8, 2.7)) + 0.99)
      addSku(w, {
        name: `${product.name} - ${variant}`,
        productId: product.id,
        category: cat.name,
        cost,
        price,
        weightGrams: Math.round(baseWeight * rng.uniform(0.9, 1.1)),
        isBundle: false,
        at,
      })
    }
  }
  // Popularity: Zipf over a shuffled rank with some noise, so SKU codes do not reveal the best sellers.
  const ranks = rng.shuffle(w.skus.map((_, i) => i + 1))
  w.skus.forEach((s, i) => {
    s.demandWeight = (1 / Math.pow(ranks[i], 1.08)) * Math.exp(rng.normal(0, 0.25))
  })

  const bundleProduct = w.insert('products', { code: 'PRD-BNDL', name: 'Gift bundles', category: 'Bundles', description: 'Curated sets of best sellers.', created_at: at })
  const popular = [...w.skus].sort((a, b) => b.demandWeight - a.demandWeight).slice(0, 40)
  for (let b = 0; b < BUNDLES; b++) {
    const parts = rng.shuffle([...popular]).slice(0, rng.int(2, 3))
    const cost = round2(parts.reduce((s, p) => s + p.cost, 0))
    const bundle = addSku(w, {
      name: `Gift Set: ${parts.map((p) => p.name.split(' - ')[0]).join(' + ')}`,
      productId: bundleProduct.id,
      category: 'Bundles',
      cost,
      price: Math.floor(parts.reduce((s, p) => s + p.price, 0) * 0.9) + 0.99,
      weightGrams: parts.reduce((s, p) => s + p.weightGrams, 0),
      isBundle: true,
      at,
    })
    for (const p of parts) w.push('bundle_components', { bundle_sku_id: bundle.id, component_sku_id: p.id, quantity: 1 })
  }
}

function addSku(
  w: World,
  s: { name: string; productId: number; category: string; cost: number; price: number; weightGrams: number; isBundle: boolean; at: Date },
): SkuInfo {
  const code = `SKU-${String(w.skus.length + 1).padStart(5, '0')}`
  const row = w.insert('skus', {
    code,
    name: s.name,
    product_id: s.productId,
    unit_cost: s.cost,
    unit_price: s.price,
    abc_class: 'C',
    weight_grams: s.weightGrams,
    is_bundle: s.isBundle,
    active: true,
    created_at: s.at,
    updated_at: s.at,
  })
  const info: SkuInfo = {
    id: row.id,
    code,
    name: s.name,
    category: s.category,
    cost: s.cost,
    price: s.price,
    weightGrams: s.weightGrams,
    demandWeight: 0,
    abc: 'C',
    isBundle: s.isBundle,
    unitsSold: 0,
    dailyDemand: 0,
    row,
  }
  w.skus.push(info)
  return info
}

/**
 * ABC classes by realized sales value over the history: the top 10% of SKUs are A, the next 20% B, the rest C,
 * so the classes agree with the demand the order history shows.
 */
export function classifyAbc(w: World, salesValue: Map<number, number>): void {
  const ranked = w.skus.filter((s) => !s.isBundle).sort((a, b) => (salesValue.get(b.id) ?? 0) - (salesValue.get(a.id) ?? 0) || a.id - b.id)
  ranked.forEach((s, i) => {
    s.abc = i < ranked.length * 0.1 ? 'A' : i < ranked.length * 0.3 ? 'B' : 'C'
    s.row.abc_class = s.abc
  })
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100
}
