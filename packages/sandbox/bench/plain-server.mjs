// The baseline: a plain Node http server that answers fixed JSON, the least any server can do.
// Usage: node plain-server.mjs ANSWERS_JSON_FILE; prints its port. The file maps a request's
// "METHOD url" (or just "METHOD") to the body to answer.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const answers = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = answers[`${request.method} ${request.url}`] ?? answers[request.method];
    if (body === undefined) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
