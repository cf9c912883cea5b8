// Reads action.yml files and checks composite actions the way actionlint would if it linted them:
// inputs reach scripts only through env:, every step names its shell, every INPUT_ variable is an
// input of the bundle the step runs, and every expression names an input or step that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../tools/e2e-harness.js'

export interface ActionInput {
  description?: string
  required?: boolean
  default?: string
}

export interface ActionOutput {
  description?: string
  value?: string
}

export interface Step {
  id?: string
  name?: string
  if?: string
  shell?: string
  run?: string
  uses?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}

export interface ActionMetadata {
  name?: string
  description?: string
  inputs?: Record<string, ActionInput>
  outputs?: Record<string, ActionOutput>
  runs: { using: string; main?: string; steps?: Step[] }
}

/** The inputs every action of the repository shares. */
export const CONNECTION_INPUTS = [
  'key-id',
  'issuer-id',
  'private-key',
  'private-key-path',
  'api-base-url'
]

/** Path (relative to the repository) of an entry point's action.yml: `api` is the root action. */
export function entryActionPath(entry: string): string {
  return entry === 'api' ? 'action.yml' : `actions/${entry}/action.yml`
}

export function readAction(path: string): ActionMetadata {
  return parse(readFileSync(resolve(ROOT, path), 'utf8')) as ActionMetadata
}

/** Every `actions/<name>/action.yml` whose `runs.using` is composite, by name. */
export function compositeActions(): Map<string, ActionMetadata> {
  const found = new Map<string, ActionMetadata>()
  for (const name of readdirSync(join(ROOT, 'actions')).sort()) {
    const path = `actions/${name}/action.yml`
    if (!existsSync(join(ROOT, path))) continue
    const action = readAction(path)
    if (action.runs?.using === 'composite') found.set(name, action)
  }
  return found
}

/** The entry point whose bundle a composite step runs (`node "$GITHUB_ACTION_PATH/../../dist/<entry>/index.js"`). */
export function bundleOf(step: Step): { entry: string; relativePath: string } | undefined {
  const m = /"\$GITHUB_ACTION_PATH\/((?:\.\.\/)+dist\/([a-z0-9-]+)\/index\.js)"/.exec(
    step.run ?? ''
  )
  return m ? { entry: m[2], relativePath: m[1] } : undefined
}

/** The `${{ … }}` expressions in a value (an `if:` is an expression even without braces). */
function expressions(value: unknown, bare = false): string[] {
  if (value === undefined || value === null) return []
  const text = String(value)
  const found = [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1])
  return found.length === 0 && bare ? [text] : found
}

const INPUT_REF = /\binputs\.([A-Za-z0-9_-]+)/g
const STEP_OUTPUT_REF = /\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g

/**
 * Problems in a composite action (empty when it is sound). `dir` is its directory relative to the
 * repository (e.g. `actions/testflight-release`); `loadEntry` reads the action.yml of an entry point,
 * or returns undefined when there is none.
 */
