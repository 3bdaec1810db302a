// Preloaded into the Prism process (node --require). Prism must not outlive the process that
// started it, even when that process is killed before it can call stop(): the parent holds the
// other end of this stdin pipe, and the kernel closes it when the parent dies.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
