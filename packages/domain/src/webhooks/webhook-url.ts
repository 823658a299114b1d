import { lookup } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'
import { userError } from '../shared/errors.ts'

/** Only the public internet: loopback, private, link-local, carrier NAT, multicast and reserved ranges are refused. */
function isPublic(address: string): boolean {
  let ip = ipaddr.parse(address)
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address()
  return ip.range() === 'unicast'
}

export interface WebhookUrlOptions {
  /** HUB_WEBHOOKS_ALLOW_PRIVATE=1: tests and receivers on the same network may use private addresses. */
  allowPrivate: boolean
  /** Resolves a host name to its addresses (DNS by default). */
  resolve?: (host: string) => Promise<string[]>
}

const dnsResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

/**
 * Refuses a webhook URL the hub must not call: anything but http(s), credentials in the URL, and - unless private
 * addresses are allowed - a host that is, or resolves to, a loopback or private address (the hub would otherwise be
 * a way into its own network). Checked when the subscription is made and again before every try, since DNS can change.
 */
export async function checkWebhookUrl(raw: string, options: WebhookUrlOptions): Promise<URL> {
  const refuse = (why: string) => userError('INVALID_WEBHOOK_URL', `${why}: ${raw.slice(0, 200)}`, ['input', 'url'])
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refuse('Not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('Only http and https URLs receive webhooks')
  if (url.username || url.password) throw refuse('Put no credentials in the URL; verify the signature instead')
  if (raw.length > 2000) throw refuse('URL too long')
  if (options.allowPrivate) return url
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  if (ipaddr.isValid(host)) addresses = [host]
  else {
    try {
      addresses = await (options.resolve ?? dnsResolve)(host)
    } catch {
      throw refuse('The host does not resolve')
    }
  }
  if (addresses.length === 0 || !addresses.every(isPublic)) throw refuse('Loopback and private addresses cannot receive webhooks')
  return url
}
