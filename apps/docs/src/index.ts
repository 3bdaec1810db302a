export { buildDocs, type DocsBuild } from './build.js';
export { serveDocs, DEFAULT_HOST, DEFAULT_PORT, type DocsServer, type ServeDocsOptions } from './serve.js';
