// A directory of consumer contracts judged against one spec: the report `pnpm contracts verify`
// prints and `pnpm can-i-deploy`, `pnpm spec:diff --contracts` and the docs page read.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { SpecModel } from '@payouts/model';
import { bundlePath, releasePath } from '@payouts/spec';
import { type Contract, ContractInputError, readContract } from './pact.js';
import { type ConsumerVerdict, judgeContract } from './verdict.js';

/** The contracts directory when none is named: `spec/contracts/`, beside the spec's sources. */
export const DEFAULT_CONTRACTS_DIR = resolve(bundlePath('json'), '../../contracts');

/** The default contracts directory when it exists (the registered consumers), else undefined. */
export function registeredContracts(): string | undefined {
  return existsSync(DEFAULT_CONTRACTS_DIR) ? DEFAULT_CONTRACTS_DIR : undefined;
}

export interface ContractsReport {
  /** The `info.version` of the spec the contracts were judged against. */
  spec_version: string;
  consumers: ConsumerVerdict[];
}

/** Every `*.json` in the directory, read as a contract, sorted by consumer; two files naming one consumer is an input error. */
export function readContracts(dir: string = DEFAULT_CONTRACTS_DIR): Contract[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ContractInputError(`the contracts directory ${dir} does not exist`);
  const contracts = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readContract(join(dir, name)));
  const byName = new Map<string, Contract>();
  for (const contract of contracts) {
    const other = byName.get(contract.consumer);
    if (other)
      throw new ContractInputError(
        `${other.file} and ${contract.file} both hold the contract of ${contract.consumer}: one file per consumer (merge them)`,
      );
    byName.set(contract.consumer, contract);
  }
  return contracts.sort((a, b) => a.consumer.localeCompare(b.consumer));
}

/** `--spec FILE|VERSION`: a release (`1.0.0`, from spec/releases/), a bundled file; default the working tree's bundle. */
export function resolveSpec(spec: string | undefined): string {
  if (spec === undefined) return bundlePath('json');
  if (/^v?\d+\.\d+\.\d+$/.test(spec)) {
    try {
      return releasePath(spec.replace(/^v/, ''));
    } catch (error) {
      throw new ContractInputError(`--spec ${spec}: ${(error as Error).message}`);
    }
  }
  if (!existsSync(spec)) throw new ContractInputError(`--spec ${spec} is neither a released version nor an existing file`);
  return spec;
}

export function loadModel(specFile: string): SpecModel {
  try {
    return SpecModel.load(specFile);
  } catch (error) {
    throw new ContractInputError((error as Error).message);
  }
}

export function judgeContracts(model: SpecModel, contracts: Contract[]): ContractsReport {
  return {
    spec_version: String(model.document.info?.version ?? ''),
    consumers: contracts.map((contract) => judgeContract(model, contract, shownPath(contract.file))),
  };
}

export interface VerifyOptions {
  /** Default `spec/contracts/`. */
  contracts?: string;
  /** A bundled spec file; default the working tree's bundle. */
  specFile?: string;
}

export function verifyContracts(options: VerifyOptions = {}): ContractsReport {
  const contracts = readContracts(options.contracts);
  return judgeContracts(loadModel(options.specFile ?? bundlePath('json')), contracts);
}

/** A file under the current directory as a relative path (`spec/contracts/loan-service.json`), any other as it is. */
function shownPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}
