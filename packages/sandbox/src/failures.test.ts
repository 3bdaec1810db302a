// What the sandbox does when something goes wrong on its side, or a client misbehaves: a 500 says
// nothing of the cause (the log does, under a request id), stop() returns whatever clients do,
// and it never serves the well-known development token beyond loopback.
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './sandbox.js';
import { Db } from './store/sqlite-connection.js';
import { call, DEBIT_BANK, initiatedPayout, startTestSandbox, type TestSandbox, TOKEN, tempDir } from './testing.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.dispose();
  sandbox = undefined;
});

it('answers a 500 with a request id and a generic detail; the cause goes to the log', async () => {
  const log: string[] = [];
  const dir = await tempDir();
  const db = `${dir}/sandbox.db`;
  const raw: Sandbox = await startSandbox({ db, tokens: [TOKEN], log: (line) => log.push(line) });
  try {
    const payout = await initiatedPayout({ call: (method, path, options) => call(raw.url, method, path, options) });
    // Another connection breaks the schema under the running sandbox: a fault of its own, not the caller's.
    const other = Db.open(db);
    other.exec('ALTER TABLE records RENAME TO records_gone');
    other.close();
    const answer = await call(raw.url, 'PUT', `/v1/lms/payouts/${payout.id}/mark_processed/`, {
      body: { utr: 'U1', processed_at: 1693161000, debit_bank_id: DEBIT_BANK },
    });
    expect(answer.status).toBe(500);
    const id = answer.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body).toEqual({ detail: `Internal error. The sandbox's log has the cause under request id ${id}.` });
    expect(answer.text).not.toContain('records');
    expect(log.join('\n')).toContain(`request ${id}: PUT`);
    expect(log.join('\n')).toContain('no such table: records');
  } finally {
    await raw.stop();
  }
});

it('stop() returns within seconds while a client holds a half-sent request open', async () => {
  sandbox = await startTestSandbox();
  const socket = connect(sandbox.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /v1/lms/payouts/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"loan":`,
  );
  socket.on('error', () => {});
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  await sandbox.stop();
  expect(Date.now() - started).toBeLessThan(5000);
  socket.destroy();
});

it('refuses to listen beyond loopback with the development token or callback secret, and starts there with its own', async () => {
  await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(
    'refusing to listen on 0.0.0.0 with the well-known development token "sandbox-dev-token"',
  );
  await expect(startSandbox({ host: '0.0.0.0', tokens: ['a-real-secret'] })).rejects.toThrow(
    'refusing to listen on 0.0.0.0 with the well-known development callback secret "sandbox-dev-callback-secret"',
  );
  const own = await startSandbox({ host: '0.0.0.0', tokens: ['a-real-secret'], callbackSecrets: ['a-real-callback-secret'] });
  try {
    expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(own.url, 'GET', '/v1/lms/payouts/', { token: 'a-real-secret' })).status).toBe(200);
  } finally {
    await own.stop();
  }
});
