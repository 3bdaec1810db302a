export { buildDocs, DOCS_PAGE, type DocsBuild } from './build.js';
export { type DocsServer, type ServeDocsOptions, serveDocs } from './serve.js';
