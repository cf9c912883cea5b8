#!/usr/bin/env node
// Moves the repository to another version of Apple's App Store Connect OpenAPI document:
//   npm run update-openapi -- <Apple's zip or JSON>
// replaces openapi/openapi.oas.json, updates openapi/README.md (version, counts, SHA-256),
// regenerates the operation index, schemas, types and the explorer's model (npm run generate), and
// prints what changed against the old document (the explorer's `diff`). Then review the diff,
// run `npm run build` and `npm test`, and commit.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const specPath = join(root, 'openapi', 'openapi.oas.json')
const input = process.argv[2]
if (!input) {
  console.error('usage: npm run update-openapi -- <App Store Connect OpenAPI zip or JSON>')
  process.exit(2)
}

const { readSpecText } = await tsImport('../src/openapi/load.ts', import.meta.url)
const { buildModel } = await tsImport('../src/openapi/model.ts', import.meta.url)
const { diffAnswer } = await tsImport('../src/openapi/commands/diff.ts', import.meta.url)

const oldText = readFileSync(specPath, 'utf8')
const newText = readSpecText(resolve(input))
const newSpec = JSON.parse(newText)
if (!newSpec.info?.version || !newSpec.paths)
  throw new Error(`${input} is not an OpenAPI document (no info.version or paths)`)
const oldModel = buildModel(JSON.parse(oldText))
const newModel = buildModel(newSpec)

writeFileSync(specPath, newText)
const sha256 = createHash('sha256').update(newText).digest('hex')
const readmePath = join(root, 'openapi', 'README.md')
const paths = Object.keys(newSpec.paths).length
const readme = readFileSync(readmePath, 'utf8')
  .replace(/`info\.version` \*\*[^*]+\*\*/, `\`info.version\` **${newSpec.info.version}**`)
  .replace(
    /\d[\d,]* paths, \d[\d,]* operations/,
    `${paths.toLocaleString('en-US')} paths, ${newModel.operations.length.toLocaleString('en-US')} operations`
  )
  .replace(/SHA-256\s*\n?`[0-9a-f]{64}`/, (m) => m.replace(/[0-9a-f]{64}/, sha256))
writeFileSync(readmePath, readme)

const generate = spawnSync(process.execPath, [join(root, 'scripts', 'generate-openapi.mjs')], {
  cwd: root,
  stdio: 'inherit'
})
if (generate.status !== 0) process.exit(generate.status ?? 1)

console.log('')
console.log(diffAnswer(oldModel, newModel, 'old openapi.oas.json', input).text)
console.log('\nNext: review the diff above, run npm run build and npm test, and commit.')
