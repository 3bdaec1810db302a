import { describe, expect, it } from 'vitest';
import type { CreditBank, DebitBank } from '../types.js';
import { bankFileCsv, bankFileName, exportReference } from './bank-file.js';

const bank = { ifsc: 'HDFC0000123', account_no: '50200012345678' } as DebitBank;
const beneficiary = (account_holder_name: string) =>
  ({ account_holder_name, account_no: '38927164520', ifsc: 'SBIN0004321' }) as CreditBank;
const line = (name: string) => ({
  payoutId: 'p1',
  reference: 'HDFC-NEFT-230827-0001',
  amount: 250000,
  method: 'neft',
  beneficiary: beneficiary(name),
});

describe('the bank file', () => {
  it('is RFC 4180 with CRLF line ends, quoting what needs it', () => {
    const csv = bankFileCsv(bank, [line('Sharma, "Auto" Parts')]);
    expect(csv).toBe(
      'payout_id,reference,amount,method,beneficiary_name,beneficiary_account_no,beneficiary_ifsc,debit_account_no\r\n' +
        'p1,HDFC-NEFT-230827-0001,250000,neft,"Sharma, ""Auto"" Parts",38927164520,SBIN0004321,50200012345678\r\n',
    );
  });

  it('shows a text a spreadsheet would run as a formula, instead of running it', () => {
    for (const name of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rCR']) {
      const cell = bankFileCsv(bank, [line(name)])
        .split('\r\n')[1]!
        .split(',')
        .slice(4)
        .join(',');
      expect(cell.replace(/^"/, '').startsWith("'"), `${JSON.stringify(name)} -> ${cell}`).toBe(true);
    }
    expect(bankFileCsv(bank, [line('Tata Steel Ltd')])).toContain(',Tata Steel Ltd,');
  });

  it("names each line and the file by bank, method and day, and another tenant's lines by its tag too", () => {
    expect(exportReference(bank, 'rtgs', 1693161000, 42, '')).toBe('HDFC-RTGS-230827-0042');
    const tagged = exportReference(bank, 'rtgs', 1693161000, 42, 'tn_a');
    expect(tagged).toMatch(/^HDFC-RTGS-230827-[A-Z2-7]{4}-0042$/);
    expect(exportReference(bank, 'rtgs', 1693161000, 42, 'tn_a')).toBe(tagged);
    expect(exportReference(bank, 'rtgs', 1693161000, 42, 'tn_b')).not.toBe(tagged);
    expect(bankFileName(bank, 1693161000)).toBe('payouts-HDFC-20230827T183000.csv');
  });
});
