// The one Ajv set-up: JSON Schema 2020-12 (what OpenAPI 3.1 schemas are), formats (the integer
// widths only annotate), and strictNumbers, so that a value JSON.parse turned into Infinity or NaN
// (`1e400`) is never valid.
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
export { Ajv2020 };

/** The id under which a model's document is registered; `${DOC_ID}#/...` refers into it. */
export const DOC_ID = 'openapi.json';

/** How a validator treats the data; the rest of the configuration is the same everywhere. */
export type AjvOptions = Pick<Options, 'coerceTypes' | 'useDefaults' | 'verbose' | 'discriminator'>;

export function createAjv(options: AjvOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    ...options,
    allErrors: true,
    validateFormats: true,
    // OpenAPI documents carry keywords of their own (example, discriminator's mapping, x-...):
    // not schema mistakes. Numbers stay strict.
    strictSchema: false,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    strictNumbers: true,
    // The spec's schemas are checked where the spec is built (redocly lint's struct rule); checking
    // them again against JSON Schema's meta-schema cost every Ajv 10-25 ms, and every sandbox,
    // mock and contract judgement makes several.
    validateSchema: false,
  });
  addFormats(ajv);
  // JSON carries no integer width: `format: int32` and `int64` tell generators what type to use,
  // and the schema's `type: integer` and bounds say what is valid, so a wrong value is named once.
  ajv.addFormat('int32', true);
  ajv.addFormat('int64', true);
  return ajv;
}
