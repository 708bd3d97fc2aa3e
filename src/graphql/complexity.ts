// Query limits: every operation's depth and cost are computed from its text before it runs, and an operation over
// either limit is refused with QUERY_TOO_COMPLEX. The cost counts each field once per object it may be asked on
// (list fields multiply what is below them by the most they can return, aliases count again) and native work
// heavily. Two bounds outside the cost: a text nested deeper than any allowed query is refused before the parser
// recurses into it, and an answer larger than MAX_RESPONSE_BYTES is replaced by the same error.
import { MAX_IMPORT_FILES } from './multipart.js';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_PAGE_SIZE, FACES_PAGE_SIZE } from './arguments.js';
import { errorBody } from './errors.js';

/** The largest answer sent; no query under the cost limit comes near it. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Brackets a query's text may nest ({ [ ( together): a query at the depth limit with nested input objects fits. */
export const MAX_TEXT_NESTING = 64;

export interface QueryLimits {
  /** Deepest nesting of fields (health { people } is 2). */
  maxDepth: number;
  /** Largest cost, as counted by operationCost. */
  maxCost: number;
}

/** Fields that enrol the request's one upload: an operation may hold one of them (RequestUploads enrols a file once). */
const ENROLMENT_FIELDS = new Set(['addPerson', 'addFace']);

/** Fields that run the native core: each is an image or video analysed. */
const NATIVE_FIELD_COST: Record<string, number> = {
  searchFace: 1000,
  addPerson: 1000,
  addFace: 1000,
  recognizeVideo: 1000,
  // Up to MAX_IMPORT_FILES photos, each analysed; the list of results multiplies what is asked of each below.
  importPhotos: 1000,
  // Every unnamed face placed again.
  regroupFaces: 1000,
};

/**
 * Length of each list field whose items are looked up one by one: its `first` argument (the most it can return)
 * or the default the schema gives it; tracks, with no such argument, a generous typical size. A track's boxes come
 * whole with its job's stored result, so they count once.
 */
const LIST_LENGTH: Record<string, number | ((first: number | undefined) => number)> = {
  people: (first) => first ?? DEFAULT_PAGE_SIZE,
  videoJobs: (first) => first ?? DEFAULT_PAGE_SIZE,
  faces: (first) => first ?? FACES_PAGE_SIZE,
  tracks: 20,
  faceGroups: (first) => first ?? DEFAULT_PAGE_SIZE,
  importPhotos: MAX_IMPORT_FILES,
  // An import's faces: a group photo's worth.
  named: 20,
  unnamed: 20,
};

export interface OperationSize {
  depth: number;
  cost: number;
}

function numberArgument(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  const value: ValueNode | undefined = arg?.value;
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/** Depth and cost of one operation, with its fragments inlined (a fragment cycle is a validation error before this). */
export function operationSize(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): OperationSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): OperationSize => {
    let deepest = depth;
    let cost = 0;
    for (const s of set.selections) {
      let inner: OperationSize;
      if (s.kind === Kind.FIELD) {
        const name = s.name.value;
        const own = NATIVE_FIELD_COST[name] ?? (name.startsWith('__') ? 0 : 1);
        const length = LIST_LENGTH[name];
        const times = typeof length === 'function' ? Math.max(1, length(numberArgument(s, 'first', variables))) : (length ?? 1);
        const below = s.selectionSet ? walk(s.selectionSet, depth + 1, seen) : { depth: depth + 1, cost: 0 };
        inner = { depth: below.depth, cost: own + times * below.cost };
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(s.selectionSet, depth, seen);
      } else {
        const fragment = fragments.get(s.name.value);
        if (!fragment || seen.has(s.name.value)) continue;
        inner = walk(fragment.selectionSet, depth, new Set([...seen, s.name.value]));
      }
      deepest = Math.max(deepest, inner.depth);
      cost += inner.cost;
    }
    return { depth: deepest, cost };
  };
  return walk(operation.selectionSet, 0, new Set());
}

/** How many enrolling fields an operation's top level holds, aliases and fragments included. */
export function enrolmentCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const count = (set: SelectionSetNode, seen: Set<string>): number =>
    set.selections.reduce((n, s) => {
      if (s.kind === Kind.FIELD) return n + (ENROLMENT_FIELDS.has(s.name.value) ? 1 : 0);
      if (s.kind === Kind.INLINE_FRAGMENT) return n + count(s.selectionSet, seen);
      const fragment = fragments.get(s.name.value);
      return !fragment || seen.has(s.name.value) ? n : n + count(fragment.selectionSet, new Set([...seen, s.name.value]));
    }, 0);
  return count(operation.selectionSet, new Set());
}

/**
 * How deeply brackets nest in a GraphQL text, counted without parsing (strings, block strings and comments
 * skipped), so a text nested thousands deep is refused before graphql-js's recursive parser meets it.
 */
export function textNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end < 0 ? source.length : end + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) if (source[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === '}' || c === ']' || c === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** Express middleware before Apollo: QUERY_TOO_COMPLEX (HTTP 400) for a query text nested past MAX_TEXT_NESTING. */
export function refuseDeepText(req: Request, res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  const queries = [...(Array.isArray(body) ? body : [body]).map((b) => (b as { query?: unknown } | undefined)?.query), req.query?.query];
  for (const q of queries) {
    if (typeof q !== 'string') continue;
    const nesting = textNesting(q);
    if (nesting > MAX_TEXT_NESTING) {
      res.status(400).json(errorBody('QUERY_TOO_COMPLEX', `The query nests ${nesting} levels of brackets; at most ${MAX_TEXT_NESTING} are allowed.`));
      return;
    }
  }
  next();
}

/**
 * Refuses an operation over the limits before it executes, with HTTP 400 and the code QUERY_TOO_COMPLEX; an answer
 * over MAX_RESPONSE_BYTES is replaced by that error too (its work is done, but it is not sent).
 */
export function queryLimitsPlugin(limits: QueryLimits, maxResponseBytes = MAX_RESPONSE_BYTES): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.data) return;
          const bytes = Buffer.byteLength(JSON.stringify(response.body.singleResult));
          if (bytes <= maxResponseBytes) return;
          response.http.status = 400;
          response.body.singleResult = {
            errors: [
              new GraphQLError(
                `The answer would be ${(bytes / 1048576).toFixed(1)} MB; at most ${maxResponseBytes / 1048576} MB is sent. Ask for fewer fields or a smaller page (first).`,
                {
                  extensions: { code: 'QUERY_TOO_COMPLEX' },
                },
              ).toJSON(),
            ],
          };
        },
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const { depth, cost } = operationSize(document, operation, request.variables ?? {});
          const over =
            depth > limits.maxDepth
              ? `The query is ${depth} fields deep; at most ${limits.maxDepth} are allowed.`
              : cost > limits.maxCost
                ? `The query would cost ${cost}; at most ${limits.maxCost} is allowed (each photo or video analysed costs 1000; list fields multiply what they contain).`
                : null;
          if (over) throw new GraphQLError(over, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
          // One request carries one file, enrolled once: a second enrolling field is refused before either runs,
          // so no enrolment is made that the answer would not report.
          if (operation.operation === 'mutation' && enrolmentCount(document, operation) > 1) {
            throw new GraphQLError('Expected at most one addPerson or addFace in a request (each upload is enrolled once) but received more.', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
