import { builder } from './builder.ts'
import './types/common/role.ts'
import './types/access/api-key.ts'
import './types/catalog/sku.ts'
import './types/network/location.ts'
import './types/channels/channel.ts'
import './types/inventory/stock-position.ts'
import './types/inventory/adjustment.ts'
import './types/orders/order.ts'
import './types/exceptions/exception.ts'
import './types/live/subscription.ts'
import './types/live/order-aging.ts'
import './types/live/inventory-confidence.ts'
import './types/live/pick-backlog.ts'
import './types/live/exception-summary.ts'
import './types/live/order-updated.ts'

/** The whole API. Type files register themselves on the builder when imported above. */
export const schema = builder.toSchema({ sortSchema: true })
