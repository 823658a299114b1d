import { GraphQLError } from 'graphql'
import { InvalidTokenError, looksLikeApiKey, verifyApiKey, verifyToken, type Actor } from '@ops-hub/domain'
import type { PrismaClient } from '@ops-hub/db'

export interface Authentication {
  actor: Actor | null
  partnerChannelId: number | null
}

/**
 * Turns an `Authorization: Bearer <token>` header into an actor. No header -> anonymous (only
 * unguarded fields answer); a header that does not verify -> UNAUTHENTICATED for the whole request.
 */
export async function authenticate(header: string | null | undefined, secret: string, prisma: PrismaClient, channelIds: ChannelIdCache): Promise<Authentication> {
  if (!header) return { actor: null, partnerChannelId: null }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"')
  let actor: Actor
  try {
    // Signed tokens for people, `ohk_...` API keys for integrations.
    actor = looksLikeApiKey(match[1]) ? await verifyApiKey(prisma, match[1]) : await verifyToken(secret, match[1])
  } catch (err) {
    throw unauthenticated(err instanceof InvalidTokenError ? err.message : 'Token is invalid')
  }
  if (actor.role !== 'PARTNER') return { actor, partnerChannelId: null }
  const channelId = await channelIds.get(actor.channelCode!, prisma)
  // A partner token for a channel that does not exist sees nothing rather than everything.
  return { actor, partnerChannelId: channelId ?? -1 }
}

export function unauthenticated(message: string) {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } })
}

/** Channel codes are immutable, so a partner's channel id is looked up once per process. */
export class ChannelIdCache {
  private readonly ids = new Map<string, number>()
  async get(code: string, prisma: PrismaClient): Promise<number | null> {
    const hit = this.ids.get(code)
    if (hit !== undefined) return hit
    const channel = await prisma.channel.findUnique({ where: { code }, select: { id: true } })
    if (channel) this.ids.set(code, channel.id)
    return channel?.id ?? null
  }
}
