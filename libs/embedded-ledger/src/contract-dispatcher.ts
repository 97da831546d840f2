// Runs fabric-contract-api contracts the way fabric-shim's ChaincodeFromContract does, minus the
// gRPC: one instance per contract class, routed by getName(); the transaction functions are the
// ones declared with @Transaction (or, without any decorator, the public methods of the class);
// parameters are converted by their declared schema type; the return value is serialised like
// fabric-contract-api's JSONSerializer. Doing the same here as on a peer is what lets one
// conformance suite run against both ledgers.
import 'reflect-metadata';
import { Contract, type Context } from 'fabric-contract-api';
import type { ChaincodeStub, ClientIdentity } from 'fabric-shim-api';
import { createLogger, format, transports, type Logger } from 'winston';
import { LedgerInvalidArgumentError, UnknownContractError, UnknownFunctionError } from './errors';
import type { ContractClass } from './types';

interface Schema {
  type?: string;
  $ref?: string;
}

interface TransactionDescriptor {
  name: string;
  parameters?: { name: string; schema: Schema }[];
  returns?: Schema;
}

interface DeployedContract {
  name: string;
  instance: Contract;
  transactions: Map<string, TransactionDescriptor>;
  overridesUnknownTransaction: boolean;
}

/** A request resolved to a contract and (if known) a transaction function. */
export interface ResolvedInvocation {
  contract: DeployedContract;
  /** undefined: an unknown function that the contract's own unknownTransaction handles. */
  transaction: TransactionDescriptor | undefined;
  functionName: string;
}

// aroundTransaction's real signature: fabric-contract-api's typings say `fn: Function`, but it is
// called with the function's name (`this[fn](ctx, ...parameters)`).
interface AroundTransaction {
  aroundTransaction(ctx: Context, fn: string, parameters: unknown[]): Promise<unknown>;
}

// Context's runtime setters, which fabric-contract-api's typings leave out. A custom Context may
// override them, so they are called rather than assigning the fields.
interface ContextSetters {
  setChaincodeStub(stub: ChaincodeStub): void;
  setClientIdentity(identity: ClientIdentity): void;
}

const CONTRACT_BASE_METHODS = new Set(Object.getOwnPropertyNames(Contract.prototype));

export class ContractDispatcher {
  private readonly contracts = new Map<string, DeployedContract>();
  private readonly loggers = new Map<string, Logger>();

  constructor(classes: readonly ContractClass[]) {
    for (const cls of classes) {
      const instance = new cls();
      // fabric-contract-api's own test (Contract._isContract) also accepts another copy of the package.
      if (!(instance instanceof Contract) && (instance as { __isContract?: unknown }).__isContract !== true) {
        throw new LedgerInvalidArgumentError(`${cls.name} is not a fabric-contract-api Contract`);
      }
      const name = instance.getName();
      if (this.contracts.has(name)) {
        throw new LedgerInvalidArgumentError(`two contracts are named ${name}`);
      }
      this.contracts.set(name, {
        name,
        instance,
        transactions: discoverTransactions(instance),
        overridesUnknownTransaction: Reflect.get(instance, 'unknownTransaction') !== Reflect.get(Contract.prototype, 'unknownTransaction'),
      });
    }
  }

  get contractNames(): string[] {
    return [...this.contracts.keys()];
  }

  /** Throws UnknownContractError / UnknownFunctionError before anything runs. */
  resolve(contractName: string, functionName: string): ResolvedInvocation {
    const contract = this.contracts.get(contractName);
    if (contract === undefined) {
      throw new UnknownContractError(contractName);
    }
    const transaction = contract.transactions.get(functionName);
    if (transaction === undefined && !contract.overridesUnknownTransaction) {
      throw new UnknownFunctionError(contractName, functionName);
    }
    return { contract, transaction, functionName };
  }

