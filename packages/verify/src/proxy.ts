// Passive mode: Prism's validating proxy (`prism proxy <spec> <target> --errors`) in front of a
// provider. Every answer is checked against the spec; one that breaks it reaches the client as a
// 500 application/problem+json whose `validation` list (and `sl-violations` header) names each
// field, so a provider's own end-to-end suite fails on it. Requests are not validated: an e2e
// suite's deliberate bad input must reach the provider, whose answer is what is judged.
import { startPrism } from '@payouts/mock';
import { bundlePath } from '@payouts/spec';
import { httpUrl } from './http.js';

export interface ValidatingProxy {
  url: string;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  target: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where Prism's log lines go (each violation is logged there too); default: dropped. */
  onLog?: (line: string) => void;
}

export async function startValidatingProxy(options: ProxyOptions): Promise<ValidatingProxy> {
  const target = httpUrl(options.target, '--target');
  // The mock's launcher: Prism in its own process group, gone with its parent even on a kill -9.
  const prism = await startPrism({
    spec: bundlePath('json'),
    proxyTo: target,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    errors: true,
    validateRequests: false,
    dynamic: false,
    logLevel: 'info',
    onLog: options.onLog,
  });
  return { url: prism.url, stop: () => prism.stop() };
}
