// Query limits: every operation's depth and cost are computed from its text before it runs, and an operation over
// either limit is refused with QUERY_TOO_COMPLEX. The cost counts each field once per object it may be asked on
// (list fields multiply what is below them by their expected length, aliases count again) and native work heavily.
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

export interface QueryLimits {
  /** Deepest nesting of fields (health { people } is 2). */
  maxDepth: number;
  /** Largest cost, as counted by operationCost. */
  maxCost: number;
}

/** Fields that run the native core: each is an image or video analysed. */
const NATIVE_FIELD_COST: Record<string, number> = { searchFace: 1000, addPerson: 1000, addFace: 1000, recognizeVideo: 1000 };

/**
 * Expected length of each list field whose items are looked up one by one: its `first` argument where it has one,
 * else a generous typical size. A track's boxes come whole with its job's stored result, so they count once.
 */
const LIST_LENGTH: Record<string, number | ((first: number | undefined) => number)> = {
  people: (first) => first ?? 20,
  videoJobs: (first) => first ?? 20,
  faces: 20,
  tracks: 20,
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

/** Refuses an operation over the limits before it executes, with HTTP 400 and the code QUERY_TOO_COMPLEX. */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
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
        },
      };
    },
  };
}
