// verify's signing proxy holds the provider's callback secret: it must sign for the run that
// started it and for nobody else (issue #27: another process settled a payout through it).
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCallbackSignature } from '@payouts/callbacks';
import { listeningPorts } from '@payouts/process';
import { startSandbox } from '@payouts/sandbox';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY_HEADER, type SigningProxy, startSigningProxy } from './signing-proxy.js';
import { verifyProvider } from './verify.js';

const SECRET = 'signing-proxy-test-secret';
const CALLBACK = '/v1/lms/payouts/callback/';
const BODY = '{"payout_service_id":"HDFC-NEFT-230827-0042","status":"processed","utr":"FORGED-BY-ANYONE","processed_at":1693161000}';

describe('the signing proxy', () => {
  const forwarded: { url: string; headers: IncomingHttpHeaders }[] = [];
  const provider = createServer((request, response) => {
    forwarded.push({ url: request.url ?? '', headers: request.headers });
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  let proxy: SigningProxy;
  beforeAll(async () => {
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    proxy = await startSigningProxy(loadSpec(), `http://127.0.0.1:${(provider.address() as AddressInfo).port}`, SECRET);
  });
  afterAll(async () => {
    await proxy?.stop();
    provider.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${proxy.url}${CALLBACK}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });

  it('refuses a request without the run capability, or with a wrong one, and forwards nothing', async () => {
    const attempts: Record<string, string>[] = [{}, { [CAPABILITY_HEADER]: 'guessed' }, { [CAPABILITY_HEADER]: `${proxy.capability}x` }];
    for (const headers of attempts) {
      const answer = await post(headers);
      expect(answer.status).toBe(403);
    }
    expect(forwarded).toEqual([]);
  });

  it('refuses a Host that is not its own, capability or not', async () => {
    const { port } = new URL(proxy.url);
    const answer = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [
        '-e',
        `const s=require('net').connect(${port},'127.0.0.1');s.write('POST ${CALLBACK} HTTP/1.1\\r\\nHost: rebind.example\\r\\n${CAPABILITY_HEADER}: ${proxy.capability}\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n');s.on('data',d=>{process.stdout.write(String(d).slice(9,12));s.destroy()})`,
      ]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(Number(out)));
      child.on('error', reject);
    });
    expect(answer).toBe(421);
    expect(forwarded).toEqual([]);
  });

  it('signs the callback its runner sends, over the bytes forwarded, and never forwards the capability', async () => {
    expect((await post({ [CAPABILITY_HEADER]: proxy.capability })).status).toBe(200);
    const [callback] = forwarded;
    expect(callback!.headers[CAPABILITY_HEADER]).toBeUndefined();
    expect(checkCallbackSignature(callback!.headers['x-payout-signature'], BODY, SECRET)).toMatchObject({ ok: true });
    const list = await fetch(`${proxy.url}/v1/lms/payouts/`, {
      headers: { [CAPABILITY_HEADER]: proxy.capability, authorization: 'Bearer t' },
    });
    expect(list.status).toBe(200);
    expect(forwarded[1]!.headers['x-payout-signature']).toBeUndefined();
  });
});

describe('during a whole verify run', () => {
  it("another process's unsigned callback to any port verify opened is refused, and settles nothing", async () => {
    const sandbox = await startSandbox({ port: 0, tokens: ['t'], callbackSecrets: [SECRET] });
    const attempts: { port: number; status: number }[] = [];
    let probing = true;
    const sandboxPort = Number(new URL(sandbox.url).port);
    const probe = (async () => {
      while (probing) {
        for (const port of listeningPorts(process.pid).filter((p) => p !== sandboxPort)) {
          const status = await sendFromAnotherProcess(port);
          if (status !== 0) attempts.push({ port, status });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      const report = await verifyProvider({ baseUrl: sandbox.url, token: 't', callbackSecret: SECRET });
      probing = false;
      await probe;
      expect(report.failed).toBe(0);
      expect(attempts.length).toBeGreaterThan(0); // the proxy was found and tried
      expect(attempts.filter((a) => a.status !== 403 && a.status !== 421)).toEqual([]);
      const forged = await fetch(`${sandbox.url}/v1/lms/payouts/?search=FORGED-BY-ANYONE`, { headers: { authorization: 'Bearer t' } });
      expect(((await forged.json()) as { count: number }).count).toBe(0);
    } finally {
      probing = false;
      await probe;
      await sandbox.stop();
    }
  }, 240_000);
});

/** An unsigned callback sent by a child process (another process on this machine); its status, 0 when nothing answered. */
function sendFromAnotherProcess(port: number): Promise<number> {
  const script = `fetch('http://127.0.0.1:${port}${CALLBACK}',{method:'POST',headers:{'content-type':'application/json'},body:${JSON.stringify(BODY)}}).then(r=>console.log(r.status),()=>console.log(0))`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(Number(out.trim()) || 0));
  });
}
