// What the page's bundle gets for the Node modules @payouts/model and @payouts/callbacks import
// to read spec files and sign with node:crypto: the page never reads a file (it has the spec
// inline) and signs with WebCrypto, so each of these only says where it was called from.
function notInThePage(name: string): never {
  throw new Error(`${name} is not available in the docs page`);
}
export const readFileSync = () => notInThePage('readFileSync');
export const createHmac = () => notInThePage('createHmac');
export const timingSafeEqual = () => notInThePage('timingSafeEqual');
export const parse = () => notInThePage('YAML parse');
