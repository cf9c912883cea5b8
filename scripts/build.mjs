#!/usr/bin/env node
// Bundles every entry point (src/<entry>/index.ts) with ncc into dist/<entry>/index.js, two at a time.
// Usage: node scripts/build.mjs [entry ...]
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const all = readdirSync(join(root, 'src')).filter((d) =>
  existsSync(join(root, 'src', d, 'index.ts'))
)
const entries = process.argv.slice(2).length ? process.argv.slice(2) : all
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

function build(entry) {
  const out = join(root, 'dist', entry)
  rmSync(out, { recursive: true, force: true })
  return new Promise((resolve, reject) => {
    const args = [
      ncc,
      'build',
      `src/${entry}/index.ts`,
      '-o',
      `dist/${entry}`,
      '--license',
      'licenses.txt',
      '--transpile-only',
      '--quiet'
    ]
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit']
    })
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`ncc failed for ${entry} (exit ${code})`))
      const kb = (statSync(join(out, 'index.js')).size / 1024).toFixed(0)
      console.log(`dist/${entry}/index.js  ${kb} KiB`)
      resolve()
    })
  })
}

const queue = [...entries]
const started = Date.now()
await Promise.all(
  [0, 1].map(async () => {
    while (queue.length) await build(queue.shift())
  })
)
console.log(`built ${entries.length} bundle(s) in ${((Date.now() - started) / 1000).toFixed(1)}s`)

// dist/manifest.json records which source the bundles were built from (a hash of src/ and the
// lockfile) and each bundle's hash, so a commit that changes src/ always changes dist/ too, and a
// stale dist/ shows in review and in CI.
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]
  )
}
const sha = (data) => createHash('sha256').update(data).digest('hex')
const source = createHash('sha256')
for (const file of [...filesUnder(join(root, 'src')), join(root, 'package-lock.json')].sort()) {
  source.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0')
}
const bundles = {}
for (const entry of all.filter((e) => existsSync(join(root, 'dist', e, 'index.js'))))
  bundles[entry] = sha(readFileSync(join(root, 'dist', entry, 'index.js')))
writeFileSync(
  join(root, 'dist', 'manifest.json'),
  JSON.stringify({ source: source.digest('hex'), bundles }, null, 2) + '\n'
)