export function checkComposite(
  dir: string,
  action: ActionMetadata,
  loadEntry: (entry: string) => ActionMetadata | undefined
): string[] {
  const problems: string[] = []
  const inputs = action.inputs ?? {}
  const steps = action.runs.steps ?? []
  const used = new Set<string>()
  const stepOutputs = new Map<string, { label: string; outputs: (name: string) => boolean }>()

  if (!action.name) problems.push('the action has no name')
  if (!action.description) problems.push('the action has no description')
  for (const [name, input] of Object.entries(inputs))
    if (!input?.description) problems.push(`input ${name} has no description`)

  const checkRefs = (where: string, exprs: string[], knownSteps: typeof stepOutputs) => {
    for (const expr of exprs) {
      for (const [, name] of expr.matchAll(INPUT_REF)) {
        used.add(name)
        if (!(name in inputs)) problems.push(`${where}: inputs.${name} is not a declared input`)
      }
      for (const [, id, output] of expr.matchAll(STEP_OUTPUT_REF)) {
        const step = knownSteps.get(id)
        if (!step) problems.push(`${where}: steps.${id} is not an earlier step's id`)
        else if (!step.outputs(output))
          problems.push(`${where}: ${step.label} has no output ${output}`)
      }
    }
  }

  steps.forEach((step, index) => {
    const label = `step ${index + 1} (${step.name ?? step.id ?? step.uses ?? 'unnamed'})`
    if (!step.name) problems.push(`${label} has no name`)
    if (step.run !== undefined) {
      if (!step.shell) problems.push(`${label} runs a script without naming its shell`)
      if (/\$\{\{/.test(step.run))
        problems.push(
          `${label} expands an expression inside run: (${expressions(step.run)
            .map((e) => e.trim())
            .join(', ')}); pass it through env:`
        )
    }
    checkRefs(`${label} if`, expressions(step.if, true), stepOutputs)
    for (const [key, value] of Object.entries({ ...step.env, ...step.with }))
      checkRefs(`${label} ${key}`, expressions(value), stepOutputs)

    const bundle = bundleOf(step)
    let declared: (name: string) => boolean = (name) =>
      new RegExp(`(^|[\\s"'{])${name.replace(/[-]/g, '\\-')}=`, 'm').test(step.run ?? '')
    if (bundle) {
      const entry = loadEntry(bundle.entry)
      if (!entry) {
        problems.push(
          `${label} runs dist/${bundle.entry}/index.js, but ${entryActionPath(bundle.entry)} does not exist`
        )
      } else {
        const runs = resolve(ROOT, dir, bundle.relativePath)
        const main = resolve(ROOT, dirname(entryActionPath(bundle.entry)), entry.runs.main ?? '')
        if (runs !== main)
          problems.push(
            `${label} runs ${relative(ROOT, runs)}, but ${entryActionPath(bundle.entry)} runs ${relative(ROOT, main)}`
          )
        const entryInputs = entry.inputs ?? {}
        const byVariable = new Map(
          Object.keys(entryInputs).map((n) => [`INPUT_${n.toUpperCase()}`, n])
        )
        for (const [variable, value] of Object.entries(step.env ?? {})) {
          if (!variable.startsWith('INPUT_')) continue
          const target = byVariable.get(variable)
          if (!target) {
            problems.push(
              `${label}: ${variable} is not an input of ${entryActionPath(bundle.entry)}`
            )
            continue
          }
          // A forwarded input keeps the entry point's default, so the README tables agree.
          const forwarded = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(String(value))
          const entryDefault = entryInputs[target]?.default ?? ''
          // (An empty default lets the bundle apply its own, environment variables included.)
          const ours = forwarded ? String(inputs[forwarded[1]]?.default ?? '') : ''
          if (forwarded && entryDefault !== '' && ours !== '') {
            if (ours !== String(entryDefault))
              problems.push(
                `input ${forwarded[1]} defaults to '${ours}', but ${bundle.entry}'s ${target} defaults to '${entryDefault}'`
              )
          }
        }
        for (const name of CONNECTION_INPUTS) {
          if (!(name in inputs)) problems.push(`the shared input ${name} is not declared`)
          if (!(`INPUT_${name.toUpperCase()}` in (step.env ?? {})))
            problems.push(`${label} does not pass ${name} to ${bundle.entry}`)
        }
        const outputs = entry.outputs ?? {}
        declared = (name) => name in outputs
      }
    }
    if (step.id) {
      if (stepOutputs.has(step.id)) problems.push(`${label}: the id ${step.id} is used twice`)
      stepOutputs.set(step.id, {
        label: bundle ? bundle.entry : `step ${step.id}`,
        outputs: declared
      })
    }
  })

  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    if (!output?.description) problems.push(`output ${name} has no description`)
    if (!output?.value) problems.push(`output ${name} has no value`)
    checkRefs(`output ${name}`, expressions(output?.value), stepOutputs)
  }
  for (const name of Object.keys(inputs))
    if (!used.has(name)) problems.push(`input ${name} is declared but never used`)
  return problems
}

/** Reads an entry point's action.yml from the repository, or undefined when it does not exist. */
export function loadEntryFromRepository(entry: string): ActionMetadata | undefined {
  const path = entryActionPath(entry)
  return existsSync(join(ROOT, path)) ? readAction(path) : undefined
}
