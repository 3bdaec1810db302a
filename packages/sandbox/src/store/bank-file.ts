// The bank upload file Export Payout for Bank answers: RFC 4180 CSV with CRLF line ends, one line
// per payout, each with the unique reference the provider will call back with.
import { createHash } from 'node:crypto';
import type { CreditBank, DebitBank, Payout } from '../types.js';

export const BANK_FILE_COLUMNS = [
  'payout_id',
  'reference',
  'amount',
  'method',
  'beneficiary_name',
  'beneficiary_account_no',
  'beneficiary_ifsc',
  'debit_account_no',
] as const;

export interface BankFile {
  /** The CSV text, RFC 4180 with CRLF line ends. */
  csv: string;
  fileName: string;
  payouts: Payout[];
}

export interface BankFileLine {
  payoutId: string;
  reference: string;
  amount: number;
  method: string;
  beneficiary: CreditBank;
}

/**
 * The reference of one export line: the bank, the method, the day, the tenant's tag and the line's
 * number in the tenant's own count, unique per line. The tag (none for the sandbox's own tenant)
 * keeps references apart across tenants, whose line numbers each start at 1, so a callback's
 * reference names the one tenant whose secret can have signed it.
 */
export function exportReference(bank: DebitBank, method: string, exportedAt: number, lineNumber: number, tenant: string): string {
  const tag = tenant === '' ? '' : `${tenantTag(tenant)}-`;
  return `${bank.ifsc.slice(0, 4)}-${method.toUpperCase()}-${yymmdd(exportedAt)}-${tag}${String(lineNumber).padStart(4, '0')}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Four letters from the tenant's id: the same for every export of the tenant, and shared by few (a million tags). */
function tenantTag(tenant: string): string {
  const digest = createHash('sha256').update(tenant).digest();
  return Array.from(digest.subarray(0, 4), (byte) => BASE32[byte % 32]).join('');
}

export function bankFileName(bank: DebitBank, exportedAt: number): string {
  const stamp = new Date(exportedAt * 1000).toISOString();
  return `payouts-${bank.ifsc.slice(0, 4)}-${stamp.slice(0, 19).replace(/[-:]/g, '')}.csv`;
}

export function bankFileCsv(bank: DebitBank, lines: BankFileLine[]): string {
  const rows = lines.map((line) => {
    const cells: Record<(typeof BANK_FILE_COLUMNS)[number], string> = {
      payout_id: line.payoutId,
      reference: line.reference,
      amount: String(line.amount),
      method: line.method,
      beneficiary_name: line.beneficiary.account_holder_name,
      beneficiary_account_no: line.beneficiary.account_no,
      beneficiary_ifsc: line.beneficiary.ifsc,
      debit_account_no: bank.account_no,
    };
    return BANK_FILE_COLUMNS.map((column) => csvCell(cells[column], column === 'amount' ? 'number' : 'text')).join(',');
  });
  return `${[BANK_FILE_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

function yymmdd(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(2, 10).replace(/-/g, '');
}

/**
 * One RFC 4180 cell. A text that a spreadsheet would run as a formula (it starts with =, +, -, @,
 * a tab or a carriage return) is prefixed with ' so it is shown, not run: a beneficiary's name is
 * whatever the borrower typed. Numbers are written by this code and never start that way.
 */
function csvCell(value: string, kind: 'text' | 'number' = 'text'): string {
  const safe = kind === 'text' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
