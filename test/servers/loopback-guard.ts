/**
 * A preload (`node --import loopback-guard.js`, or NODE_OPTIONS=--import=...) that records every network
 * destination a Node process tries: TCP/TLS connects (which is what node:http, node:https and fetch use),
 * UDP sends and DNS queries. Each attempt is appended to the file named by TRUSTGEN_NET_LOG as a JSON line
 * { pid, kind, dest, loopback }. A destination that is not loopback is also stopped: its connect is sent to
 * 127.0.0.1:9 (closed) and its DNS query fails with ENOTFOUND, so a test never reaches the network.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const LOG = process.env.TRUSTGEN_NET_LOG;

export function isLoopbackHost(host: unknown): boolean {
  if (host === undefined || host === null || host === '') return true; // node's default host is localhost
  const h = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

function record(kind: string, dest: string, loopback: boolean): void {
  if (LOG) appendFileSync(LOG, `${JSON.stringify({ pid: process.pid, kind, dest, loopback })}\n`);
}

type AnyFn = (...args: any[]) => any;

const originalConnect = net.Socket.prototype.connect as AnyFn;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: any[]) {
  // Node calls connect with ([options, cb]) internally, (options, cb), (port, host?, cb?) or (path, cb).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    if (typeof first.path === 'string') {
      record('ipc', first.path, true);
    } else {
      const loopback = isLoopbackHost(first.host);
      record('connect', `${first.host ?? 'localhost'}:${first.port}`, loopback);
      if (!loopback) {
        first.host = '127.0.0.1';
        first.port = 9;
      }
    }
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    record('ipc', first, true);
  } else {
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    const loopback = isLoopbackHost(host);
    record('connect', `${host ?? 'localhost'}:${first}`, loopback);
    if (!loopback) {
      args[0] = 9;
      args[1] = '127.0.0.1';
    }
  }
  return originalConnect.apply(this, args);
} as typeof net.Socket.prototype.connect;

function notFound(hostname: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname} (blocked by the loopback guard)`);
  e.code = 'ENOTFOUND';
  return e;
}

/** Wrap a callback-style DNS function: loopback names pass, anything else is recorded and fails. */
function guardCallback(owner: Record<string, unknown>, name: string): void {
  const original = owner[name] as AnyFn | undefined;
  if (typeof original !== 'function') return;
  owner[name] = function guarded(this: unknown, hostname: string, ...rest: any[]) {
    const loopback = isLoopbackHost(hostname);
    record(`dns.${name}`, String(hostname), loopback);
    if (!loopback) {
      const cb = rest.reverse().find((x) => typeof x === 'function') as AnyFn | undefined;
      if (cb) process.nextTick(() => cb(notFound(String(hostname))));
      return undefined;
    }
    return original.call(this, hostname, ...rest);
  };
}

function guardPromise(owner: Record<string, unknown>, name: string): void {
  const original = owner[name] as AnyFn | undefined;
  if (typeof original !== 'function') return;
  owner[name] = function guarded(this: unknown, hostname: string, ...rest: any[]) {
    const loopback = isLoopbackHost(hostname);
    record(`dns.promises.${name}`, String(hostname), loopback);
    if (!loopback) return Promise.reject(notFound(String(hostname)));
    return original.call(this, hostname, ...rest);
  };
}

const RESOLVERS = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolveSoa', 'resolveNaptr', 'resolvePtr', 'reverse'];
for (const name of RESOLVERS) {
  guardCallback(dns as unknown as Record<string, unknown>, name);
  guardCallback(dns.Resolver.prototype as unknown as Record<string, unknown>, name);
  guardPromise(dns.promises as unknown as Record<string, unknown>, name);
  guardPromise(dns.promises.Resolver.prototype as unknown as Record<string, unknown>, name);
}

const originalSend = dgram.Socket.prototype.send as AnyFn;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: any[]) {
  const host = args.find((x, i) => i > 0 && typeof x === 'string') as string | undefined;
  const loopback = isLoopbackHost(host);
  record('udp', String(host ?? '(connected socket)'), loopback);
  if (!loopback) return undefined;
  return originalSend.apply(this, args);
} as typeof dgram.Socket.prototype.send;
