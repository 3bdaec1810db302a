// Listening on a port, the one way: library functions default to port 0 (any free port), CLIs
// pass their fixed default, and a port in use is an error that names the flag that changes it.
import { type AddressInfo, createServer, type Server } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly flag: string,
  ) {
    super(`port ${port} is in use on ${host}: pass another with ${flag} (0 picks a free one)`);
    this.name = 'PortInUseError';
  }
}

export interface ListenOptions {
  port: number;
  host: string;
  /** The CLI flag that sets this port, named in the error when it is taken. Default `--port`. */
  flag?: string;
}

/** The error to report for a failed listen: PortInUseError, a host that is not this machine's, or the cause. */
export function listenError(error: unknown, { port, host, flag = '--port' }: ListenOptions): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new PortInUseError(host, port, flag);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new Error(`cannot listen on ${host}:${port}: ${host} is not an address of this machine (--host)`);
  return error instanceof Error ? error : new Error(String(error));
}

/** Listens and resolves with the bound address, or rejects with `listenError`. */
export function listen(server: Server, options: ListenOptions): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(listenError(error, options));
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** A port free right now on `host` (another process may take it before it is used). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  const { port } = await listen(server, { port: 0, host });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A host to connect to for a host to listen on (a wildcard address is not a destination). */
export function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** `http://host:port` for a server listening on `host`, IPv6 in brackets. */
export function httpUrl(host: string, port: number): string {
  const destination = connectHost(host);
  return `http://${destination.includes(':') ? `[${destination}]` : destination}:${port}`;
}

/** Whether an address is loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
