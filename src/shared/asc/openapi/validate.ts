// Validation of App Store Connect requests against the compact operation index built by
// scripts/openapi-index.mjs (committed as src/shared/asc/generated/operations.json and schemas.json).
// Pure functions, no I/O: used by the `api` action before it sends anything, and by the fake App
// Store Connect on every request it receives. This module only gathers the parts; import a part
// directly when only it is needed (bundles then carry no more than that part).
export * from './index-types.js'
export { findOperation, matchOperation, matchPath } from './paths.js'
export { validateQuery, validateQueryDetailed, type QueryProblem } from './query.js'
export { validateBody, validateBodyDetailed, type BodyProblem } from './body.js'
export { parseOperationText, suggestOperations } from './suggest.js'
export { briefList, levenshtein } from '../../text.js'
