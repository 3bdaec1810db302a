export { buildDocs, DOCS_PAGE, type DocsBuild } from './build.js';
export { type CodeSample, codeSamplesFor } from './code-samples.js';
export { type DocsEvent, type DocsServer, type ServeDocsOptions, serveDocs } from './serve.js';
export type { OfferedServer } from './try-it/shared.js';
