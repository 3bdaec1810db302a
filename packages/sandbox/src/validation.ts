// The sandbox's reading of the one contract checker (`SpecModel.checkRequest` in @payouts/model):
// a request's diagnostics worded the way the spec's 400 Error model documents them, with Django
// REST framework's messages where it has them: `{"<field>": ["message"], "non_field_errors": [...]}`.
// Text no store can keep as sent (NUL, a lone surrogate) is refused here too.
import {
  addFieldError,
  type CheckedParts,
  describePosition,
  emptyFieldErrors,
  type FieldErrors,
  type Operation,
  type RequestParts,
  renderErrors,
  type SpecModel,
} from '@payouts/model';

export type RequestCheck = { ok: true; request: CheckedParts } | { ok: false; errors: FieldErrors };

/** Checks a request against its operation; the 400 body when it breaks the contract. */
export function checkRequest(spec: SpecModel, op: Operation, parts: RequestParts): RequestCheck {
  const errors = emptyFieldErrors();
  const { diagnostics, request } = spec.checkRequest(op, parts);
  for (const [name, value] of [...Object.entries(request.params), ...Object.entries(request.query)]) unstorableText(errors, [name], value);
  unstorableText(errors, [], parts.body);
  renderErrors(errors, diagnostics);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request };
}

/** What an answer of the sandbox's breaks of the spec, one line each (none when it keeps it). */
export function answerProblems(
  spec: SpecModel,
  op: Operation,
  status: number,
  contentType: string,
  body: unknown,
  headers: string[],
): string[] {
  return spec.checkResponse(op, { status, contentType, body, headers }).diagnostics.map((d) => {
    const where = d.field || d.location;
    // A message about the status or the media type names it already ("status 400 is not documented ...").
    return d.message.startsWith(where) ? d.message : `${where} ${d.message}`;
  });
}

const NUL_MESSAGE = 'Null characters are not allowed.';
/** With the u flag a surrogate pair is one code point: only a lone half is a `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;
const SURROGATE_MESSAGE = 'Not valid Unicode: the text has a lone surrogate (half of a UTF-16 pair).';

/** Adds an error for each string (value or key) at or below `path` that holds NUL or a lone surrogate. */
function unstorableText(into: FieldErrors, path: string[], value: unknown): void {
  const check = (text: string, at: string[]) => {
    const message = text.includes('\u0000') ? NUL_MESSAGE : LONE_SURROGATE.test(text) ? SURROGATE_MESSAGE : undefined;
    if (message === undefined) return;
    const [field, ...inner] = at;
    addFieldError(into, field ?? 'non_field_errors', inner.length > 0 ? `${describePosition(inner)}: ${message}` : message);
  };
  if (typeof value === 'string') check(value, path);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) unstorableText(into, [...path, String(index)], item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      check(key, [...path, key]);
      unstorableText(into, [...path, key], item);
    }
  }
}
