import { type Static, Type } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode, UNAUTHORIZED_BODY } from '../errors.js';

/** Every error but 401: Atlas's error document, keys in Atlas's order. */
export const ErrorDocument = Type.Object(
  {
    detail: Type.String({ description: 'What went wrong, for people' }),
    error: Type.Integer({ description: 'The HTTP status, repeated' }),
    errorCode: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: ERROR_CODES,
      description: 'What went wrong, for programs',
    }),
    parameters: Type.Array(Type.String(), { description: 'The values the detail refers to' }),
    reason: Type.String({ description: 'The HTTP reason phrase' }),
  },
  { additionalProperties: false },
);
export type ErrorDocument = Static<typeof ErrorDocument>;

/** The 401 body, exactly as Atlas sends it, with the Digest challenge beside it. */
export const UnauthorizedDocument = Type.Object(
  {
    error: Type.Literal(UNAUTHORIZED_BODY.error),
    reason: Type.Literal(UNAUTHORIZED_BODY.reason),
    detail: Type.Literal(UNAUTHORIZED_BODY.detail),
  },
  { additionalProperties: false },
);
