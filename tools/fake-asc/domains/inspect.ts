// Lets a process outside the test (a workflow step, a shell) look at the fake:
//   GET /__fake/violations  -> JSON array of OpenAPI violations seen so far
//   GET /__fake/requests    -> JSON array of recorded requests (method, path, query, status, …)
// Not API routes: no token needed, not recorded as API requests.
import type { Domain } from '../types.js'

export const inspectDomain: Domain = {
  name: 'inspect',
  routes: [
    {
      method: 'GET',
      path: '/__fake/violations',
      api: false,
      handle: (ctx) => ({ status: 200, json: ctx.fake.violations })
    },
    {
      method: 'GET',
      path: '/__fake/requests',
      api: false,
      handle: (ctx) => ({
        status: 200,
        json: ctx.fake.requests.map(({ headers: _headers, ...r }) => r)
      })
    }
  ]
}
