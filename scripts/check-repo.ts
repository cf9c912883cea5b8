#!/usr/bin/env -S npx tsx
// Repository hygiene: the files users look for exist and agree with each other, and the workflows
// pin third-party actions by commit SHA with least-privilege permissions.
//
//   tsx scripts/check-repo.ts                     every check; lists the problems, fails on any
//   tsx scripts/check-repo.ts release vX.Y.Z [notes.md]
//       checks a release tag against package.json and CHANGELOG.md, writes the release notes
//       (the CHANGELOG section) to notes.md or stdout
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'

export const REQUIRED_FILES = [
  'LICENSE',
  'CHANGELOG.md',
  'SECURITY.md',
  'CONTRIBUTING.md',
  '.gitattributes',
  '.github/CODEOWNERS',
  '.github/dependabot.yml'
]

/** The first line of the license text for each SPDX identifier package.json may name. */
const LICENSE_HEADINGS: Record<string, string> = {
  MIT: 'MIT License',
  'Apache-2.0': 'Apache License',
  ISC: 'ISC License'
}

/** `uses:` references that name this repository as a user would (the example workflow). */
const SELF_REFERENCE = /^your-org\/app-store-connect-actions[/@]/

export function licenseProblems(spdx: string | undefined, text: string | undefined): string[] {
  if (!spdx) return ['package.json has no "license"']
  if (text === undefined) return [`LICENSE is missing (package.json says ${spdx})`]
  const heading = LICENSE_HEADINGS[spdx]
  if (!heading) return [`package.json's license ${spdx} is not one this check knows`]
  const first = text.trimStart().split('\n')[0].trim()
  return first === heading
    ? []
    : [`LICENSE starts with "${first}", but package.json's license ${spdx} needs "${heading}"`]
}

/** The version of each `## [x.y.z]` section in order, without `Unreleased`. */
export function releasedVersions(changelog: string): string[] {
  return [...changelog.matchAll(/^## \[([^\]]+)\]/gm)]
    .map((m) => m[1])
    .filter((v) => v.toLowerCase() !== 'unreleased')
}

/** The body of the `## [version]` section (up to the next `## ` heading or the link list). */
export function releaseNotes(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n')
  const start = lines.findIndex((l) => l.startsWith(`## [${version}]`))
  if (start < 0) return undefined
  const body: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ') || /^\[[^\]]+\]: /.test(line)) break
    body.push(line)
  }
  return body.join('\n').trim()
}

export function changelogProblems(version: string, changelog: string | undefined): string[] {
  if (changelog === undefined) return ['CHANGELOG.md is missing']
  const problems: string[] = []
  if (!/^## \[Unreleased\]/im.test(changelog))
    problems.push('CHANGELOG.md has no "## [Unreleased]" section for the next changes')
  const latest = releasedVersions(changelog)[0]
  if (latest === undefined) problems.push('CHANGELOG.md has no released "## [x.y.z]" section')
  else if (latest !== version)
    problems.push(
      `package.json's version is ${version}, but the latest CHANGELOG.md section is [${latest}]`
    )
  else if (!releaseNotes(changelog, version))
    problems.push(`CHANGELOG.md's section [${version}] is empty`)
  return problems
}

/**
 * Every `uses:` of another repository is pinned by a full commit SHA with its tag in a comment
 * (`owner/repo@<40 hex> # v5.0.0`). Local actions (`./…`) and this repository named as a user
 * would (the example workflow) are exempt.
 */
export function pinProblems(file: string, text: string): string[] {
  const problems: string[] = []
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(#.*)?$/.exec(line)
    if (!m) return
    const [, ref, comment] = m
    if (ref.startsWith('./') || SELF_REFERENCE.test(ref)) return
    const where = `${file}:${i + 1}`
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref))
        problems.push(`${where}: ${ref} is not pinned by digest`)
      return
    }
    if (!/^[^@]+@[0-9a-f]{40}$/.test(ref))
      problems.push(`${where}: ${ref} is not pinned by a full commit SHA`)
    else if (!comment || !/^#\s*v\d/.test(comment))
      problems.push(`${where}: ${ref} has no "# vX.Y.Z" comment naming its tag`)
  })
  return problems
}

type Permissions = string | Record<string, string> | undefined

