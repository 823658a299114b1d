import { registerPersistedOperation, userError } from '@ops-hub/domain'
import { GraphQLError, parse, validate, type DocumentNode } from 'graphql'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

const PersistedOperationRef = builder.prismaObject('PersistedOperation', {
  description: 'An operation on the allow-list: clients send `extensions.persistedQuery { version: 1, sha256Hash }` instead of its text.',
  fields: (t) => ({
    hash: t.exposeString('hash', { description: 'sha256 (hex) of the document text.' }),
    name: t.exposeString('name', { nullable: true }),
    document: t.exposeString('document'),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
})

const RegisterPersistedOperationInput = builder.inputType('RegisterPersistedOperationInput', {
  fields: (t) => ({
    document: t.string({ description: 'The operation text, exactly as the client hashes it; it must be valid against this schema.' }),
    name: t.string({ required: false }),
  }),
})

builder.mutationField('registerPersistedOperation', (t) =>
  t.field({
    type: builder.simpleObject('RegisterPersistedOperationPayload', {
      fields: (f) => ({ persistedOperation: f.field({ type: PersistedOperationRef, nullable: true }), userErrors: f.field({ type: [UserError] }) }),
    }),
    description: 'Adds an operation to the persisted-operation allow-list (for clients held to persisted operations by the setting api.persistedOperations).',
    authScopes: { roles: ['ADMIN'] },
    args: { input: t.arg({ type: RegisterPersistedOperationInput }) },
    resolve: (_r, { input }, ctx, info) =>
      runMutation(
        ctx,
        async (tx) => {
          let document: DocumentNode
          try {
            document = parse(input.document)
          } catch (err) {
            throw userError('INVALID_INPUT', `Not a GraphQL document: ${(err as GraphQLError).message}`, ['input', 'document'])
          }
          const errors = validate(info.schema, document)
          if (errors.length) throw userError('INVALID_INPUT', errors.map((e) => e.message).join('; '), ['input', 'document'])
          return registerPersistedOperation(tx, input, requireActor(ctx))
        },
        (persistedOperation) => ({ persistedOperation }),
      ),
  }),
)
