// The compact operation index built by scripts/openapi-index.mjs (committed as
// src/shared/asc/generated/operations.json and schemas.json): its types, shared by the path matcher,
// the query and body validators and the suggestions.

/** A query parameter of an operation, as stored in the compact index. */
export interface IndexedParam {
  /** name, e.g. `filter[bundleId]` */
  n: string
  /** `list` (comma-separated array), `string`, `integer`, `boolean`, `number` */
  t: string
  /** item type of a list */
  i?: string
  /** index into {@link OperationIndex.enums} of the allowed values (of the items, for a list) */
  e?: number
  /** maximum (e.g. 200 for `limit`) */
  max?: number
  /** 1 when required */
  r?: 1
}

/** One operation of Apple's document. */
export interface IndexedOperation {
  /** upper-case method */
  m: string
  /** path template, e.g. `/v1/apps/{id}/builds` */
  p: string
  /** operationId */
  id: string
  q?: IndexedParam[]
  /** name of the request body schema in the schema map (`object` when inline) */
  b?: string
  /** content type of a non-JSON success response, or `none` when it has no body */
  r?: string
}

export interface OperationIndex {
  version: string
  sha256?: string
  enums: string[][]
  operations: IndexedOperation[]
}

/** The subset of OpenAPI 3.0 schema objects Apple's document uses. */
export interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  enum?: unknown[]
  items?: JsonSchema
  $ref?: string
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  nullable?: boolean
  format?: string
  additionalProperties?: boolean | JsonSchema
  minimum?: number
  maximum?: number
  discriminator?: { propertyName: string; mapping?: Record<string, string> }
  [key: string]: unknown
}

/** Component schemas by name (the `schemas` member of schemas.json). */
export type SchemaMap = Record<string, JsonSchema>

export interface OperationMatch {
  op: IndexedOperation
  pathParams: Record<string, string>
}

export interface PathMatch {
  template: string
  pathParams: Record<string, string>
  /** the operations of that path, by upper-case method */
  operations: Record<string, IndexedOperation>
}


/** `GET /v1/apps` */
export function describeOperation(op: IndexedOperation): string {
  return `${op.m} ${op.p}`
}
