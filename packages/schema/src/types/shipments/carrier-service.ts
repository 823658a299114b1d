import { upsertCarrierService } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const CarrierService = builder.prismaObject('CarrierService', {
  authScopes: { staff: true },
  description: 'A carrier service shipments are booked with; its transit times drive projected delivery dates.',
  fields: (t) => ({
    carrier: t.exposeString('carrier'),
    service: t.exposeString('service'),
    transitDaysMean: t.exposeFloat('transitDaysMean', { description: 'Business days, on average.' }),
    transitDaysMax: t.exposeInt('transitDaysMax', { description: 'Business days at most.' }),
    costPerShipment: t.expose('costPerShipment', { type: 'Decimal' }),
    active: t.exposeBoolean('active'),
  }),
})

builder.queryField('carrierServices', (t) =>
  t.prismaField({
    type: ['CarrierService'],
    authScopes: { staff: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.carrierService.findMany({ ...query, orderBy: [{ carrier: 'asc' }, { service: 'asc' }] }),
  }),
)

const UpsertCarrierServiceInput = builder.inputType('UpsertCarrierServiceInput', {
  fields: (t) => ({
    carrier: t.string(),
    service: t.string(),
    transitDaysMean: t.float(),
    transitDaysMax: t.int(),
    costPerShipment: t.field({ type: 'Decimal' }),
  }),
})

const UpsertCarrierServicePayload = builder.simpleObject('UpsertCarrierServicePayload', {
  fields: (t) => ({
    carrierService: t.field({ type: CarrierService, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('upsertCarrierService', (t) =>
  t.field({
    type: UpsertCarrierServicePayload,
    description: 'Creates the (carrier, service) or updates its transit times and cost.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: UpsertCarrierServiceInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => upsertCarrierService(tx, input, requireActor(ctx)), (carrierService) => ({ carrierService })),
  }),
)
