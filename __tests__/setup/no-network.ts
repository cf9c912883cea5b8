// No test reaches the internet: any connection to a host other than loopback throws at once.
import net from 'node:net'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/i
const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket

net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0]
  const options = (Array.isArray(first) ? first[0] : first) as
    { host?: string; path?: string } | number
  const host =
    typeof options === 'object' && options
      ? options.host
      : typeof args[1] === 'string'
        ? args[1]
        : 'localhost'
  const isPipe = typeof options === 'object' && options?.path
  if (!isPipe && host && !LOOPBACK.test(host))
    throw new Error(`Tests may not reach the network: connection to ${host} refused`)
  return connect.apply(this, args)
} as typeof net.Socket.prototype.connect

const realFetch = globalThis.fetch
globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
  if (!LOOPBACK.test(url.hostname.replace(/^\[|\]$/g, '')))
    return Promise.reject(
      new Error(`Tests may not reach the network: fetch to ${url.host} refused`)
    )
  return realFetch(input, init)
}) as typeof fetch
