// What every check suite of `pnpm verify` is: a name, and a run against one provider that answers
// its checks, the requests it sent and what it had to skip. Each gets the same context.
import type { SpecModel } from '@payouts/model';
import type { Credentials } from './http.js';
import type { Check } from './report.js';
import type { SigningProxy } from './signing-proxy.js';

export interface VerifyContext {
  spec: SpecModel;
  /** The provider, e.g. http://127.0.0.1:4030. */
  baseUrl: string;
  credentials: Credentials;
  /** Check this operation only. */
  only?: string;
  /** The proxy a third-party runner (Respect) reaches the provider through, signing its callbacks. */
  signer: SigningProxy;
}

export interface SuiteResult {
  checks: Check[];
  requests: number;
  /** What was not checked, and why (e.g. the callback secret was not given). */
  skipped: string[];
}

export interface CheckSuite {
  name: string;
  run(context: VerifyContext): Promise<SuiteResult>;
}
