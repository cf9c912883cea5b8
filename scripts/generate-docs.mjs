#!/usr/bin/env node
// Fills the README's input and output tables from the action.yml files, between markers:
//   <!-- action-docs:actions/sync-profiles/action.yml -->  …  <!-- /action-docs -->
// Usage: node scripts/generate-docs.mjs [--check]   (--check: exit 1 when the README is out of date)
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url).pathname
const readmePath = join(root, 'README.md')
const check = process.argv.includes('--check')

const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\r?\n+/g, ' ')

export function tables(actionPath) {
  const action = parse(readFileSync(join(root, actionPath), 'utf8'))
  const lines = []
  const inputs = Object.entries(action.inputs ?? {})
  if (inputs.length) {
    lines.push('| Input | Description | Required | Default |', '| --- | --- | --- | --- |')
    for (const [name, spec] of inputs) {
      const def =
        spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``
      lines.push(
        `| \`${name}\` | ${cell(spec.description)} | ${spec.required ? 'yes' : 'no'} | ${def} |`
      )
    }
  }
  const outputs = Object.entries(action.outputs ?? {})
  if (outputs.length) {
    if (lines.length) lines.push('')
    lines.push('| Output | Description |', '| --- | --- |')
    for (const [name, spec] of outputs) lines.push(`| \`${name}\` | ${cell(spec.description)} |`)
  }
  return lines.join('\n')
}

const readme = readFileSync(readmePath, 'utf8')
const marker = /(<!-- action-docs:([^\s>]+) -->)[\s\S]*?(<!-- \/action-docs -->)/g
let count = 0
const updated = readme.replace(marker, (_all, open, path, close) => {
  count++
  return `${open}\n${tables(path)}\n${close}`
})
if (check) {
  if (updated !== readme) {
    console.error(
      'README.md tables differ from the action.yml files: run `npm run docs` and commit README.md.'
    )
    process.exit(1)
  }
  console.log(`README.md: ${count} table block(s) match the action.yml files`)
} else {
  writeFileSync(readmePath, updated)
  console.log(`README.md: ${count} table block(s) written`)
}
