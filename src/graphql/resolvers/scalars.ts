// Custom scalars: Upload (graphql-upload) and DateTime (ISO-8601 strings, UTC).
import { GraphQLScalarType, Kind } from 'graphql';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import { userError } from '../errors.js';

function toIso(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw userError('BAD_USER_INPUT', `Expected an ISO-8601 timestamp but received ${JSON.stringify(value)}`);
  return d.toISOString();
}

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An ISO-8601 timestamp in UTC.',
  serialize: toIso,
  parseValue: toIso,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw userError('BAD_USER_INPUT', 'Expected an ISO-8601 timestamp string');
    return toIso(ast.value);
  },
});

export const Upload = GraphQLUpload;