function writes(permissions: Permissions): string[] {
  if (permissions === undefined) return []
  if (typeof permissions === 'string') return permissions === 'read-all' ? [] : [permissions]
  return Object.entries(permissions)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => `${scope}: write`)
}

/**
 * The workflow grants read-only (or no) permissions at the top; any write permission is given
 * to the one job that needs it.
 */
export function permissionProblems(file: string, text: string): string[] {
  const workflow = parse(text) as {
    permissions?: Permissions
    jobs?: Record<string, { permissions?: Permissions }>
  }
  const problems: string[] = []
  if (workflow.permissions === undefined)
    problems.push(`${file}: no top-level permissions (the default token may write)`)
  for (const grant of writes(workflow.permissions))
    problems.push(`${file}: grants ${grant} to every job; grant it in the job that needs it`)
  for (const [name, job] of Object.entries(workflow.jobs ?? {}))
    if (job.permissions === 'write-all') problems.push(`${file}: job ${name} has write-all`)
  return problems
}

export function dependabotProblems(text: string | undefined): string[] {
  if (text === undefined) return []
  const config = parse(text) as { updates?: Array<{ 'package-ecosystem'?: string }> }
  const ecosystems = new Set((config.updates ?? []).map((u) => u['package-ecosystem']))
  return ['npm', 'github-actions']
    .filter((e) => !ecosystems.has(e))
    .map((e) => `.github/dependabot.yml does not update ${e}`)
}

/** A release tag `vX.Y.Z` (or `vX.Y.Z-pre`) agrees with package.json and has CHANGELOG notes. */
export function releaseTagProblems(
  tag: string,
  version: string,
  changelog: string | undefined
): string[] {
  const m = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag)
  if (!m) return [`the tag ${tag} is not vX.Y.Z`]
  if (m[1] !== version) return [`the tag ${tag} does not match package.json's version ${version}`]
  if (changelog === undefined || !releaseNotes(changelog, version))
    return [`CHANGELOG.md has no notes in a "## [${version}]" section`]
  return []
}

function read(root: string, path: string): string | undefined {
  const full = join(root, path)
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined
}

/** Workflows and action metadata files, relative to root. */
export function workflowFiles(root: string): string[] {
  const workflows = readdirSync(join(root, '.github', 'workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`)
  const actions = readdirSync(join(root, 'actions'))
    .map((d) => `actions/${d}/action.yml`)
    .filter((f) => existsSync(join(root, f)))
  return [...workflows.sort(), 'action.yml', ...actions.sort()]
}

/** Every problem in the repository at root. */
export function checkRepo(root: string): string[] {
  const pkg = JSON.parse(read(root, 'package.json') ?? '{}') as {
    license?: string
    version?: string
  }
  const problems = REQUIRED_FILES.filter((f) => read(root, f) === undefined).map(
    (f) => `${f} is missing`
  )
  problems.push(...licenseProblems(pkg.license, read(root, 'LICENSE')))
  problems.push(...changelogProblems(pkg.version ?? '', read(root, 'CHANGELOG.md')))
  problems.push(...dependabotProblems(read(root, '.github/dependabot.yml')))
  for (const file of workflowFiles(root)) {
    const text = read(root, file) ?? ''
    problems.push(...pinProblems(file, text))
    if (file.startsWith('.github/workflows/')) problems.push(...permissionProblems(file, text))
  }
  return problems
}

function main(args: string[]): void {
  const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
  if (args[0] === 'release') {
    const [, tag, out] = args
    const pkg = JSON.parse(read(root, 'package.json') ?? '{}') as { version?: string }
    const changelog = read(root, 'CHANGELOG.md')
    const problems = releaseTagProblems(tag ?? '', pkg.version ?? '', changelog)
    if (problems.length) {
      for (const p of problems) console.error(`::error title=Release check::${p}`)
      process.exitCode = 1
      return
    }
    const notes = `${releaseNotes(changelog!, pkg.version!)}\n`
    if (out) writeFileSync(out, notes)
    else process.stdout.write(notes)
    return
  }
  const problems = checkRepo(root)
  for (const p of problems) console.error(`::error title=Repository check::${p}`)
  if (problems.length) process.exitCode = 1
  else console.log('Repository files agree: license, changelog, pins, permissions.')
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  main(process.argv.slice(2))
