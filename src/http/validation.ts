import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError, ValueErrorType } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { ApiError } from './errors.js';

type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

/**
 * Validates each request part against its TypeBox schema and turns the first failure
 * into the Atlas error for that part. Query strings and path parameters arrive as
 * strings and are converted to the schema's types (and given their defaults); bodies
 * are never coerced, so `{"description": 5}` is an error rather than the string "5".
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = (httpPart ?? 'body') as HttpPart;
  return (input: unknown) => {
    const value = part === 'body' ? input : convertStrings(schema, input);
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    return { error: toApiError(part, first, value) };
  };
};

const INTEGER = /^-?\d+$/;

// Query and path values are strings. Only a plain decimal integer becomes a number, so
// `pageNum=1.5`, `pageNum=1e3` and `pageNum= 2` fail validation rather than being rounded or
// trimmed into something the client did not ask for. Absent values take the schema default.
function convertStrings(schema: TSchema, input: unknown): unknown {
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (!properties || typeof input !== 'object' || input === null) return input;
  const output: Record<string, unknown> = { ...input };
  for (const [name, property] of Object.entries(properties)) {
    const value = output[name];
    if (value === undefined && property.default !== undefined) output[name] = property.default;
    else if (property.type === 'integer' && typeof value === 'string' && INTEGER.test(value)) {
      output[name] = Number(value);
    }
  }
  return output;
}

function toApiError(part: HttpPart, error: ValueError | undefined, value: unknown): ApiError {
  const name = error ? error.path.split('/').filter(Boolean).join('.') : '';
  switch (part) {
    case 'params':
      return new ApiError(
        'INVALID_PATH_PARAMETER',
        `Invalid value ${describe(error?.value)} for path parameter ${name}.`,
        [name],
      );
    case 'querystring':
    case 'headers':
      return new ApiError(
        'INVALID_QUERY_PARAMETER',
        `Invalid value ${describe(error?.value)} for query parameter ${name}.`,
        [name],
      );
    case 'body':
      return bodyError(error, value, name);
  }
}

function bodyError(error: ValueError | undefined, body: unknown, name: string): ApiError {
  if (body === null || body === undefined) {
    const required = (error?.schema.required as string[] | undefined)?.[0] ?? 'body';
    return missing(required);
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    return new ApiError('INVALID_ATTRIBUTE', 'The request body must be a JSON object.');
  }
  if (error?.type === ValueErrorType.ObjectRequiredProperty) return missing(name);
  if (error?.type === ValueErrorType.ObjectAdditionalProperties) {
    return new ApiError('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
  }
  return new ApiError(
    'INVALID_ATTRIBUTE',
    `Invalid attribute ${name} specified: ${error?.message ?? 'invalid value'}.`,
    [name],
  );
}

function missing(name: string): ApiError {
  return new ApiError('MISSING_ATTRIBUTE', `The required attribute ${name} was not specified.`, [
    name,
  ]);
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${String(text).slice(0, 100)}"`;
}
