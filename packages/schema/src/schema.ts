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

/** The whole API. Type files register themselves on the builder when imported above. */
export const schema = builder.toSchema({ sortSchema: true })
