/** What pnpm dev can serve (`--serve`); its own module so the command line is checked before the servers' code loads. */
export const SERVERS = ['docs', 'mock', 'sandbox'] as const;
export type ServerName = (typeof SERVERS)[number];
