import indexJson from './generated/operations.json' with { type: 'json' }
import schemasJson from './generated/schemas.json' with { type: 'json' }
import type { OperationIndex, SchemaMap } from './openapi/index-types.js'

/**
 * Apple's operations and request-body schemas, generated from openapi/openapi.oas.json by
 * `npm run generate` (the 7 MB document itself is never bundled).
 */
export const operationIndex = indexJson as unknown as OperationIndex
export const bodySchemas = (schemasJson as unknown as { schemas: SchemaMap }).schemas