  /**
   * Runs one invocation: createContext, beforeTransaction, the function (through
   * aroundTransaction, as fabric-shim does), afterTransaction. Whatever the chaincode throws
   * propagates unchanged; the caller turns it into a ChaincodeExecutionError.
   */
  async invoke(resolved: ResolvedInvocation, stub: ChaincodeStub, identity: ClientIdentity, args: readonly string[]): Promise<string> {
    const { contract, transaction } = resolved;
    const ctx = contract.instance.createContext() as Context & ContextSetters;
    ctx.setChaincodeStub(stub);
    ctx.setClientIdentity(identity);
    ctx.logging = {
      setLevel: (level: string) => {
        this.logger(contract.name).level = level.toLowerCase();
      },
      getLogger: (name?: string) => this.logger(name === undefined ? contract.name : `${contract.name}:${name}`),
    };
    if (transaction === undefined) {
      await contract.instance.unknownTransaction(ctx);
      return '';
    }
    const parameters = convertParameters(transaction, args);
    await contract.instance.beforeTransaction(ctx);
    const result = await (contract.instance as unknown as AroundTransaction).aroundTransaction(ctx, resolved.functionName, parameters);
    await contract.instance.afterTransaction(ctx, result);
    return serializeResult(result, transaction.returns);
  }

  private logger(name: string): Logger {
    let logger = this.loggers.get(name);
    if (logger === undefined) {
      logger = createLogger({
        level: 'info',
        defaultMeta: { contract: name },
        format: format.combine(format.timestamp(), format.json()),
         
        transports: [new transports.Console()],
      });
      this.loggers.set(name, logger);
    }
    return logger;
  }
}

/** fabric-shim's rule: @Transaction metadata if there is any, else the class's own public methods. */
function discoverTransactions(instance: Contract): Map<string, TransactionDescriptor> {
  const declared = Reflect.getMetadata('fabric:transactions', instance) as TransactionDescriptor[] | undefined;
  const result = new Map<string, TransactionDescriptor>();
  if (declared !== undefined && declared.length > 0) {
    for (const tx of declared) {
      result.set(tx.name, tx);
    }
    return result;
  }
  const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor' || name.startsWith('_') || CONTRACT_BASE_METHODS.has(name) || typeof proto[name] !== 'function') {
      continue;
    }
    result.set(name, { name });
  }
  return result;
}

/** fabric-shim's DataMarshall.handleParameters, without the JSON-schema validation of objects. */
function convertParameters(transaction: TransactionDescriptor, args: readonly string[]): unknown[] {
  const expected = transaction.parameters;
  if (expected === undefined) {
    return [...args];
  }
  if (expected.length !== args.length) {
    throw new Error(`Expected ${expected.length} parameters, but ${args.length} have been supplied`);
  }
  return expected.map((param, i) => convertParameter(param.schema, args[i] ?? ''));
}

function convertParameter(schema: Schema, raw: string): unknown {
  switch (schema.type) {
    case 'string':
      return raw;
    case 'number': {
      const value = Number(raw);
      if (Number.isNaN(value)) {
        throw new Error('fromBuffer could not convert data to number');
      }
      return value;
    }
    case 'boolean': {
      const b = raw.trim().toLowerCase();
      if (b === 'true') return true;
      if (b === 'false') return false;
      throw new Error('fromBuffer could not convert data to boolean');
    }
    default:
      // Objects and arrays travel as JSON; like fabric-contract-api, unparsable input stays a string.
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

/** fabric-contract-api's JSONSerializer.toBuffer, decoded as UTF-8. */
function serializeResult(result: unknown, returns: Schema | undefined): string {
  if (result === undefined || result === null) {
    return '';
  }
  if ((returns?.type === 'string' || returns?.type === 'number') && typeof result !== returns.type) {
    throw new Error(`Returned value is ${typeof result} does not match schema type of ${returns.type}`);
  }
  if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') {
    return String(result);
  }
  return JSON.stringify(result);
}
