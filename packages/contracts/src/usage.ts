// Who uses each operation, and the fields they rely on: what the docs page shows under each
// operation ("Used by loan-service, collections-app"), read from the registered contracts.
import type { SpecModel } from '@payouts/model';
import { locationOf } from './expectation.js';
import type { Contract, Interaction, PathToken } from './pact.js';

export interface OperationUse {
  consumer: string;
  /** Each place the consumer's interactions send or expect, named as problems name them (`response.body.results[].utr`), sorted. */
  fields: string[];
}

/** By operationId: the consumers whose contracts call it, in name order. */
export function usageByOperation(model: SpecModel, contracts: readonly Contract[]): Map<string, OperationUse[]> {
  const usage = new Map<string, Map<string, Set<string>>>();
  for (const contract of contracts) {
    for (const interaction of contract.interactions) {
      if (interaction.notHttp) continue;
      const op = model.route(interaction.request.method, interaction.request.path.split('?')[0]!);
      if (!op) continue;
      const consumers = usage.get(op.operationId) ?? new Map<string, Set<string>>();
      usage.set(op.operationId, consumers);
      const fields = consumers.get(contract.consumer) ?? new Set<string>();
      consumers.set(contract.consumer, fields);
      for (const field of fieldsOf(interaction)) fields.add(field);
    }
  }
  return new Map(
    [...usage].map(([operationId, consumers]) => [
      operationId,
      [...consumers].sort(([a], [b]) => a.localeCompare(b)).map(([consumer, fields]) => ({ consumer, fields: [...fields].sort() })),
    ]),
  );
}

function fieldsOf(interaction: Interaction): string[] {
  const { request, response } = interaction;
  return [
    ...Object.keys(request.query).map((name) => `request.query.${name}`),
    ...leaves(request.body, 'request.body'),
    ...leaves(response.body, 'response.body'),
  ];
}

/** The paths to every scalar in a JSON value, items of a list as one (`results[].id`). */
function leaves(value: unknown, place: string, path: PathToken[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => leaves(item, place, [...path, '*']));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => leaves(child, place, [...path, key]));
  return value === undefined || path.length === 0 ? [] : [locationOf(place, path)];
}
